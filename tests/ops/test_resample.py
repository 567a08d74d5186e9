"""interpolate (ops/resample.py), the padding modes (ops/padding.py) and unfold/fold
(ops/fold.py) through the op harness against PyTorch, and PyTorch's errors."""

import numpy as np
import pytest

import deepling as dl
from deepling.ops import fold, padding, resample
from tests.helpers import Case, op_tests


def _torch(name):
    def run(*xs, **kwargs):
        import torch

        return getattr(torch.nn.functional, name)(*xs, **kwargs)

    return run


def interp(shape, **kwargs):
    return Case(resample.interpolate, [shape], _torch("interpolate"), kwargs=kwargs,
                name=f"interpolate{shape}{kwargs}")  # fmt: skip


def pad_case(shape, pad, mode):
    return Case(padding.pad, [shape], _torch("pad"), kwargs={"pad": pad, "mode": mode},
                name=f"pad{shape}{pad}{mode}")  # fmt: skip


CASES = [
    interp((1, 2, 3, 4), scale_factor=2),  # whole factors: a broadcast
    interp((1, 2, 5, 4), size=(7, 3)),
    interp((1, 2, 5, 4), scale_factor=1.7),  # PyTorch maps with 1 / scale_factor
    interp((1, 2, 5, 4), scale_factor=1.7, recompute_scale_factor=True),
    interp((1, 2, 5, 4), size=(7, 3), mode="nearest-exact"),
    interp((2, 3, 5), size=8, mode="nearest"),
    interp((2, 3, 5), size=8, mode="linear"),
    interp((1, 2, 3, 4), size=(5, 7), mode="bilinear"),
    interp((1, 2, 3, 4), size=(5, 7), mode="bilinear", align_corners=True),
    interp((1, 2, 6, 7), size=(4, 3), mode="bilinear"),
    interp((1, 2, 6, 7), scale_factor=0.6, mode="bilinear"),
    interp((1, 2, 4, 5), size=(7, 3), mode="bicubic"),
    interp((1, 2, 4, 5), size=(7, 3), mode="bicubic", align_corners=True),
    interp((1, 2, 9, 8), size=(4, 3), mode="bilinear", antialias=True),
    interp((1, 2, 9, 8), size=(4, 5), mode="bicubic", antialias=True),
    interp((1, 2, 3, 4), size=(6, 7), mode="bilinear", antialias=True),
    interp((1, 2, 7, 5), size=(3, 2), mode="area"),
    pad_case((1, 2, 4, 5), (2, 1, 3, 0), "reflect"),
    pad_case((1, 2, 4, 5), (2, 1, 3, 0), "replicate"),
    pad_case((1, 2, 4, 5), (2, 1, 3, 4), "circular"),
    pad_case((2, 5), (3, 1), "reflect"),
    pad_case((2, 3, 5), (0, 2), "replicate"),
    Case(fold.unfold, [(2, 3, 5, 4)], _torch("unfold"), kwargs={"kernel_size": (2, 3)},
         name="unfold(2,3,5,4)k(2,3)"),
    Case(fold.unfold, [(1, 2, 5, 5)], _torch("unfold"),
         kwargs={"kernel_size": 3, "dilation": 2, "padding": 1, "stride": 2},
         name="unfold-strided"),
    Case(fold.fold, [(2, 12, 6)], _torch("fold"),
         kwargs={"output_size": (4, 5), "kernel_size": (2, 3), "stride": (2, 1)},
         name="fold(2,12,6)"),
    Case(fold.fold, [(8, 9)], _torch("fold"),
         kwargs={"output_size": (5, 5), "kernel_size": 2, "padding": 1, "stride": 2},
         name="fold-unbatched-padded"),
]  # fmt: skip

test_resample_ops = op_tests(CASES)


@pytest.mark.parametrize("size, scale", [(3, None), (7, None), (None, 2.5), (None, 0.5), (None, 3)])
def test_nearest_indices_match_pytorch(size, scale):
    torch = pytest.importorskip("torch")
    x = np.arange(2 * 9 * 6, dtype=np.float32).reshape(1, 2, 9, 6)
    for mode in ("nearest", "nearest-exact"):
        ours = resample.interpolate(dl.tensor(x), size=size, scale_factor=scale, mode=mode)
        theirs = torch.nn.functional.interpolate(torch.tensor(x), size, scale, mode=mode)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda x: resample.interpolate(x, size=4, scale_factor=2), ValueError,
         "only one of size or scale_factor should be defined"),
        (lambda x: resample.interpolate(x), ValueError, "either size or scale_factor"),
        (lambda x: resample.interpolate(x, size=4, mode="bilinear2"), NotImplementedError,
         "got bilinear2"),
        (lambda x: resample.interpolate(x[0], size=4, mode="bilinear"), NotImplementedError,
         "Got 3D input, but bilinear mode needs 4D input"),
        (lambda x: resample.interpolate(x, size=4, align_corners=True), ValueError,
         "align_corners option can only be set with the interpolating modes"),
        (lambda x: resample.interpolate(x, scale_factor=0.01), RuntimeError,
         "Input and output sizes should be greater than 0"),
        (lambda x: padding.pad(x, (3, 3, 3, 3), mode="reflect"), RuntimeError,
         r"Padding size should be less than the corresponding input dimension, but got: "
         r"padding \(3, 3\) at dimension 3 of input \[1, 1, 2, 2\]"),
        (lambda x: padding.pad(x, (3, 3, 3, 3), mode="circular"), RuntimeError,
         "Padding value causes wrapping around more than once."),
        (lambda x: padding.pad(x[0, 0], (1, 1, 1, 1), mode="reflect"), NotImplementedError,
         "Padding size 4 is not supported for 2D input tensor"),
        (lambda x: padding.pad(x, (1, 1), mode="foo"), NotImplementedError,
         "Unrecognised padding mode foo"),
        (lambda x: fold.unfold(x, 3), RuntimeError,
         "calculated shape of the array of sliding blocks as"),
        (lambda x: fold.fold(dl.zeros(2, 9, 9), (4, 4), 2), RuntimeError,
         "Expected size of input's dimension 1 to be divisible by the product of kernel_size"),
        (lambda x: fold.fold(dl.zeros(2, 8, 9), (4, 4), 2, stride=2), RuntimeError,
         "expected size of input's dimension 2 to match the calculated number of sliding"),
    ],
)  # fmt: skip
def test_pytorchs_errors(call, error, message):
    with pytest.raises(error, match=message):
        call(dl.zeros(1, 1, 2, 2))


def test_constant_pad_goes_through_the_pad_op():
    y = padding.pad(dl.ones(1, 2), (1, 2), value=5.0)
    assert y.tolist() == [[5.0, 1.0, 1.0, 5.0, 5.0]]
