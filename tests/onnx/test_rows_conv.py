"""Rows of deepling/onnx/ops_conv.py (convolution and pooling), once the vision ops exist: each
layer exported and run by onnxruntime gives deepling's numbers, with a dynamic batch."""

import numpy as np
import pytest

pytest.importorskip("onnxruntime")
pytest.importorskip("deepling.ops.conv")
pytest.importorskip("deepling.ops.pool")

import deepling as dl  # noqa: E402
import deepling.nn as nn  # noqa: E402
import deepling.nn.functional as F  # noqa: E402

from .helpers import Fn, close, run, session  # noqa: E402

RNG = np.random.default_rng(0)


def f32(*shape):
    return dl.tensor(RNG.standard_normal(shape).astype(np.float32))


def _layers():
    dl.manual_seed(0)
    return {
        "conv2d": (nn.Conv2d(3, 4, 3, stride=2, padding=1, dilation=1), (3, 5, 6)),
        "conv2d_groups_no_bias": (
            nn.Conv2d(4, 6, (2, 3), groups=2, bias=False, dilation=(2, 1)),
            (4, 7, 7),
        ),  # fmt: skip
        "conv1d": (nn.Conv1d(2, 3, 3, padding=2), (2, 9)),
        "conv_transpose2d": (
            nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1),
            (3, 4, 5),
        ),  # fmt: skip
        "conv_transpose1d": (nn.ConvTranspose1d(2, 3, 4, stride=3), (2, 5)),
        "max_pool2d": (nn.MaxPool2d(3, stride=2, padding=1), (2, 7, 6)),
        "max_pool2d_ceil": (nn.MaxPool2d(2, ceil_mode=True), (2, 5, 5)),
        "max_pool1d": (nn.MaxPool1d(2), (3, 8)),
        "avg_pool2d": (nn.AvgPool2d(3, stride=2, padding=1), (2, 7, 6)),
        "avg_pool2d_no_pad_count": (
            Fn(lambda x: F.avg_pool2d(x, 3, 2, 1, count_include_pad=False)),
            (2, 7, 6),
        ),  # fmt: skip
        "avg_pool2d_ceil": (Fn(lambda x: F.avg_pool2d(x, 2, ceil_mode=True)), (2, 5, 5)),
        "avg_pool1d": (nn.AvgPool1d(3, stride=2), (3, 9)),
        "global_max": (nn.AdaptiveMaxPool2d(1), (3, 4, 5)),
    }


@pytest.mark.parametrize("name", sorted(_layers()))
def test_layer_matches_deepling_with_a_dynamic_batch(name):
    layer, sample = _layers()[name]
    x = f32(3, *sample)
    sess, _ = session(layer, x, input_names=["x"], dynamic_axes={"x": {0: "batch"}})
    for batch in (3, 1):
        (got,) = run(sess, x.numpy()[:batch])
        close(got, layer(x[:batch]), rtol=1e-4, atol=1e-5)


def test_a_small_cnn_exports():
    class CNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1, self.conv2 = nn.Conv2d(1, 4, 3, padding=1), nn.Conv2d(4, 8, 3)
            self.pool = nn.MaxPool2d(2)
            self.fc = nn.Linear(8 * 2 * 2, 10)

        def forward(self, x):
            x = self.pool(F.relu(self.conv1(x)))
            x = self.pool(F.relu(self.conv2(x)))
            return F.log_softmax(self.fc(x.view(x.size(0), -1)), dim=1)

    model = CNN().eval()
    x = f32(4, 1, 12, 12)
    sess, _ = session(model, x, input_names=["x"], dynamic_axes={"x": {0: "batch"}})
    for batch in (4, 2):
        (got,) = run(sess, x.numpy()[:batch])
        close(got, model(x[:batch]), rtol=1e-4, atol=1e-5)
