"""save_weights/load_weights and model.save/load_model round trips, atomic writes, and
loading into a model of other shapes."""

import os

import numpy as np
import pytest

from deepling import keras
from deepling.keras import layers

X = np.random.default_rng(0).normal(size=(16, 4)).astype(np.float32)


def sequential():
    return keras.Sequential([layers.Dense(8, activation="relu", input_shape=(4,)),
                             layers.Dropout(0.2), layers.Dense(2, activation="softmax")])  # fmt: skip


def functional():
    a, b = keras.Input(shape=(4,)), keras.Input(shape=(4,))
    h = layers.Dense(6, activation="tanh")(layers.Concatenate()([a, b]))
    return keras.Model([a, b], [layers.Dense(1)(h), layers.Dense(3, activation="softmax")(h)])


def test_weights_round_trip(tmp_path):
    model, other = sequential(), sequential()
    path = str(tmp_path / "m.weights.safetensors")
    model.save_weights(path)
    other.load_weights(path)
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(model.predict(X, verbose=0), other.predict(X, verbose=0))


def test_sequential_model_round_trip(tmp_path):
    model = sequential()
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(X, np.arange(16) % 2, epochs=2, verbose=0)
    model.save(str(tmp_path / "m.keras"))
    loaded = keras.models.load_model(str(tmp_path / "m.keras"))
    assert type(loaded) is keras.Sequential
    assert [type(layer).__name__ for layer in loaded.layers] == ["Dense", "Dropout", "Dense"]
    assert loaded.get_config() == model.get_config()
    np.testing.assert_allclose(loaded.predict(X, verbose=0), model.predict(X, verbose=0))


def test_functional_model_round_trip(tmp_path):
    model = functional()
    path = str(tmp_path / "f.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    assert loaded.get_config() == model.get_config()
    for a, b in zip(loaded.predict([X, X], verbose=0), model.predict([X, X], verbose=0)):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_a_failed_write_leaves_the_old_file(tmp_path, monkeypatch):
    model = sequential()
    path = str(tmp_path / "m.weights.safetensors")
    model.save_weights(path)
    old = open(path, "rb").read()

    def crash(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    model.layers[0].kernel.data[...] = 7.0
    with pytest.raises(OSError, match="disk full"):
        model.save_weights(path)
    monkeypatch.undo()
    assert open(path, "rb").read() == old
    assert os.listdir(tmp_path) == ["m.weights.safetensors"]  # no temporary file left
    fresh = sequential()
    fresh.load_weights(path)
    assert not np.any(fresh.layers[0].kernel.numpy() == 7.0)


def test_loading_into_other_shapes_names_them(tmp_path):
    path = str(tmp_path / "m.weights.safetensors")
    sequential().save_weights(path)
    wide = keras.Sequential([layers.Dense(9, activation="relu", input_shape=(4,)),
                             layers.Dense(2, activation="softmax")])  # fmt: skip
    before = wide.get_weights()
    with pytest.raises(ValueError, match=r"\(4, 9\).*\(4, 8\)"):
        wide.load_weights(path)
    for a, b in zip(before, wide.get_weights()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="expected 2 weights, but received 4"):
        keras.Sequential([layers.Dense(2, input_shape=(4,))]).load_weights(path)


def test_load_model_rejects_a_weights_file(tmp_path):
    path = str(tmp_path / "w.weights.safetensors")
    sequential().save_weights(path)
    with pytest.raises(ValueError, match="not a model saved"):
        keras.models.load_model(path)


def test_sequential_without_input_and_regularizers_round_trip(tmp_path):
    import deepling.keras as keras

    model = keras.Sequential(
        [keras.layers.Dense(4, kernel_regularizer="l2"), keras.layers.Dense(1)]
    )
    model.compile("sgd", "mse")
    x = np.random.default_rng(0).random((8, 3)).astype("float32")
    model.fit(x, x.sum(1), epochs=1, verbose=0)  # built by its first call, no Input
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    assert (
        loaded.layers[0].kernel_regularizer.get_config()
        == model.layers[0].kernel_regularizer.get_config()
    )


def test_sequential_build_marks_it_built():
    import deepling.keras as keras

    model = keras.Sequential([keras.layers.Dense(3)])
    model.build((None, 9))
    assert model.built and model.count_params() == 30
