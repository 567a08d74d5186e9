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
    path = str(tmp_path / "m.weights.h5")
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
    path = str(tmp_path / "m.weights.h5")
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
    assert os.listdir(tmp_path) == ["m.weights.h5"]  # no temporary file left
    fresh = sequential()
    fresh.load_weights(path)
    assert not np.any(fresh.layers[0].kernel.numpy() == 7.0)


def test_loading_into_other_shapes_names_them(tmp_path):
    path = str(tmp_path / "m.weights.h5")
    sequential().save_weights(path)
    wide = keras.Sequential([layers.Dense(9, activation="relu", input_shape=(4,)),
                             layers.Dense(2, activation="softmax")])  # fmt: skip
    before = wide.get_weights()
    with pytest.raises(ValueError, match=r"\(4, 9\).*\(4, 8\)"):
        wide.load_weights(path)
    for a, b in zip(before, wide.get_weights()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="layers/dense_1.*expected 1 variables, but received 2"):
        keras.Sequential([layers.Dense(8, input_shape=(4,)), layers.Dropout(0.1),
                          layers.Dense(2, use_bias=False)]).load_weights(path)  # fmt: skip


def test_load_model_rejects_a_weights_file(tmp_path):
    path = str(tmp_path / "w.weights.h5")
    sequential().save_weights(path)
    with pytest.raises(ValueError, match="a weights file: use load_weights"):
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


def _answers(monkeypatch, *answers):
    """Answer the console's questions in turn; returns the prompts asked."""
    asked, given = [], iter(answers)

    def ask(prompt=""):
        asked.append(prompt)
        return next(given)

    monkeypatch.setattr("builtins.input", ask)
    return asked


FILES = {"save": "m.keras", "save_weights": "m.weights.h5"}


@pytest.mark.parametrize("save", ["save", "save_weights"])
def test_overwrite_false_asks_and_no_keeps_the_file(tmp_path, monkeypatch, save):
    model, path = sequential(), tmp_path / FILES[save]
    getattr(model, save)(str(path))
    old, mtime = path.read_bytes(), os.stat(path).st_mtime_ns
    model.layers[0].kernel.data[...] = 7.0
    asked = _answers(monkeypatch, "n")
    getattr(model, save)(str(path), overwrite=False)
    assert len(asked) == 1 and "already exists" in asked[0]
    assert path.read_bytes() == old and os.stat(path).st_mtime_ns == mtime


@pytest.mark.parametrize("save", ["save", "save_weights"])
def test_overwrite_false_asks_again_after_a_bad_answer_and_yes_rewrites(
    tmp_path, monkeypatch, save
):
    model, path = sequential(), tmp_path / FILES[save]
    getattr(model, save)(str(path))
    old = path.read_bytes()
    model.layers[0].kernel.data[...] = 7.0
    asked = _answers(monkeypatch, "maybe", " Y ")
    getattr(model, save)(str(path), overwrite=False)
    assert len(asked) == 2 and path.read_bytes() != old
    fresh = sequential()
    fresh.load_weights(str(path))
    assert np.all(fresh.layers[0].kernel.numpy() == 7.0)


def test_overwrite_false_without_a_file_writes_without_asking(tmp_path, monkeypatch):
    asked = _answers(monkeypatch)
    sequential().save_weights(str(tmp_path / "new.weights.h5"), overwrite=False)
    assert asked == [] and (tmp_path / "new.weights.h5").exists()


def test_load_weights_skip_mismatch_keeps_the_weights_of_other_shapes(tmp_path):
    path = str(tmp_path / "m.weights.h5")
    saved = sequential()
    saved.save_weights(path)
    other = keras.Sequential([layers.Dense(8, input_shape=(4,)), layers.Dense(3)])
    before = other.get_weights()
    with pytest.raises(ValueError, match=r"\(8, 3\).*\(8, 2\)"):
        other.load_weights(path)
    with pytest.warns(UserWarning) as warned:
        other.load_weights(path, skip_mismatch=True)
    assert [str(w.message).split(":")[0] for w in warned] == [
        "Skipping loading weights for layers/dense_1"
    ]
    after, theirs = other.get_weights(), saved.get_weights()
    np.testing.assert_array_equal(after[0], theirs[0])
    np.testing.assert_array_equal(after[1], theirs[1])
    np.testing.assert_array_equal(after[2], before[2])
    np.testing.assert_array_equal(after[3], before[3])


def _compiled_model(loss="mse", optimizer="adam"):
    model = keras.Sequential([layers.Dense(3, input_shape=(4,))])
    model.compile(optimizer, loss, metrics=["mae"])
    return model


Y3 = np.random.default_rng(1).normal(size=(16, 3)).astype(np.float32)


def test_load_model_compiles_as_saved(tmp_path):
    model = _compiled_model(optimizer=keras.optimizers.Adam(learning_rate=0.005))
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert type(loaded.optimizer) is keras.optimizers.Adam
    assert loaded.optimizer.learning_rate == pytest.approx(0.005)
    got = loaded.evaluate(X, Y3, verbose=0, return_dict=True)
    assert got == pytest.approx(model.evaluate(X, Y3, verbose=0, return_dict=True))
    assert list(got) == ["loss", "mae"]


def test_load_model_compile_false_and_function_losses_load_uncompiled(tmp_path):
    _compiled_model().save(tmp_path / "names.keras")
    _compiled_model(loss=lambda t, p: ((t - p) ** 2).mean()).save(tmp_path / "function.keras")
    for loaded in (
        keras.models.load_model(tmp_path / "names.keras", compile=False),
        keras.models.load_model(tmp_path / "function.keras"),
    ):
        with pytest.raises(RuntimeError, match="must compile"):
            loaded.evaluate(X, Y3, verbose=0)


def test_load_model_keeps_the_optimizer_settings(tmp_path):
    """Keras saves the optimizer's whole config, not only its kind and rate."""
    sgd = keras.optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True, clipnorm=1.0)
    _compiled_model(optimizer=sgd).save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras").optimizer
    assert type(loaded) is keras.optimizers.SGD and loaded is not sgd
    assert loaded.get_config() == sgd.get_config()
    assert (loaded.param_groups[0]["momentum"], loaded.param_groups[0]["nesterov"]) == (0.9, True)
    assert loaded.clipnorm == 1.0
