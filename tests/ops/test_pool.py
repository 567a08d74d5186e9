"""Pooling (ops/pool.py) through the op harness against PyTorch: max and average pooling over
kernels, strides, paddings, dilations and ceil_mode, adaptive pooling with windows of unequal
sizes, arg-max ties routed as PyTorch routes them, and PyTorch's errors."""

import numpy as np
import pytest

import deepling as dl
from deepling.ops import pool
from tests.helpers import Case, op_tests


def _torch(name):
    def run(*xs, **kwargs):
        import torch

        return getattr(torch.nn.functional, name)(*xs, **kwargs)

    return run


def case(name, shape, **kwargs):
    return Case(getattr(pool, name), [shape], _torch(name), kwargs=kwargs,
                name=f"{name}{shape}{kwargs}")  # fmt: skip


def _avg_pool_gradient(x, gy, torch_grad=None):
    """The input's gradient of avg_pool2d as a function of (x, gy): its graph holds the
    transposed pooling (AvgPoolTranspose) as an op."""
    kwargs = {"kernel_size": 3, "stride": 2, "padding": 1}
    if torch_grad is not None:
        import torch

        y = torch.nn.functional.avg_pool2d(x, **kwargs)
        (gx,) = torch.autograd.grad(y, x, gy, create_graph=True)
    else:
        with dl.enable_grad():  # numerical differences call this under no_grad
            x = x if x.requires_grad else x.detach().requires_grad_()
            (gx,) = dl.grad([pool.avg_pool2d(x, **kwargs)], [x], [gy], create_graph=True)
    return (gx * gx).sum() + (gx * x).sum()


CASES = [
    Case(
        _avg_pool_gradient,
        [(1, 2, 5, 5), (1, 2, 3, 3)],
        lambda x, gy: _avg_pool_gradient(x, gy, True),
        name="avg_pool2d-gradient",
    ),
    case("max_pool2d", (2, 3, 4, 6), kernel_size=2),
    case("max_pool2d", (1, 2, 5, 5), kernel_size=3, stride=2, padding=1),  # overlapping
    case("max_pool2d", (1, 2, 5, 6), kernel_size=(2, 3), stride=(2, 1), ceil_mode=True),
    case("max_pool2d", (1, 1, 7, 7), kernel_size=2, dilation=2, padding=1),
    case("max_pool2d", (2, 5, 4), kernel_size=2),  # unbatched
    case("max_pool1d", (2, 3, 7), kernel_size=3, stride=2, padding=1, ceil_mode=True),
    case("max_pool1d", (2, 6), kernel_size=2),
    case("avg_pool2d", (2, 3, 4, 6), kernel_size=2),
    case("avg_pool2d", (1, 2, 5, 5), kernel_size=3, stride=2, padding=1),
    case("avg_pool2d", (1, 2, 5, 5), kernel_size=3, stride=2, padding=1, count_include_pad=False),
    case("avg_pool2d", (1, 2, 5, 6), kernel_size=2, ceil_mode=True, padding=1),
    case("avg_pool2d", (1, 2, 5, 6), kernel_size=(3, 2), ceil_mode=True, count_include_pad=False),
    case("avg_pool2d", (1, 2, 4, 4), kernel_size=2, stride=1, divisor_override=3),
    case("avg_pool1d", (2, 3, 7), kernel_size=3, stride=2, padding=1),
    case("adaptive_avg_pool2d", (2, 3, 7, 5), output_size=(3, 2)),  # unequal windows
    case("adaptive_avg_pool2d", (2, 3, 6, 4), output_size=(3, 2)),  # equal windows
    case("adaptive_avg_pool2d", (2, 3, 5, 4), output_size=1),  # the global average
    case("adaptive_avg_pool2d", (3, 5, 4), output_size=(None, 3)),
    case("adaptive_avg_pool1d", (2, 3, 7), output_size=3),
    case("adaptive_max_pool2d", (2, 3, 7, 5), output_size=(3, 2)),
    case("adaptive_max_pool2d", (1, 2, 6, 4), output_size=2),
    case("adaptive_max_pool1d", (2, 3, 7), output_size=4),
]

test_pool_ops = op_tests(CASES)


@pytest.mark.parametrize(
    "kwargs",
    [{"kernel_size": 2}, {"kernel_size": 3, "stride": 1, "padding": 1}, {"kernel_size": 2,
     "ceil_mode": True}],
)  # fmt: skip
def test_ties_and_indices_are_pytorchs(kwargs):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).integers(0, 3, (2, 2, 5, 5)).astype(np.float32)
    x[0, 0] = 0  # a plane of zeros: every window ties (as after a ReLU)
    ours = dl.tensor(x, requires_grad=True)
    y, idx = pool.max_pool2d(ours, return_indices=True, **kwargs)
    gy = np.random.default_rng(1).standard_normal(y.shape).astype(np.float32)
    y.backward(dl.tensor(gy))
    theirs = torch.tensor(x, requires_grad=True)
    t_y, t_idx = torch.nn.functional.max_pool2d(theirs, return_indices=True, **kwargs)
    t_y.backward(torch.tensor(gy))
    np.testing.assert_array_equal(idx.numpy(), t_idx.numpy())
    assert idx.dtype == dl.int64
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), atol=1e-6)


def test_adaptive_max_indices_are_pytorchs():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).integers(0, 3, (2, 2, 7, 5)).astype(np.float32)
    y, idx = pool.adaptive_max_pool2d(dl.tensor(x), (3, 2), return_indices=True)
    t_y, t_idx = torch.nn.functional.adaptive_max_pool2d(torch.tensor(x), (3, 2), True)
    np.testing.assert_array_equal(idx.numpy(), t_idx.numpy())
    np.testing.assert_array_equal(y.numpy(), t_y.numpy())


def test_nan_wins_as_in_pytorch():
    x = dl.tensor([[[[1.0, float("nan")], [3.0, 2.0]]]])
    assert np.isnan(pool.max_pool2d(x, 2).item())


def test_integer_max_pooling_keeps_the_dtype():
    y = pool.max_pool2d(dl.arange(16).reshape(1, 1, 4, 4), 2, padding=1)
    assert y.dtype == dl.int64 and y.tolist() == [[[[0, 2, 3], [8, 10, 11], [12, 14, 15]]]]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: pool.max_pool2d(dl.zeros(2, 16, 2, 2), 3),
         r"Given input size: \(16x2x2\). Calculated output size: \(16x0x0\). Output size is too small"),
        (lambda: pool.max_pool2d(dl.zeros(2, 16, 8, 8), 2, padding=2),
         "pad should be at most half of effective kernel size, but got pad=2, kernel_size=2"),
        (lambda: pool.avg_pool2d(dl.zeros(2, 16, 8, 8), 2, stride=0), "stride should not be zero"),
        (lambda: pool.max_pool2d(dl.zeros(2, 16, 8, 8), 0, stride=1),
         "kernel size should be greater than zero"),
        (lambda: pool.max_pool2d(dl.zeros(16, 8), 2), "Expected 3D or 4D"),
        (lambda: pool.avg_pool1d(dl.zeros(2, 16, 2, 2), 2), "Expected 2D or 3D"),
    ],
)  # fmt: skip
def test_pytorchs_errors(call, message):
    with pytest.raises(RuntimeError, match=message):
        call()


def test_indices_without_recording():
    """return_indices under no_grad (nothing is saved for a backward)."""
    with dl.no_grad():
        y, idx = pool.max_pool2d(dl.arange(16.0).reshape(1, 1, 4, 4), 2, return_indices=True)
    assert idx.tolist() == [[[[5, 7], [13, 15]]]] and y.tolist() == [[[[5.0, 7.0], [13.0, 15.0]]]]
