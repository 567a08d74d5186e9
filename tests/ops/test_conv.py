"""Convolutions (ops/conv.py) through the op harness: forward, backward and double backward
against PyTorch and central differences, over a grid of shapes, strides, paddings (including
'same' with even kernels), dilations and groups; then PyTorch's errors for bad arguments."""

import numpy as np
import pytest

import deepling as dl
from tests.helpers import Case, op_tests


def _torch(name):
    def run(*xs, **kwargs):
        import torch

        return getattr(torch.nn.functional, name)(*xs, **kwargs)

    return run


def conv2d_case(x, w, bias=True, **kwargs):
    shapes = [x, w] + ([(w[0],)] if bias else [])
    return Case(dl.conv2d, shapes, _torch("conv2d"), kwargs=kwargs,
                name=f"conv2d{x}{w}{'+b' if bias else ''}{kwargs or ''}")  # fmt: skip


def conv1d_case(x, w, bias=True, **kwargs):
    shapes = [x, w] + ([(w[0],)] if bias else [])
    return Case(dl.conv1d, shapes, _torch("conv1d"), kwargs=kwargs,
                name=f"conv1d{x}{w}{kwargs or ''}")  # fmt: skip


def transpose2d_case(x, w, bias=True, **kwargs):
    groups = kwargs.get("groups", 1)
    shapes = [x, w] + ([(w[1] * groups,)] if bias else [])
    return Case(dl.conv_transpose2d, shapes, _torch("conv_transpose2d"), kwargs=kwargs,
                name=f"conv_transpose2d{x}{w}{kwargs or ''}")  # fmt: skip


def transpose1d_case(x, w, **kwargs):
    return Case(dl.conv_transpose1d, [x, w, (w[1],)], _torch("conv_transpose1d"), kwargs=kwargs,
                name=f"conv_transpose1d{x}{w}{kwargs or ''}")  # fmt: skip


def _grads_of_conv(x, w, gy, grad, **kwargs):
    """Both first-order gradients of conv2d as functions of (x, w, gy): their graphs hold the
    transposed convolution and the weight's gradient as ops (ConvTranspose, ConvWeight)."""
    import torch

    if isinstance(x, torch.Tensor):
        y = torch.nn.functional.conv2d(x, w, **kwargs)
        gx, gw = torch.autograd.grad(y, (x, w), gy, create_graph=True)
    else:
        with dl.enable_grad():  # numerical differences call this under no_grad
            x = x if x.requires_grad else x.detach().requires_grad_()
            w = w if w.requires_grad else w.detach().requires_grad_()
            y = dl.conv2d(x, w, **kwargs)
            gx, gw = grad([y], [x, w], [gy], create_graph=True)
    return (gx * gx).sum() + (gw * gw).sum()


def grad_case(x, w, y, **kwargs):
    def ours(*xs):
        return _grads_of_conv(*xs, dl.grad, **kwargs)

    return Case(ours, [x, w, y], lambda *xs: _grads_of_conv(*xs, None, **kwargs),
                name=f"conv2d-gradients{x}{w}{kwargs}")  # fmt: skip


CASES = [
    grad_case((1, 2, 5, 5), (3, 2, 3, 3), (1, 3, 3, 3)),
    grad_case((1, 4, 5, 4), (2, 2, 2, 2), (1, 2, 3, 3), stride=2, padding=1, groups=2),
    conv2d_case((2, 3, 5, 6), (4, 3, 3, 2)),
    conv2d_case((2, 2, 5, 5), (3, 2, 2, 2), bias=False),
    conv2d_case((1, 2, 7, 6), (2, 2, 3, 3), stride=2),
    conv2d_case((1, 2, 6, 7), (2, 2, 3, 2), stride=(2, 3), padding=(1, 2)),
    conv2d_case((1, 1, 6, 6), (2, 1, 2, 2), padding="same"),  # even kernel: extra at the end
    conv2d_case((1, 1, 5, 6), (2, 1, 4, 3), padding="same", dilation=(1, 2)),
    conv2d_case((1, 2, 7, 7), (2, 2, 3, 3), dilation=2, padding=1),
    conv2d_case((1, 2, 5, 5), (2, 2, 3, 3), padding="valid"),
    conv2d_case((2, 4, 5, 5), (6, 2, 3, 3), groups=2),
    conv2d_case((1, 3, 5, 5), (3, 1, 3, 3), groups=3, padding=1),  # depthwise
    conv2d_case((1, 2, 5, 4), (4, 1, 2, 2), groups=2, stride=2),  # depth multiplier 2
    conv2d_case((3, 5, 5), (2, 3, 3, 3)),  # unbatched
    conv2d_case((2, 3, 4, 4), (5, 3, 1, 1)),  # 1x1
    conv1d_case((2, 3, 7), (4, 3, 3)),
    conv1d_case((2, 2, 8), (2, 1, 2), stride=2, groups=2, padding=1),
    conv1d_case((1, 2, 6), (3, 2, 4), padding="same", dilation=1),
    conv1d_case((2, 5), (3, 2, 2)),  # unbatched
    transpose2d_case((2, 3, 3, 4), (3, 2, 3, 2)),
    transpose2d_case((1, 2, 3, 3), (2, 1, 3, 3), stride=2, padding=1, output_padding=1),
    transpose2d_case((1, 2, 3, 3), (2, 2, 2, 3), stride=(2, 1), dilation=(1, 2), bias=False),
    transpose2d_case((1, 4, 3, 3), (4, 1, 3, 3), groups=2, stride=2),
    transpose1d_case((2, 3, 4), (3, 2, 3), stride=2, padding=1, output_padding=1),
]

test_conv_ops = pytest.mark.filterwarnings("ignore:Using padding='same'")(op_tests(CASES))


def _call(fn, x, w, b=None, **kwargs):
    return fn(dl.zeros(*x), dl.zeros(*w), None if b is None else dl.zeros(*b), **kwargs)


@pytest.mark.parametrize(
    "fn, x, w, b, kwargs, message",
    [
        (dl.conv2d, (64, 3, 28, 28), (6, 1, 5, 5), None, {},
         r"Given groups=1, weight of size \[6, 1, 5, 5\], expected input\[64, 3, 28, 28\] to "
         r"have 1 channels, but got 3 channels instead"),
        (dl.conv2d, (64, 784), (6, 1, 5, 5), None, {},
         r"Expected 3D \(unbatched\) or 4D \(batched\) input to conv2d, but got input of size: "
         r"\[64, 784\]"),
        (dl.conv2d, (2, 1, 4, 4), (6, 1, 5, 5), None, {},
         r"Calculated padded input size per channel: \(4 x 4\). Kernel size: \(5 x 5\)"),
        (dl.conv2d, (2, 4, 8, 8), (3, 2, 3, 3), None, {"groups": 2},
         "expected weight to be divisible by 2 at dimension 0"),
        (dl.conv2d, (2, 1, 8, 8), (6, 1, 3, 3), (5,), {},
         "expected bias to be 1-dimensional with 6 elements, but got bias of size"),
        (dl.conv2d, (2, 1, 8, 8), (6, 1, 3, 3), None, {"stride": 2, "padding": "same"},
         "padding='same' is not supported for strided convolutions"),
        (dl.conv2d, (2, 1, 8, 8), (6, 1, 3, 3), None, {"padding": "foo"},
         "Invalid padding string: 'foo'"),
        (dl.conv2d, (2, 1, 8, 8), (6, 1, 3, 3), None, {"padding": -1},
         "negative padding is not supported"),
        (dl.conv2d, (2, 1, 8, 8), (6, 1, 3, 3), None, {"stride": 0},
         "non-positive stride is not supported"),
        (dl.conv2d, (2, 1, 8, 8), (6, 1, 3, 3), None, {"stride": (1, 1, 1)},
         "expected stride to be a single integer value or a list of 2 values"),
        (dl.conv1d, (2, 1, 8, 8), (6, 1, 3), None, {},
         "Expected 2D \\(unbatched\\) or 3D \\(batched\\) input to conv1d"),
        (dl.conv_transpose2d, (2, 3, 8, 8), (2, 1, 3, 3), None, {},
         r"Given transposed=1, weight of size \[2, 1, 3, 3\], expected input\[2, 3, 8, 8\] to "
         "have 2 channels"),
        (dl.conv_transpose2d, (2, 3, 8, 8), (3, 1, 3, 3), None, {"stride": 2, "output_padding": 2},
         "output padding must be smaller than either stride or dilation"),
    ],
)  # fmt: skip
def test_pytorchs_errors(fn, x, w, b, kwargs, message):
    with pytest.raises(RuntimeError, match=message):
        _call(fn, x, w, b, **kwargs)


def test_dtypes_must_agree():
    x, w = dl.zeros(1, 1, 4, 4, dtype=dl.float64), dl.zeros(1, 1, 2, 2)
    with pytest.raises(
        RuntimeError, match=r"Input type \(torch.float64\) and weight type \(torch.float32\)"
    ):
        dl.conv2d(x, w)
    with pytest.raises(TypeError, match="argument 'weight' must be Tensor"):
        dl.conv2d(x, np.zeros((1, 1, 2, 2)))


def test_float32_in_float32_out_and_same_as_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((8, 3, 12, 12)).astype(np.float32)
    w = rng.standard_normal((5, 3, 5, 5)).astype(np.float32)
    y = dl.conv2d(dl.tensor(x), dl.tensor(w), padding=2)
    assert y.dtype == dl.float32
    expected = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), padding=2)
    np.testing.assert_allclose(y.numpy(), expected.numpy(), rtol=1e-4, atol=1e-4)


def test_a_second_backward_with_retain_graph_gives_the_same_weight_gradient():
    x = dl.randn(2, 2, 5, 5)
    w = dl.randn(3, 2, 3, 3, requires_grad=True)
    y = dl.conv2d(x, w).sum()
    y.backward(retain_graph=True)
    first = w.grad.numpy().copy()
    w.grad = None
    y.backward()  # the columns were used once and dropped: recomputed from x
    np.testing.assert_allclose(w.grad.numpy(), first, rtol=1e-6)


@pytest.mark.parametrize("groups", [1, 2])
def test_long_few_columns_are_built_in_blocks_and_agree_with_torch(groups):
    """A first layer (few input channels, many positions) takes the blocked path, whose
    columns are rebuilt for the weight's gradient."""
    torch = pytest.importorskip("torch")
    from deepling.ops import _conv_arrays
    from deepling.ops.conv_args import conv_geometry

    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 2, 28, 28)).astype(np.float32)
    w = rng.standard_normal((6, 2 // groups, 5, 5)).astype(np.float32)
    g = conv_geometry("conv2d", 2, x.shape, w.shape, 1, 1, 1)
    assert _conv_arrays._row_blocks(50 // groups, g, 64, 4, groups) is not None
    ours_x, ours_w = dl.tensor(x, requires_grad=True), dl.tensor(w, requires_grad=True)
    y = dl.conv2d(ours_x, ours_w, padding=1, groups=groups)
    gy = rng.standard_normal(y.shape).astype(np.float32)
    y.backward(dl.tensor(gy))
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    ty = torch.nn.functional.conv2d(tx, tw, padding=1, groups=groups)
    ty.backward(torch.tensor(gy))
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(ours_w.grad.numpy(), tw.grad.numpy(), rtol=1e-3, atol=1e-2)
    np.testing.assert_allclose(ours_x.grad.numpy(), tx.grad.numpy(), rtol=1e-4, atol=1e-4)


def test_depthwise_takes_the_tap_path_and_agrees_with_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 6, 9, 8)).astype(np.float32)
    w = rng.standard_normal((6, 1, 3, 2)).astype(np.float32)
    b = rng.standard_normal(6).astype(np.float32)
    kwargs = {"stride": (2, 1), "padding": (1, 2), "dilation": (1, 2), "groups": 6}
    ours = [dl.tensor(a, requires_grad=True) for a in (x, w, b)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    y, ty = dl.conv2d(*ours, **kwargs), torch.nn.functional.conv2d(*theirs, **kwargs)
    gy = rng.standard_normal(y.shape).astype(np.float32)
    y.backward(dl.tensor(gy))
    ty.backward(torch.tensor(gy))
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-5, atol=1e-5)
    for a, t in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), rtol=1e-4, atol=1e-4)
