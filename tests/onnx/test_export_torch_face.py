"""deepling.onnx.export on PyTorch-style models: onnxruntime's outputs equal deepling's (also
with another batch size when the batch axis is dynamic), names, modes, files, arguments."""

import io
import warnings

import numpy as np
import pytest

pytest.importorskip("onnxruntime")

import deepling as dl  # noqa: E402
import deepling.nn as nn  # noqa: E402
import deepling.nn.functional as F  # noqa: E402

from .helpers import close, run, session  # noqa: E402

BATCH = {"x": {0: "batch"}, "y": {0: "batch"}}


class Net(nn.Module):
    """A tutorial-style subclass: F.relu, view(x.size(0), -1), flatten, softmax."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(12, 16)
        self.fc2 = nn.Linear(16, 4)

    def forward(self, x):
        x = x.view(x.size(0), -1)
        x = F.relu(self.fc1(x))
        x = dl.flatten(x.unsqueeze(2), 1)
        return F.softmax(self.fc2(x), dim=1)


class TextNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(20, 8)
        self.norm = nn.LayerNorm(8)
        self.out = nn.Linear(8, 3)

    def forward(self, tokens):
        return self.out(self.norm(self.emb(tokens)).mean(1))


def _models():
    dl.manual_seed(0)
    return {
        "mlp": (
            nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 2)),
            lambda b: dl.randn(b, 5),
        ),  # fmt: skip
        "batchnorm_dropout": (
            nn.Sequential(nn.Linear(5, 6), nn.BatchNorm1d(6), nn.Dropout(0.5), nn.Linear(6, 3)),
            lambda b: dl.randn(b, 5),
        ),
        "embedding_layernorm": (TextNet(), lambda b: dl.randint(0, 20, (b, 7))),
        "subclass": (Net(), lambda b: dl.randn(b, 3, 4)),
    }


def _train_batchnorm(model, make):
    """A few training-mode calls, so running statistics are not the initial 0 and 1."""
    model.train()
    for _ in range(3):
        model(make(8))


@pytest.mark.parametrize("name", ["mlp", "batchnorm_dropout", "embedding_layernorm", "subclass"])
def test_onnxruntime_matches_deepling_with_a_dynamic_batch(name):
    model, make = _models()[name]
    _train_batchnorm(model, make)
    model.eval()
    sess, proto = session(model, make(4), input_names=["x"], output_names=["y"],
                          dynamic_axes=BATCH)  # fmt: skip
    for batch in (4, 1, 9):
        x = make(batch)
        (got,) = run(sess, x.numpy())
        close(got, model(x))
    assert [i.name for i in proto.graph.input] == ["x"]
    assert [o.name for o in proto.graph.output] == ["y"]
    assert proto.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"


def test_static_shapes_without_dynamic_axes_and_torchs_default_names():
    model, make = _models()["subclass"]
    _, proto = session(model, make(2))
    assert [i.name for i in proto.graph.input] == ["x"]  # forward's parameter
    assert [o.name for o in proto.graph.output] == ["softmax"]  # the op that made it
    dims = [d.dim_value for d in proto.graph.output[0].type.tensor_type.shape.dim]
    assert dims == [2, 4]
    assert proto.opset_import[0].version == 20
    assert {t.name for t in proto.graph.initializer} >= {"fc1.weight", "fc1.bias", "fc2.bias"}


def test_the_output_takes_the_dynamic_batch_of_the_input_by_inference():
    model, make = _models()["mlp"]
    _, proto = session(model, make(3), input_names=["x"], dynamic_axes={"x": {0: "n"}})
    assert proto.graph.output[0].type.tensor_type.shape.dim[0].dim_param == "n"


def test_dynamic_axes_list_form_names_axes_as_pytorch():
    model, make = _models()["mlp"]
    _, proto = session(model, make(3), input_names=["x"], output_names=["y"],
                       dynamic_axes={"x": [0], "y": [0]})  # fmt: skip
    assert proto.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "x_dynamic_axes_1"
    assert proto.graph.output[0].type.tensor_type.shape.dim[0].dim_param == "y_dynamic_axes_1"


def test_an_unknown_dynamic_axes_name_warns_as_pytorch():
    model, make = _models()["mlp"]
    with pytest.warns(UserWarning, match="not a valid input/output name"):
        session(model, make(3), input_names=["x"], dynamic_axes={"z": {0: "b"}})


@pytest.mark.parametrize("mode", ["train", "eval"])
def test_the_models_modes_are_restored(mode):
    model, make = _models()["batchnorm_dropout"]
    model.train(mode == "train")
    model[2].eval()  # a module in another mode than its parent keeps it too
    before = [m.training for m in model.modules()]
    session(model, make(4))
    assert [m.training for m in model.modules()] == before


def test_training_mode_export_is_refused_before_anything_runs():
    model, make = _models()["batchnorm_dropout"]
    model.train()
    with pytest.raises(NotImplementedError, match="training behaviour"):
        session(model, make(4), training=dl.onnx.TrainingMode.PRESERVE)
    with pytest.raises(NotImplementedError, match="training behaviour"):
        session(model.eval(), make(4), training=dl.onnx.TrainingMode.TRAINING)
    assert not model.training


def test_writes_to_a_path_and_reads_back(tmp_path):
    import onnx
    import onnxruntime as ort

    model, make = _models()["mlp"]
    path = tmp_path / "mlp.onnx"
    returned = dl.onnx.export(model, (make(2),), path)
    assert onnx.load(path) == returned
    x = make(2)
    (got,) = ort.InferenceSession(str(path)).run(
        None, {"input": x.numpy()}
    )  # Sequential.forward(input)
    close(got, model(x))


def test_several_inputs_keywords_and_outputs():
    class Two(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(3, 3)

        def forward(self, a, b, scale=1.0):
            h = self.fc(a) * scale + b
            return h.relu(), h.sum(1)

    model = Two()
    a, b, s = dl.randn(2, 3), dl.randn(2, 3), dl.randn(1)
    sess, proto = session(model, (a, b, {"scale": s}), output_names=["relu", "total"])
    assert [i.name for i in proto.graph.input] == ["a", "b", "scale"]
    got = run(sess, a.numpy(), b.numpy(), s.numpy())
    for g, e in zip(got, model(a, b, scale=s)):
        close(g, e)


def test_export_params_false_makes_parameters_inputs():
    model, make = _models()["mlp"]
    _, proto = session(model, make(2), export_params=False)
    assert not [t for t in proto.graph.initializer if t.name.endswith("weight")]
    assert "0.weight" in [i.name for i in proto.graph.input]
    _, kept = session(model, make(2), keep_initializers_as_inputs=True)
    assert "0.weight" in [i.name for i in kept.graph.input]


def test_a_comparison_exports_as_onnx_greater():
    class Leaky(nn.Module):
        def forward(self, x):
            return dl.where(x > 0, x, x * 0.1)

    x = dl.randn(3, 4)
    sess, _ = session(Leaky(), x)
    new = np.random.default_rng(0).normal(size=(3, 4)).astype(np.float32)
    close(run(sess, new)[0], np.where(new > 0, new, new * np.float32(0.1)))


def test_an_output_computed_outside_the_ops_is_refused():
    from deepling.compiler import TraceError

    class Sneaky(nn.Module):
        def forward(self, x):
            mask = dl.tensor(x.detach().numpy() > 0)  # computed with NumPy: no recorded op
            return dl.where(mask, x, x * 0.1)

    with pytest.raises(TraceError, match="did not record"):
        session(Sneaky(), dl.randn(3, 4))


def test_bad_opset_and_too_many_names():
    model, make = _models()["mlp"]
    with pytest.raises(ValueError, match="opset_version 9"):
        session(model, make(2), opset_version=9)
    with pytest.raises(ValueError, match="input_names has 2 names"):
        session(model, make(2), input_names=["a", "b"])


def test_without_onnx_the_error_names_the_extra(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_onnx(name, *args, **kwargs):
        if name == "onnx" or name.startswith("onnx."):
            raise ImportError("No module named 'onnx'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_onnx)
    with pytest.raises(ImportError, match=r'pip install "deepling\[onnx\]"'):
        dl.onnx.export(nn.Linear(2, 2), dl.randn(1, 2), io.BytesIO())


def test_verbose_prints_the_graph(capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        session(nn.Linear(2, 3), dl.randn(1, 2), verbose=True)
    assert "Gemm" in capsys.readouterr().out


def test_float64_models_keep_their_dtype():
    model = nn.Linear(3, 2).double()
    x = dl.randn(4, 3).double()
    sess, _ = session(model, x)
    (got,) = run(sess, x.numpy())
    assert got.dtype == np.float64
    close(got, model(x))
