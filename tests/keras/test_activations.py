"""keras.activations: each name resolves and matches Keras's formula in NumPy."""

import math

import numpy as np
import pytest

import deepling as dl
from deepling.keras import activations

X = np.array([-7.0, -2.5, -1.0, -0.3, 0.0, 0.4, 1.0, 2.5, 7.0], np.float32)
SELU_A, SELU_S = 1.6732632423543772, 1.0507009873554805


def sig(x):
    return 1 / (1 + np.exp(-x))


def softplus(x):
    return np.log1p(np.exp(x))


ERF = np.vectorize(math.erf)
REFERENCE = {
    "linear": lambda x: x,
    "relu": lambda x: np.maximum(x, 0),
    "sigmoid": sig,
    "tanh": np.tanh,
    "elu": lambda x: np.where(x > 0, x, np.expm1(x)),
    "selu": lambda x: SELU_S * np.where(x > 0, x, SELU_A * np.expm1(x)),
    "softplus": softplus,
    "softsign": lambda x: x / (1 + np.abs(x)),
    "swish": lambda x: x * sig(x),
    "silu": lambda x: x * sig(x),
    "gelu": lambda x: 0.5 * x * (1 + ERF(x / np.sqrt(2))),  # Keras 3: approximate=False
    "leaky_relu": lambda x: np.where(x > 0, x, 0.2 * x),  # Keras's slope 0.2
    "exponential": np.exp,
    "relu6": lambda x: np.clip(x, 0, 6),
    "hard_sigmoid": lambda x: np.clip(x + 3, 0, 6) / 6,
    "hard_silu": lambda x: x * np.clip(x + 3, 0, 6) / 6,
    "hard_swish": lambda x: x * np.clip(x + 3, 0, 6) / 6,
    "mish": lambda x: x * np.tanh(softplus(x)),
    "log_sigmoid": lambda x: -softplus(-x),
}


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_named_activation_matches_keras_formula(name):
    fn = activations.get(name)
    got = fn(dl.tensor(X)).numpy()
    np.testing.assert_allclose(got, REFERENCE[name](X.astype(np.float64)), rtol=1e-5, atol=1e-6)
    if name != "linear":
        assert dl.gradcheck(fn, [X.astype(np.float64) + 0.01])  # off the kinks


def test_softmax_and_log_softmax_over_an_axis():
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], np.float32)
    e = np.exp(z - z.max(-1, keepdims=True))
    np.testing.assert_allclose(
        activations.softmax(dl.tensor(z)).numpy(), e / e.sum(-1, keepdims=True), rtol=1e-6
    )
    e0 = np.exp(z - z.max(0, keepdims=True))
    np.testing.assert_allclose(
        activations.softmax(dl.tensor(z), axis=0).numpy(), e0 / e0.sum(0, keepdims=True), rtol=1e-6
    )
    np.testing.assert_allclose(
        activations.log_softmax(dl.tensor(z)).numpy(),
        np.log(e / e.sum(-1, keepdims=True)),
        rtol=1e-6,
    )


def test_relu_options_follow_keras():
    x = dl.tensor(X)
    np.testing.assert_allclose(activations.relu(x, max_value=2.0).numpy(), np.clip(X, 0, 2))
    np.testing.assert_allclose(
        activations.relu(x, negative_slope=0.1).numpy(), np.where(X > 0, X, 0.1 * X), rtol=1e-6
    )
    # threshold t, slope a: x where x > t, else a (x - t)
    want = np.where(X > 1.0, X, 0.5 * (X - 1.0))
    np.testing.assert_allclose(
        activations.relu(x, negative_slope=0.5, threshold=1.0).numpy(), want, rtol=1e-6
    )
    np.testing.assert_allclose(
        activations.relu(x, threshold=1.0).numpy(), np.where(X > 1.0, X, 0.0)
    )
    np.testing.assert_allclose(activations.gelu(x, approximate=True).numpy(),
                               0.5 * X * (1 + np.tanh(np.sqrt(2 / np.pi) * (X + 0.044715 * X**3))),
                               rtol=1e-5, atol=1e-6)  # fmt: skip


def test_get_none_callable_and_unknown():
    assert activations.get(None) is activations.linear
    assert activations.get(np.tanh) is np.tanh
    with pytest.raises(ValueError, match="Unknown activation: 'relux'. Valid names: .*relu, relu6"):
        activations.get("relux")
    assert activations.serialize(activations.get("relu")) == "relu"


def test_dense_activation_by_name():
    from deepling import keras

    layer = keras.layers.Dense(3, activation="softsign")
    out = layer(dl.tensor(X[:4].reshape(2, 2)))
    assert (np.abs(out.numpy()) < 1).all() and layer.activation is activations.softsign
