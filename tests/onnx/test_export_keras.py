"""ONNX export of Keras models (Sequential, functional, subclassed): deepling.onnx.export and
Keras's `model.export(path, format="onnx")`; onnxruntime gives Keras's predictions."""

import numpy as np
import pytest

ort = pytest.importorskip("onnxruntime")

import deepling as dl  # noqa: E402
from deepling import keras  # noqa: E402
from deepling.keras import layers  # noqa: E402

from .helpers import run, session  # noqa: E402

RNG = np.random.default_rng(1)


def _data(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def _sequential():
    keras.backend.clear_session()
    model = keras.Sequential([
        layers.Input(shape=(3, 4)),
        layers.Flatten(),
        layers.Dense(16, activation="relu"),
        layers.BatchNormalization(),
        layers.Dropout(0.5),
        layers.Dense(3, activation="softmax"),
    ])  # fmt: skip
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(_data(32, 3, 4), RNG.integers(0, 3, 32), epochs=2, verbose=0)  # moves BN stats
    return model


def _functional():
    keras.backend.clear_session()
    a, b = keras.Input(shape=(4,), name="a"), keras.Input(shape=(2,), name="b")
    h = layers.Concatenate()([layers.Dense(5, activation="tanh")(a), b])
    return keras.Model([a, b], layers.Dense(1, name="score")(h))


def test_sequential_matches_predict_with_another_batch_size():
    model = _sequential()
    modes = [m.training for m in model.modules()]
    sess, proto = session(model, dl.tensor(_data(5, 3, 4)), dynamic_axes={"inputs": {0: "batch"}})
    x = _data(2, 3, 4)
    (got,) = run(sess, x)
    np.testing.assert_allclose(got, model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    assert [o.name for o in proto.graph.output] == [model.layers[-1].name]
    names = {t.name for t in proto.graph.initializer}
    assert {"dense/kernel", "dense/bias", "batch_normalization/gamma"} <= names  # Keras's paths
    assert [m.training for m in model.modules()] == modes


def test_functional_with_concatenate_keeps_the_input_and_output_names():
    model = _functional()
    xa, xb = _data(3, 4), _data(3, 2)
    sess, proto = session(model, (dl.tensor(xa), dl.tensor(xb)),
                          dynamic_axes={"a": {0: "batch"}, "b": {0: "batch"}})  # fmt: skip
    assert [i.name for i in proto.graph.input] == ["a", "b"]
    assert [o.name for o in proto.graph.output] == ["score"]
    (got,) = run(sess, xa[:1], xb[:1])
    np.testing.assert_allclose(got, model.predict([xa[:1], xb[:1]], verbose=0), rtol=1e-5)


def test_subclassed_model_exports_in_inference_mode():
    class Classifier(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.Dense(8, activation="relu")
            self.drop = layers.Dropout(0.9)
            self.out = layers.Dense(2)

        def call(self, inputs, training=None):
            return self.out(self.drop(self.hidden(inputs), training=training))

    model = Classifier()
    x = _data(4, 3)
    model(dl.tensor(x))
    sess, _ = session(model, dl.tensor(x))
    (got,) = run(sess, x)
    np.testing.assert_allclose(got, model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


def test_model_export_format_onnx_makes_the_batch_dynamic(tmp_path, capsys):
    model = _sequential()
    path = tmp_path / "model.onnx"
    model.export(path, format="onnx")
    assert f"Saved artifact at '{path}'." in capsys.readouterr().out
    sess = ort.InferenceSession(str(path))
    for batch in (1, 7):
        x = _data(batch, 3, 4)
        (got,) = sess.run(None, {sess.get_inputs()[0].name: x})
        np.testing.assert_allclose(got, model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


def test_model_export_functional_with_opset_and_signature(tmp_path):
    import onnx

    model = _functional()
    path = tmp_path / "f.onnx"
    spec = [keras.Input(shape=(4,)), keras.Input(shape=(2,))]
    model.export(str(path), format="onnx", verbose=False, input_signature=spec, opset_version=18)
    proto = onnx.load(path)
    assert proto.opset_import[0].version == 18
    assert [i.name for i in proto.graph.input] == ["a", "b"]


def test_model_export_refuses_other_formats_and_unbuilt_models(tmp_path):
    model = _sequential()
    with pytest.raises(NotImplementedError, match="format='onnx'"):
        model.export(tmp_path / "m")
    with pytest.raises(ValueError, match="Unrecognized format"):
        model.export(tmp_path / "m", format="pb")
    fresh = keras.Sequential([layers.Dense(2)])
    with pytest.raises(ValueError, match="never called"):
        fresh.export(tmp_path / "m.onnx", format="onnx")
