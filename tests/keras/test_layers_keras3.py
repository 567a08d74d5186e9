"""Softmax, Lambda, Identity, Permute, RepeatVector, Layer's Keras 3 properties and
add_weight's signatures."""

import numpy as np
import pytest

from deepling import keras
from deepling.keras import layers

X = np.random.default_rng(0).normal(size=(2, 3, 4)).astype(np.float32)


@pytest.fixture(autouse=True)
def seeded():
    keras.utils.set_random_seed(0)  # the same initial weights every run


def test_softmax_layer():
    out = layers.Softmax()(X).numpy()
    e = np.exp(X - X.max(-1, keepdims=True))
    np.testing.assert_allclose(out, e / e.sum(-1, keepdims=True), rtol=1e-6)
    over_1 = layers.Softmax(axis=1)(X).numpy()
    np.testing.assert_allclose(over_1.sum(1), np.ones((2, 4)), rtol=1e-6)
    both = layers.Softmax(axis=[1, 2])(X).numpy()
    np.testing.assert_allclose(both.sum((1, 2)), np.ones(2), rtol=1e-6)
    assert layers.Softmax(axis=1).get_config()["axis"] == 1


def test_permute_and_repeat_vector():
    p = layers.Permute((2, 1))
    assert p(X).shape == (2, 4, 3) and p.compute_output_shape((None, 3, 4)) == (None, 4, 3)
    np.testing.assert_array_equal(p(X).numpy(), X.transpose(0, 2, 1))
    with pytest.raises(ValueError, match="consecutive and start from 1"):
        layers.Permute((0, 1))
    r = layers.RepeatVector(3)
    out = r(X[:, 0])
    assert out.shape == (2, 3, 4) and r.compute_output_shape((None, 4)) == (None, 3, 4)
    np.testing.assert_array_equal(out.numpy()[:, 2], X[:, 0])
    with pytest.raises(ValueError, match="expected ndim=2"):
        r(X)


def test_lambda_and_identity_in_a_functional_model_that_trains():
    inputs = keras.Input(shape=(4,))
    h = layers.Lambda(lambda x: x * 2.0)(inputs)
    h = layers.Identity()(h)
    out = layers.Dense(1)(layers.Lambda(lambda x, k: x + k, arguments={"k": 1.0})(h))
    model = keras.Model(inputs, out)
    x = X.reshape(-1, 4)
    y = x.sum(1, keepdims=True)
    model.compile(keras.optimizers.SGD(0.05), "mse")
    h = model.fit(x, y, epochs=20, verbose=0)
    assert h.history["loss"][-1] < 0.1 * h.history["loss"][0]
    assert layers.Lambda(lambda x: x[:, :2]).compute_output_shape((None, 4)) == (None, 2)
    with pytest.raises(NotImplementedError, match="serialize"):
        layers.Lambda(abs).get_config()


def test_layer_properties_and_add_weight_signatures():
    class Scale(layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")
            self.steps = self.add_weight(shape=(), dtype="int64", trainable=False)
            self.old = self.add_weight("old", (2,))  # tf.keras 2's name-first call

        def call(self, x):
            return x * self.w

    layer = Scale()
    layer(X)
    assert layer.w.path == f"{layer.name}/w" and layer.steps.dtype == np.int64
    assert layer.steps.numpy() == 0  # ints start at zeros
    assert layer.trainable_variables == [layer.w, layer.old]
    assert layer.non_trainable_variables == [layer.steps]
    assert layer.variables == layer.weights == [layer.w, layer.old, layer.steps]
    assert layer.old.name == "old" and layer.old.shape == (2,)
    assert [w.shape for w in layer.get_weights()] == [(4,), (2,), ()]
    layer.set_weights([np.full(4, 2.0), np.zeros(2), np.array(5)])
    assert layer(X).numpy().tolist() == (X * 2).tolist()
    with pytest.raises(NotImplementedError, match="overwrite_with_gradient"):
        layer.add_weight(shape=(1,), overwrite_with_gradient=True)
