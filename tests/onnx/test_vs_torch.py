"""The graph's inputs and outputs (names, dtypes, shapes, dynamic dims) are those that
torch.onnx.export (PyTorch 2.13, which needs onnxscript) writes for the same model."""

import io
import warnings

import numpy as np
import pytest

pytest.importorskip("onnxruntime")
torch = pytest.importorskip("torch")
pytest.importorskip("onnxscript")

import onnx  # noqa: E402

import deepling as dl  # noqa: E402
import deepling.nn as dnn  # noqa: E402
import deepling.nn.functional as F  # noqa: E402


def _signature(proto):
    def one(v):
        t = v.type.tensor_type
        dims = [d.dim_param or d.dim_value for d in t.shape.dim]
        return v.name, t.elem_type, dims

    return [one(v) for v in proto.graph.input], [one(v) for v in proto.graph.output]


def _torch_export(model, args, **kwargs):
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model.eval(), args, buffer, verbose=False, **kwargs)
    return onnx.load_from_string(buffer.getvalue())


def _mlps():
    torch_mlp = torch.nn.Sequential(
        torch.nn.Linear(5, 8), torch.nn.ReLU(), torch.nn.Linear(8, 8), torch.nn.Tanh(),
        torch.nn.Linear(8, 2),
    )  # fmt: skip
    ours = dnn.Sequential(dnn.Linear(5, 8), dnn.ReLU(), dnn.Linear(8, 8), dnn.Tanh(),
                          dnn.Linear(8, 2))  # fmt: skip
    return torch_mlp, ours


class TorchNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = torch.nn.Linear(12, 16), torch.nn.Linear(16, 4)

    def forward(self, x):
        x = torch.relu(self.fc1(x.view(x.size(0), -1)))
        return torch.softmax(self.fc2(x), dim=1)


class Net(dnn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = dnn.Linear(12, 16), dnn.Linear(16, 4)

    def forward(self, x):
        x = F.relu(self.fc1(x.view(x.size(0), -1)))
        return F.softmax(self.fc2(x), dim=1)


def test_default_names_and_static_shapes_are_pytorchs():
    torch_mlp, ours = _mlps()
    x = np.random.default_rng(0).standard_normal((3, 5)).astype(np.float32)
    expected = _signature(_torch_export(torch_mlp, (torch.from_numpy(x),)))
    got = _signature(dl.onnx.export(ours, dl.tensor(x)))
    assert got == expected


def test_given_names_and_a_dynamic_batch_are_pytorchs():
    x = np.random.default_rng(0).standard_normal((2, 3, 4)).astype(np.float32)
    kwargs = {"input_names": ["images"], "output_names": ["probs"],
              "dynamic_axes": {"images": {0: "batch"}, "probs": {0: "batch"}}}  # fmt: skip
    expected = _signature(_torch_export(TorchNet(), (torch.from_numpy(x),), **kwargs))
    got = _signature(dl.onnx.export(Net(), dl.tensor(x), **kwargs))
    assert got == expected
