"""Running sums and products along a dim: cumsum and cumprod (integers and bools give int64,
as PyTorch)."""

from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor
from ._checks import tensor_input
from .arith import cast
from .shape import _dim, stack

__all__ = ["cumprod", "cumsum"]


class Cumsum(Function):
    """y_j = sum of x_i for i <= j along an axis;  dx_i = sum of gy_j for j >= i (the running
    sum of gy taken from the end)."""

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        return self.xp.cumsum(x, axis=self.axis)

    def backward(self, gy):
        xp, axis = self.xp, self.axis
        return xp.flip(xp.cumsum(xp.flip(gy, axis), axis=axis), axis)


class Cumprod(Function):
    """y_j = product of x_i for i <= j;  dx_i = sum over j >= i of gy_j times the product of
    x_k for k <= j, k != i. That is revcumsum(gy y) / x without zeros; with zeros the first
    zero of a slice gets the products around it and the positions after it get 0 (exact)."""

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        y = np.cumprod(x, axis=self.axis)
        self.save_for_backward(x, y)
        return y

    def compose(self, x):
        """The running product as a chain of multiplications (higher orders differentiate it)."""
        lead = (slice(None),) * self.axis
        y = [x[(*lead, 0)]]
        for i in range(1, x.shape[self.axis]):
            y.append(y[-1] * x[(*lead, i)])
        return stack(y, self.axis)

    def backward(self, gy):
        x, y = (np.moveaxis(a, self.axis, -1) for a in self.saved)
        gy = np.moveaxis(gy, self.axis, -1)
        if x.shape[-1] == 0:
            return np.moveaxis(np.zeros_like(x), -1, self.axis)
        zero = x == 0
        with np.errstate(divide="ignore", invalid="ignore"):
            g = _from_end(gy * y) / np.where(zero, 1, x)
        has = zero.any(-1, keepdims=True)
        if has.any():
            first = np.argmax(zero, -1)[..., None]  # the first zero of each slice
            at = np.arange(x.shape[-1])
            ones = x.copy()
            np.put_along_axis(ones, first, 1, -1)  # products that skip the first zero
            at_zero = np.take_along_axis(_from_end(gy * np.cumprod(ones, -1)), first, -1)
            g = np.where(has & (at > first), 0, g)
            g = np.where(has & (at == first), at_zero, g)
        return np.moveaxis(g, -1, self.axis)


def _from_end(a):
    """The running sum along the last axis taken from the end."""
    return np.flip(np.cumsum(np.flip(a, -1), -1), -1)


def _running(op, name, input, dim, dtype):
    tensor_input(input, name)
    if dtype is not None:
        input = cast(input, dtype)
    elif input._data.dtype.kind in "biu":  # PyTorch sums and multiplies integers in int64
        input = cast(input, np.int64)
    axis = _dim(dim, input.ndim)
    if input.ndim == 0:
        return op(0)(input.reshape(1)).reshape(())
    return op(axis)(input)


def cumsum(input, dim: int, *, dtype=None) -> Tensor:
    """The running sum along `dim` (in `dtype` when given)."""
    return _running(Cumsum, "cumsum", input, dim, dtype)


def cumprod(input, dim: int, *, dtype=None) -> Tensor:
    """The running product along `dim` (in `dtype` when given); its gradient is exact where
    the input has zeros."""
    return _running(Cumprod, "cumprod", input, dim, dtype)
