"""keras.regularizers: l1 * sum|w| + l2 * sum w**2, and their place in the training loss."""

import numpy as np
import pytest

import deepling as dl
from deepling import keras
from deepling.keras import regularizers

W = np.array([[1.0, -2.0], [0.5, 0.0]], np.float32)


def test_penalties():
    w = dl.tensor(W)
    assert float(regularizers.L1(0.1)(w)) == pytest.approx(0.1 * 3.5)
    assert float(regularizers.L2(0.1)(w)) == pytest.approx(0.1 * 5.25)  # no 1/2, as Keras
    assert float(regularizers.L1L2(l1=0.1, l2=0.2)(w)) == pytest.approx(0.35 + 1.05)
    assert float(regularizers.get("l2")(w)) == pytest.approx(0.01 * 5.25)  # default 0.01
    assert regularizers.L1L2()(w) == 0.0


def test_gradient_of_the_penalty():
    w = dl.tensor(W, requires_grad=True)
    regularizers.L1L2(l1=0.1, l2=0.2)(w).backward()
    np.testing.assert_allclose(w.grad.numpy(), 0.1 * np.sign(W) + 0.4 * W, rtol=1e-6)


def test_get_and_errors():
    assert regularizers.get(None) is None
    assert isinstance(regularizers.get("l1_l2"), regularizers.L1L2)
    l2 = regularizers.get({"class_name": "L2", "config": {"l2": 0.3}})
    assert isinstance(l2, regularizers.L2) and l2.l2 == 0.3
    assert regularizers.get(regularizers.serialize(regularizers.L1(0.2))).l1 == 0.2
    with pytest.raises(ValueError, match="Unknown regularizer: 'l3'. Valid names: l1, l2, l1_l2"):
        regularizers.get("l3")
    with pytest.raises(ValueError, match="non-negative.*l2=-1"):
        regularizers.L2(-1)


def test_dense_penalty_is_added_to_the_loss():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.layers.Dense(2, kernel_regularizer=regularizers.L2(0.5))])
    model.compile("sgd", "mse")
    x, y = np.ones((4, 3), np.float32), np.zeros((4, 2), np.float32)
    model.predict(x, verbose=0)
    kernel, bias = model.get_weights()
    data_loss = np.mean((x @ kernel + bias - y) ** 2)
    assert model.evaluate(x, y, verbose=0) == pytest.approx(
        data_loss + 0.5 * np.sum(kernel**2), rel=1e-5
    )
