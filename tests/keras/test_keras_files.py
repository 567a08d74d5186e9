"""Keras 3's `.keras` and `.weights.h5` files: real Keras's files open in deepling (recorded by
tests/reference/make_keras_files.py), and deepling's files have Keras's layout, checked with
zipfile and h5py alone (tests/reference/check_keras_reads_deepling.py checks them with Keras)."""

import io
import json
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from deepling import keras
from deepling.keras import layers

h5py = pytest.importorskip("h5py")
FILES = Path(__file__).parent.parent / "reference" / "keras_files"


def _reference(name):
    ref = np.load(FILES / f"{name}.npz")
    xs = [ref[k] for k in sorted(ref.files) if k.startswith("x")]
    return ref, (xs if len(xs) > 1 else xs[0])


ALL = ["mlp", "two_inputs", "rmsprop_regression", "recurrent_text", "bidirectional", "cnn"]
# Keras's TensorFlow backend updates an Embedding through sparse gradients, whose Adam squares
# each looked-up row's gradient before summing repeats (JAX and torch backends, and deepling,
# square the summed gradient): that weight's step differs whenever a token repeats in a batch.
SPARSE_UPDATED = {"recurrent_text": {0}}


@pytest.mark.parametrize("name", ALL)
def test_real_keras_files_predict_the_same(name):
    ref, x = _reference(name)
    model = keras.models.load_model(FILES / f"{name}.keras")
    np.testing.assert_allclose(model.predict(x, verbose=0), ref["y"], atol=2e-6)
    assert model.optimizer.iterations == 4  # 2 epochs of 2 batches, read from the file


@pytest.mark.parametrize("name", ALL[1:])  # the MLP's Dropout draws differ between frameworks
def test_training_resumes_where_keras_stopped(name):
    """One more step in deepling from the optimizer state Keras saved lands where Keras's did."""
    ref, x = _reference(name)
    model = keras.models.load_model(FILES / f"{name}.keras")
    model.fit(x, ref["target"], epochs=1, batch_size=16, shuffle=False, verbose=0)
    for i, w in enumerate(model.get_weights()):
        if i not in SPARSE_UPDATED.get(name, ()):
            np.testing.assert_allclose(w, ref[f"w{i}"], atol=2e-6, err_msg=f"weight {i}")


def test_compile_settings_come_back():
    model = keras.models.load_model(FILES / "two_inputs.keras")
    assert type(model.optimizer) is keras.optimizers.SGD
    assert model.optimizer.param_groups[0]["momentum"] == pytest.approx(0.9)
    assert model.optimizer.learning_rate == pytest.approx(0.05)
    ref, x = _reference("two_inputs")
    logs = model.evaluate(x, ref["target"], verbose=0, return_dict=True)
    assert list(logs) == ["loss", "mae"]
    huber = keras.models.load_model(FILES / "rmsprop_regression.keras")
    assert type(huber.optimizer) is keras.optimizers.RMSprop
    assert keras.models.load_model(FILES / "mlp.keras", compile=False).optimizer is None


def _cnn():
    return keras.Sequential([
        keras.Input((8, 8, 1)), layers.Conv2D(4, 3, activation="relu"), layers.MaxPooling2D(),
        layers.BatchNormalization(), layers.Flatten(), layers.Dense(3, activation="softmax"),
    ])  # fmt: skip


def test_cnn_compile_state_comes_back():
    ref, x = _reference("cnn")
    model = keras.models.load_model(FILES / "cnn.keras")
    assert type(model.optimizer) is keras.optimizers.Adam
    assert model.optimizer.learning_rate == pytest.approx(1e-2)
    assert set(model.optimizer.state[model.layers[0].kernel]) >= {"exp_avg", "exp_avg_sq"}
    logs = model.evaluate(x, ref["target"], verbose=0, return_dict=True)
    assert list(logs) == ["loss", "accuracy"]  # sparse categorical cross-entropy, accuracy
    expected = -np.log(ref["y"][np.arange(len(x)), ref["target"]]).mean()
    assert logs["loss"] == pytest.approx(expected, rel=1e-5)
    assert logs["accuracy"] == pytest.approx((ref["y"].argmax(1) == ref["target"]).mean())
    config = json.loads(zipfile.ZipFile(FILES / "cnn.keras").read("config.json"))
    theirs = {entry["class_name"]: set(entry["config"]) for entry in config["config"]["layers"]}
    for entry in _cnn().get_config()["layers"]:
        assert set(entry["config"]) == theirs[entry["class_name"]], entry["class_name"]


def test_deepling_writes_a_cnn_in_keras_layout(tmp_path):
    ref, x = _reference("cnn")
    keras.utils.set_random_seed(0)
    model = _cnn()
    model.compile(keras.optimizers.Adam(1e-2), "sparse_categorical_crossentropy", metrics=["accuracy"])  # fmt: skip
    model.fit(x, ref["target"], epochs=2, batch_size=8, verbose=0)
    model.save(tmp_path / "cnn.keras")
    with zipfile.ZipFile(tmp_path / "cnn.keras") as archive:
        weights = h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r")
    with weights:
        assert weights["layers/conv2d/vars/0"].shape == (3, 3, 1, 4)  # (kh, kw, in, filters)
        assert weights["layers/dense/vars/0"].shape == (36, 3)
        assert len(weights["layers/batch_normalization/vars"]) == 4
        assert len(weights["optimizer/vars"]) == 2 + 2 * 6  # m and v of the trainable ones
    loaded = keras.models.load_model(tmp_path / "cnn.keras")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.optimizer.iterations == 4


def test_real_keras_weights_file_loads_into_the_same_architecture():
    ref, x = _reference("mlp")
    model = keras.Sequential([
        keras.Input((4,)), layers.Dense(8, activation="relu"), layers.BatchNormalization(),
        layers.Dropout(0.1), layers.Dense(3, activation="softmax"),
    ])  # fmt: skip
    model.load_weights(FILES / "mlp.weights.h5")
    np.testing.assert_allclose(model.predict(x, verbose=0), ref["y"], atol=2e-6)


def test_functional_layers_are_in_keras_order():
    """Keras orders a functional model's layers by depth from the outputs; the weights file
    and the optimizer's variables follow that order, so it must be the same."""
    config = json.loads(zipfile.ZipFile(FILES / "two_inputs.keras").read("config.json"))
    features, tokens = keras.Input((4,), name="features"), keras.Input((3,), dtype="int32")
    a = layers.Dense(5, activation="tanh")(features)
    e = layers.Flatten()(layers.LayerNormalization()(layers.Embedding(10, 2)(tokens)))
    model = keras.Model([features, tokens], layers.Dense(1)(layers.Concatenate()([a, e])))
    theirs = [entry["class_name"] for entry in config["config"]["layers"]]
    assert [type(layer).__name__ for layer in model.layers] == theirs


def _trained_mlp():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((4,)), layers.Dense(8, activation="relu"), layers.BatchNormalization(),
        layers.Dense(3, activation="softmax"),
    ])  # fmt: skip
    model.compile(keras.optimizers.Adam(1e-2), "sparse_categorical_crossentropy", metrics=["accuracy"])  # fmt: skip
    x = np.random.default_rng(0).normal(size=(16, 4)).astype("float32")
    y = np.arange(16) % 3
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    return model, x, y


def test_deepling_writes_keras_layout(tmp_path):
    model, _, _ = _trained_mlp()
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        assert sorted(archive.namelist()) == ["config.json", "metadata.json", "model.weights.h5"]
        config = json.loads(archive.read("config.json"))
        metadata = json.loads(archive.read("metadata.json"))
        weights = h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r")
    assert metadata["keras_version"].startswith("3.")
    assert (config["module"], config["class_name"]) == ("keras", "Sequential")
    assert config["compile_config"]["optimizer"]["class_name"] == "Adam"
    assert config["compile_config"]["loss"] == "sparse_categorical_crossentropy"
    assert [e["class_name"] for e in config["config"]["layers"]] == ["InputLayer", "Dense", "BatchNormalization", "Dense"]  # fmt: skip
    with weights:
        assert weights["vars"].attrs["name"] == model.name
        assert weights["layers/dense/vars"].attrs["name"] == model.layers[0].name
        assert weights["layers/dense/vars/0"].shape == (4, 8)
        assert weights["layers/dense_1/vars/1"].shape == (3,)
        bn = [weights[f"layers/batch_normalization/vars/{i}"][()] for i in range(4)]
        names = ("gamma", "beta", "moving_mean", "moving_variance")
        for got, name in zip(bn, names):
            np.testing.assert_array_equal(got, getattr(model.layers[1], name).numpy())
        opt = weights["optimizer/vars"]
        assert len(opt) == 2 + 2 * 6  # iteration, learning_rate, then m and v per variable
        assert opt["0"].dtype == np.int64 and opt["0"][()] == 4
        np.testing.assert_array_equal(opt["2"][()], model.optimizer.state[model.layers[0].kernel]["exp_avg"])  # fmt: skip


def test_layer_configs_have_exactly_keras_keys(tmp_path):
    """Every key real Keras writes for these layers, and no other (Keras refuses unknown ones)."""
    theirs = {}
    for name in ("mlp", "two_inputs", "rmsprop_regression"):
        config = json.loads(zipfile.ZipFile(FILES / f"{name}.keras").read("config.json"))
        for entry in config["config"]["layers"]:
            theirs[entry["class_name"]] = set(entry["config"])
    features, tokens = keras.Input((4,)), keras.Input((3,), dtype="int32")
    h = layers.BatchNormalization()(layers.Dropout(0.1)(layers.Dense(6, activation="elu")(features)))  # fmt: skip
    e = layers.Flatten()(layers.LayerNormalization()(layers.Embedding(10, 2)(tokens)))
    c = layers.Reshape((2, 6))(layers.Concatenate()([h, e]))
    model = keras.Model([features, tokens], layers.Dense(1)(layers.Flatten()(c)))
    assert {type(layer).__name__ for layer in model.layers} == set(theirs)
    for entry in model.get_config()["layers"]:
        assert set(entry["config"]) == theirs[entry["class_name"]], entry["class_name"]


def test_recurrent_layer_configs_have_exactly_keras_keys():
    theirs = {}
    for name in ("recurrent_text", "bidirectional"):
        config = json.loads(zipfile.ZipFile(FILES / f"{name}.keras").read("config.json"))
        for entry in config["config"]["layers"]:
            theirs[entry["class_name"]] = entry["config"]
    model = keras.Sequential([
        keras.Input((6,), dtype="int32"), layers.Embedding(20, 4, mask_zero=True),
        layers.LSTM(5, return_sequences=True), layers.GRU(3, return_sequences=True),
        layers.Bidirectional(layers.SimpleRNN(4)), layers.Dense(1),
    ])  # fmt: skip
    for entry in model.get_config()["layers"][1:]:
        mine, keras_config = entry["config"], theirs[entry["class_name"]]
        assert set(mine) == set(keras_config), entry["class_name"]
        if entry["class_name"] == "Bidirectional":
            assert set(mine["layer"]["config"]) == set(keras_config["layer"]["config"])


def test_round_trip_resumes_training_exactly(tmp_path):
    model, x, y = _trained_mlp()
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    for m in (model, loaded):
        m.fit(x, y, epochs=1, batch_size=16, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_custom_layers_load_by_registered_name(tmp_path):
    @keras.saving.register_keras_serializable(package="tests")
    class Scale(layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, x):
            return x * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    model = keras.Sequential([keras.Input((2,)), Scale(3.0), layers.Dense(1)])
    model.save(tmp_path / "s.keras")
    config = json.loads(zipfile.ZipFile(tmp_path / "s.keras").read("config.json"))
    assert config["config"]["layers"][1]["registered_name"] == "tests>Scale"
    loaded = keras.models.load_model(tmp_path / "s.keras")
    assert type(loaded.layers[0]) is Scale and loaded.layers[0].factor == 3.0
    x = np.ones((1, 2), "float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_unknown_classes_and_other_files_are_refused(tmp_path):
    data = zipfile.ZipFile(FILES / "mlp.keras")
    config = json.loads(data.read("config.json"))
    config["config"]["layers"][1]["class_name"] = "NotALayer"
    with zipfile.ZipFile(tmp_path / "bad.keras", "w") as out:
        for name in data.namelist():
            out.writestr(name, json.dumps(config) if name == "config.json" else data.read(name))
    with pytest.raises(ValueError, match="Unknown layer class 'NotALayer'"):
        keras.models.load_model(tmp_path / "bad.keras")
    with zipfile.ZipFile(tmp_path / "other.keras", "w") as out:
        out.writestr("hello.txt", "hi")
    with pytest.raises(ValueError, match="without the config.json"):
        keras.models.load_model(tmp_path / "other.keras")
    with pytest.raises(ValueError, match="a weights file: use load_weights"):
        keras.models.load_model(FILES / "mlp.weights.h5")


def test_without_h5py_the_error_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "h5py", None)
    model, _, _ = _trained_mlp()
    with pytest.raises(ImportError, match=r'pip install "deepling\[h5\]"'):
        model.save(tmp_path / "m.keras")
    assert not (tmp_path / "m.keras").exists()


_KERAS2_CONFIG = {  # a functional model's config as tf.keras 2 wrote it (legacy .h5 files)
    "name": "model",
    "layers": [
        {"class_name": "InputLayer", "name": "input_1", "inbound_nodes": [],
         "config": {"batch_input_shape": [None, 3], "dtype": "float32", "sparse": False,
                    "ragged": False, "name": "input_1"}},
        {"class_name": "Dense", "name": "dense", "inbound_nodes": [[["input_1", 0, 0, {}]]],
         "config": {"name": "dense", "trainable": True, "dtype": "float32", "units": 4,
                    "activation": "relu", "use_bias": True,
                    "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
                    "bias_initializer": {"class_name": "Zeros", "config": {}},
                    "kernel_regularizer": None, "bias_regularizer": None,
                    "activity_regularizer": None, "kernel_constraint": None,
                    "bias_constraint": None}},
        {"class_name": "Add", "name": "add",
         "inbound_nodes": [[["dense", 0, 0, {}], ["dense", 0, 0, {}]]],
         "config": {"name": "add", "trainable": True, "dtype": "float32"}},
    ],
    "input_layers": [["input_1", 0, 0]],
    "output_layers": [["add", 0, 0]],
}  # fmt: skip


def test_tf_keras_2_functional_configs_are_read():
    model = keras.Model.from_config(_KERAS2_CONFIG)
    assert [layer.name for layer in model.layers] == ["input_1", "dense", "add"]
    x = np.ones((2, 3), "float32")
    dense = model.get_layer("dense")
    expected = 2 * np.maximum(x @ dense.kernel.numpy() + dense.bias.numpy(), 0)
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-6)


def test_shared_layers_keep_their_calls_apart(tmp_path):
    a, b = keras.Input((3,)), keras.Input((3,))
    shared = layers.Dense(2)
    model = keras.Model([a, b], layers.Subtract()([shared(a), shared(b)]))
    config = model.get_config()
    calls = next(e for e in config["layers"] if e["name"] == shared.name)["inbound_nodes"]
    assert len(calls) == 2
    model.save(tmp_path / "shared.keras")
    loaded = keras.models.load_model(tmp_path / "shared.keras")
    x, y = np.ones((1, 3), "float32"), np.arange(3, dtype="float32")[None]
    np.testing.assert_allclose(loaded.predict([x, y], verbose=0), model.predict([x, y], verbose=0), rtol=1e-6)  # fmt: skip


def test_legacy_hdf5_model_files_load():
    """Keras 3's `model.save("m.h5")` (tf.keras 2's format): model, weights, compile, optimizer."""
    ref, x = _reference("mlp")
    model = keras.models.load_model(FILES / "mlp.h5")
    np.testing.assert_allclose(model.predict(x, verbose=0), ref["y"], atol=2e-6)
    assert type(model.optimizer) is keras.optimizers.Adam and model.optimizer.iterations == 4
    same = keras.models.load_model(FILES / "mlp.keras")
    kernel = model.layers[0].kernel
    np.testing.assert_allclose(
        model.optimizer.state[kernel]["exp_avg_sq"],
        same.optimizer.state[same.layers[0].kernel]["exp_avg_sq"],
    )
    target = keras.Sequential([
        keras.Input((4,)), layers.Dense(8, activation="relu"), layers.BatchNormalization(),
        layers.Dropout(0.1), layers.Dense(3, activation="softmax"),
    ])  # fmt: skip
    target.load_weights(FILES / "mlp.h5")  # the model_weights part, layer by layer in order
    np.testing.assert_allclose(target.predict(x, verbose=0), ref["y"], atol=2e-6)


def test_saving_under_an_h5_name_warns_and_round_trips(tmp_path):
    model, x, _ = _trained_mlp()
    with pytest.warns(UserWarning, match="Keras 3's .keras format"):
        model.save(tmp_path / "m.h5")
    loaded = keras.models.load_model(tmp_path / "m.h5")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_save_options(tmp_path):
    model, _, _ = _trained_mlp()
    model.save(tmp_path / "bare.keras", include_optimizer=False)
    with zipfile.ZipFile(tmp_path / "bare.keras") as archive:
        assert "optimizer" not in h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r")
    assert keras.models.load_model(tmp_path / "bare.keras").optimizer.iterations == 0
    with pytest.raises(NotImplementedError, match="save_format"):
        model.save(tmp_path / "saved_model", save_format="tf")
    with pytest.raises(TypeError):
        model.save(tmp_path / "x.keras", no_such_option=1)
