"""Subclassed keras.Model: layers made in __init__, weights after the first call, layers,
get_layer, weights lists, count_params, freezing; Sequential's add/pop and building."""

import numpy as np
import pytest

import deepling as dl
from deepling import keras
from deepling.keras import layers


class TwoLayer(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(8, activation="relu", name="hidden")
        self.out = layers.Dense(2, name="out")

    def call(self, inputs):
        return self.out(self.hidden(inputs))


def test_subclassed_model_builds_on_first_call_and_trains():
    model = TwoLayer()
    assert model.name.startswith("two_layer") and model.weights == []
    assert [layer.name for layer in model.layers] == ["hidden", "out"]
    out = model(dl.zeros(5, 3))
    assert out.shape == (5, 2)
    assert [tuple(w.shape) for w in model.trainable_weights] == [(3, 8), (8,), (8, 2), (2,)]
    assert model.count_params() == 3 * 8 + 8 + 8 * 2 + 2
    assert model.get_layer("out") is model.layers[1] and model.get_layer(index=0).name == "hidden"
    with pytest.raises(ValueError, match="No such layer: nope"):
        model.get_layer("nope")
    model.compile("adam", "mse")
    x = np.random.default_rng(0).normal(size=(32, 3)).astype(np.float32)
    h = model.fit(x, x[:, :2] * 2, epochs=20, verbose=0)
    assert h.history["loss"][-1] < h.history["loss"][0]


def test_subclassed_model_built_by_fit():
    model = TwoLayer()
    model.compile("sgd", "mse")
    model.fit(np.ones((4, 5)), np.ones((4, 2)), verbose=0)
    assert model.layers[0].kernel.shape == (5, 8)


def test_trainable_false_freezes_weights_and_counts_them_non_trainable():
    model = TwoLayer()
    model(dl.zeros(1, 3))
    model.hidden.trainable = False
    assert len(model.trainable_weights) == 2 and len(model.non_trainable_weights) == 2
    frozen = model.hidden.get_weights()
    model.compile("adam", "mse")
    model.fit(np.ones((8, 3)), np.ones((8, 2)), epochs=3, verbose=0)
    for a, b in zip(frozen, model.hidden.get_weights()):
        np.testing.assert_array_equal(a, b)
    texts = []
    model.summary(print_fn=texts.append)
    assert " Trainable params: 18 (72.00 B)" in texts[0]
    assert " Non-trainable params: 32 (128.00 B)" in texts[0]
    model.hidden.trainable = True
    assert len(model.trainable_weights) == 4


def test_sequential_add_pop_and_build():
    model = keras.Sequential(name="stack")
    model.add(layers.Dense(4, input_shape=(3,)))
    model.add(layers.Dense(2))
    assert model.built and model.count_params() == 3 * 4 + 4 + 4 * 2 + 2
    assert model.compute_output_shape((None, 3)) == (None, 2)
    popped = model.pop()
    assert popped.units == 2 and len(model.layers) == 1
    with pytest.raises(TypeError, match="instance of class Layer"):
        model.add("dense")
    lazy = keras.Sequential([layers.Dense(3), layers.Dense(1)])
    assert not lazy.built
    lazy(dl.zeros(2, 7))
    assert lazy.layers[0].kernel.shape == (7, 3)


def test_set_weights_checks_before_changing():
    model = keras.Sequential([layers.Dense(2, input_shape=(3,))])
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"\(3, 2\).*\(4, 2\)"):
        model.set_weights([np.zeros((4, 2)), np.zeros(2)])
    np.testing.assert_array_equal(model.get_weights()[0], before[0])


def test_tf_keras_is_the_same_module():
    import deepling.tf as tf

    assert tf.keras is keras


def test_training_argument_of_a_sequential_model_overrides_its_mode():
    model = keras.Sequential([layers.Dense(64, input_shape=(3,)), layers.Dropout(0.5)])
    x = np.ones((8, 3), np.float32)
    model.eval()
    evaluated = model(x).numpy()
    np.testing.assert_array_equal(model(x, training=False).numpy(), evaluated)
    trained = model(x, training=True).numpy()
    assert (trained == 0).mean() > 0.2  # Dropout applied
    np.testing.assert_allclose(trained[trained != 0], 2 * evaluated[trained != 0], rtol=1e-6)
    assert not model.training  # the call did not change the mode
    model.train()
    np.testing.assert_array_equal(model(x, training=False).numpy(), evaluated)
