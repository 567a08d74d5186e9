"""Exporting with deepling.onnx and running the file with onnxruntime (tests import this after
`pytest.importorskip("onnxruntime")`)."""

from __future__ import annotations

import io

import numpy as np
import onnxruntime as ort

import deepling as dl
import deepling.nn as nn


class Fn(nn.Module):
    """A module whose forward is a given function (torch.onnx.export takes modules)."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, *xs):
        return self.fn(*xs)


def session(model, args, **kwargs):
    """Export `model` on `args` into memory; the onnxruntime session and the ModelProto."""
    buffer = io.BytesIO()
    proto = dl.onnx.export(model, args, buffer, **kwargs)
    return ort.InferenceSession(buffer.getvalue(), providers=["CPUExecutionProvider"]), proto


def run(sess, *arrays) -> list:
    feeds = {i.name: np.asarray(a) for i, a in zip(sess.get_inputs(), arrays)}
    return sess.run(None, feeds)


def close(got, expected, rtol=1e-5, atol=1e-5) -> None:
    expected = expected.detach().numpy() if hasattr(expected, "numpy") else np.asarray(expected)
    assert got.shape == expected.shape, (got.shape, expected.shape)
    assert got.dtype == expected.dtype, (got.dtype, expected.dtype)
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol)
