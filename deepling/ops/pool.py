"""Pooling: max and average over sliding windows (1-D and 2-D) and adaptive pooling.

`MaxPool` routes each gradient to its window's arg-max (the first largest element on ties, as
PyTorch's kernels), through `index_add` on higher orders; `AvgPool` and `AvgPoolTranspose` are
each other's gradients. Adaptive average pooling is a product with two constant matrices.
"""

from __future__ import annotations

import math

import numpy as np

from ..autograd.function import Function, ShapeError
from ..tensor import Tensor
from ._checks import tensor_input
from ._pool_arrays import (
    adaptive_bounds,
    divisors,
    first_taps,
    flat_indices,
    max_adaptive,
    max_values,
    scatter_first,
    scatter_max,
    spread,
    window_sums,
)
from ._windows import drop, geometry, lift
from .conv_args import ints
from .index import index_add
from .linalg import matmul
from .reduce import mean
from .shape import squeeze, unsqueeze

__all__ = ["adaptive_avg_pool1d", "avg_pool1d", "max_pool1d", "max_pool2d"]


class MaxPool(Function):
    """y = the largest element of each window;  dx = gy added at each window's arg-max (the
    first largest on ties, as PyTorch), so a position that wins several windows gets each."""

    def __init__(self, rank, g=None, out=None, indices=False):
        self.rank, self.g, self.out = rank, g, out  # windows by geometry, or adaptive ones
        self.indices = indices  # return_indices: find the arg-maxes now (nothing may be saved)
        self._flat = None

    def forward(self, x):
        xl = lift(x, self.rank)
        self.x_shape, self.lifted = x.shape, xl.shape
        if self.g is None:
            y, self._flat = max_adaptive(xl, self.out)
            return drop(y, self.rank)
        y, xp = max_values(xl, self.g)
        if self.indices:
            self._flat = flat_indices(first_taps(xp, y, self.g), self.g)
        y = drop(y, self.rank)
        # x and y, saved so that an in-place change of either is caught; xp if padded
        self.save_for_backward(x, y, xp if xp is not xl else None)
        return y

    def _arrays(self):
        x, y, xp = (a._data if isinstance(a, Tensor) else a for a in self.saved)
        return (lift(x, self.rank) if xp is None else xp), lift(y, self.rank)

    def flat(self):
        """Each maximum's flat position in its (lifted) H * W plane."""
        if self._flat is None:
            xp, y = self._arrays()
            self._flat = flat_indices(first_taps(xp, y, self.g), self.g)
        return self._flat

    def backward(self, gy):
        if isinstance(gy, Tensor):  # higher orders: an op, whose gradient picks gy back
            n, c = self.lifted[:2]
            key = (np.arange(n * c)[:, None], self.flat().reshape(n * c, -1))
            plane = math.prod(self.lifted[2:])
            return index_add(gy.reshape(n * c, -1), key, (n * c, plane)).reshape(self.x_shape)
        gy = lift(gy, self.rank)
        if self.g is None:
            gx = scatter_max(gy, self._flat, self.lifted, True)
        else:
            gx = scatter_first(gy, *self._arrays(), self.g, self.lifted)
        return gx.reshape(self.x_shape)


class AvgPool(Function):
    """y = each window's sum over its divisor (PyTorch's count);  dx = gy over the divisor,
    spread back over each window (AvgPoolTranspose)."""

    def __init__(self, g, inv):
        self.g, self.inv = g, inv  # inv: 1 / divisor per output position

    def forward(self, x):
        self.x_shape = x.shape
        r = self.g.rank
        return drop(window_sums(lift(x, r), self.g) * self.inv.astype(x.dtype), r)

    def backward(self, gy):
        if isinstance(gy, Tensor):
            return AvgPoolTranspose(self.g, self.inv, self.x_shape)(gy)
        return AvgPoolTranspose.arrays(gy, self.g, self.inv)


class AvgPoolTranspose(Function):
    """y = gy over each window's divisor, spread back over the window (AvgPool's transpose);
    dgy = AvgPool(g)."""

    def __init__(self, g, inv, x_shape):
        self.g, self.inv, self.x_shape = g, inv, x_shape

    @staticmethod
    def arrays(gy, g, inv):
        return drop(spread(lift(gy * inv.astype(gy.dtype), g.rank), g), g.rank)

    def forward(self, gy):
        return self.arrays(gy, self.g, self.inv)

    def backward(self, g):
        if isinstance(g, Tensor):
            return AvgPool(self.g, self.inv)(g)
        r = self.g.rank
        return drop(window_sums(lift(g, r), self.g) * self.inv.astype(g.dtype), r)


# --- arguments ---
def _batched(name, rank, input):
    tensor_input(input, name)
    if input.ndim not in (rank + 1, rank + 2):
        raise ShapeError(
            f"{name}: Expected {rank + 1}D or {rank + 2}D (batch mode) tensor for input, but got "
            f"{input.ndim}D input of size {list(input.shape)}"
        )
    return input if input.ndim == rank + 2 else unsqueeze(input, 0)


def _unbatch(y, input, rank):
    return y if input.ndim == rank + 2 else squeeze(y, 0)


def pool_geometry(name, rank, x_shape, kernel_size, stride, padding, dilation, ceil_mode):
    """The Geometry of a pooling, with PyTorch's checks and output size (ceil_mode too: the
    last window must start inside the input or its left padding)."""
    k = ints(kernel_size, rank, "kernel_size", name)
    s = k if stride is None or (isinstance(stride, (list, tuple)) and not stride) else None
    s = s or ints(stride, rank, "stride", name)
    p, d = ints(padding, rank, "padding", name), ints(dilation, rank, "dilation", name)
    if min(k) <= 0:
        raise ShapeError(f"kernel size should be greater than zero, but got kernel_size={list(k)}")
    if min(s) <= 0:
        raise ShapeError("stride should not be zero")
    if min(d) <= 0:
        raise ShapeError(f"dilation should be greater than zero, but got dilation={list(d)}")
    spans = [dd * (kk - 1) + 1 for kk, dd in zip(k, d)]
    for pp, kk, span, dd in zip(p, k, spans, d):
        if pp < 0 or pp > span // 2:
            raise ShapeError(
                "pad should be at most half of effective kernel size, but got "
                f"pad={pp}, kernel_size={kk} and dilation={dd}"
            )
    size, out, pairs = tuple(x_shape[2:]), [], []
    for n, ss, pp, span in zip(size, s, p, spans):
        o = (n + 2 * pp - span + (ss - 1 if ceil_mode else 0)) // ss + 1
        if ceil_mode and (o - 1) * ss >= n + pp:
            o -= 1
        out.append(o)
        pairs.append((pp, pp + max(0, (o - 1) * ss + span - n - 2 * pp)))
    if min(out) <= 0:
        c = x_shape[1]
        raise ShapeError(
            f"Given input size: ({'x'.join(map(str, (c, *size)))}). Calculated output size: "
            f"({'x'.join(map(str, (c, *out)))}). Output size is too small"
        )
    one = ((1,), ((0, 0),)) if rank == 1 else ((), ())
    return geometry(one[0] + size, one[0] + k, one[0] + s, one[0] + d, one[1] + tuple(pairs),
                    rank, one[0] + tuple(out))  # fmt: skip


# --- max pooling ---
def _max_pool(name, rank, input, kernel_size, stride, padding, dilation, ceil_mode,
              return_indices):  # fmt: skip
    x = _batched(name, rank, input)
    g = pool_geometry(name, rank, x.shape, kernel_size, stride, padding, dilation, ceil_mode)
    fn = MaxPool(rank, g, indices=return_indices)
    y = _unbatch(fn(x), input, rank)
    if not return_indices:
        return y
    return y, _unbatch(Tensor._wrap(drop(fn.flat(), rank)), input, rank)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):  # fmt: skip
    """The largest value of each window over (N, C, L) or (C, L), as F.max_pool1d."""
    return _max_pool("max_pool1d", 1, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)  # fmt: skip


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):  # fmt: skip
    """The largest value of each window over (N, C, H, W) or (C, H, W), as F.max_pool2d.

    stride defaults to kernel_size; padding (at most half the window) never wins; with
    ceil_mode the last partial window counts; return_indices also gives each maximum's flat
    position in its H * W plane. The gradient goes to the first largest element of a window.

    Example:
        >>> import deepling as dl
        >>> dl.max_pool2d(dl.arange(16.0).reshape(1, 1, 4, 4), 2).tolist()
        [[[[5.0, 7.0], [13.0, 15.0]]]]
    """
    return _max_pool("max_pool2d", 2, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)  # fmt: skip


# --- average pooling ---
def _avg_pool(name, rank, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
              divisor_override):  # fmt: skip
    x = _batched(name, rank, input)
    if x.dtype.kind != "f":
        raise RuntimeError(f"{name}: expected a floating-point input, but got {x.dtype}")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    g = pool_geometry(name, rank, x.shape, kernel_size, stride, padding, 1, ceil_mode)
    inv = divisors(g, count_include_pad, divisor_override)
    return _unbatch(AvgPool(g, inv)(x), input, rank)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True) -> Tensor:  # fmt: skip
    """The mean of each window over (N, C, L) or (C, L), as F.avg_pool1d."""
    return _avg_pool("avg_pool1d", 1, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, None)  # fmt: skip


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None) -> Tensor:  # fmt: skip
    """The mean of each window over (N, C, H, W) or (C, H, W), as F.avg_pool2d: padded zeros
    count in the divisor unless count_include_pad=False; divisor_override replaces it."""
    return _avg_pool("avg_pool2d", 2, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, divisor_override)  # fmt: skip


# --- adaptive pooling ---
def _out_size(name, rank, output_size, size) -> tuple:
    if isinstance(output_size, int) or output_size is None:
        output_size = (output_size,) * rank
    if len(output_size) != rank:
        raise ShapeError(f"{name}: output_size must be {rank} integers, got {output_size}")
    out = tuple(n if o is None else int(o) for o, n in zip(output_size, size))
    if min(out) < 0:
        raise ShapeError(f"{name}: output_size must be non-negative, got {output_size}")
    return out


def _averaging(size: int, out: int, dtype) -> np.ndarray:
    """The (out, size) matrix of adaptive average pooling along one axis."""
    start, end = adaptive_bounds(size, out)
    j = np.arange(size)
    inside = (j >= start[:, None]) & (j < end[:, None])
    return (inside / (end - start)[:, None]).astype(dtype)


def _adaptive_avg(name, rank, input, output_size):
    x = _batched(name, rank, input)
    size = tuple(x.shape[2:])
    out = _out_size(name, rank, output_size, size)
    if all(o == 1 for o in out):
        y = mean(x, dim=tuple(range(2, x.ndim)), keepdim=True)
    elif all(o and n % o == 0 for n, o in zip(size, out)):  # equal windows: plain pooling
        kernel = tuple(n // o for n, o in zip(size, out))
        y = _avg_pool(name, rank, x, kernel, kernel, 0, False, True, None)
    else:  # windows of two sizes: y = A_h x A_w^T with constant averaging matrices
        dtype = x.dtype if x.dtype.kind == "f" else np.float32
        y = matmul(x, Tensor._wrap(_averaging(size[-1], out[-1], dtype).T))
        if rank == 2:
            y = matmul(Tensor._wrap(_averaging(size[0], out[0], dtype)), y)
    return _unbatch(y, input, rank)


def adaptive_avg_pool1d(input, output_size) -> Tensor:
    """Average pooling to a given length, as F.adaptive_avg_pool1d: window i covers
    [floor(i * L / out), ceil((i + 1) * L / out))."""
    return _adaptive_avg("adaptive_avg_pool1d", 1, input, output_size)


def adaptive_avg_pool2d(input, output_size) -> Tensor:
    """Average pooling to a given (H, W) (an int for both; None keeps that size), as
    F.adaptive_avg_pool2d. `(1, 1)` is the global average.

    Example:
        >>> import deepling as dl
        >>> dl.nn.functional.adaptive_avg_pool2d(dl.ones(2, 3, 7, 5), (1, 1)).shape
        torch.Size([2, 3, 1, 1])
    """
    return _adaptive_avg("adaptive_avg_pool2d", 2, input, output_size)


def _adaptive_max(name, rank, input, output_size, return_indices):
    x = _batched(name, rank, input)
    size = tuple(x.shape[2:])
    out = _out_size(name, rank, output_size, size)
    if all(o and n % o == 0 for n, o in zip(size, out)):  # equal windows: plain pooling
        kernel = tuple(n // o for n, o in zip(size, out))
        return _max_pool(name, rank, input, kernel, kernel, 0, 1, False, return_indices)
    fn = MaxPool(rank, out=((1,) + out) if rank == 1 else out)
    y = _unbatch(fn(x), input, rank)
    if not return_indices:
        return y
    return y, _unbatch(Tensor._wrap(drop(fn.flat(), rank)), input, rank)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """Max pooling to a given length, as F.adaptive_max_pool1d."""
    return _adaptive_max("adaptive_max_pool1d", 1, input, output_size, return_indices)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max pooling to a given (H, W), as F.adaptive_max_pool2d (windows as adaptive_avg_pool2d;
    the gradient goes to each window's first largest element)."""
    return _adaptive_max("adaptive_max_pool2d", 2, input, output_size, return_indices)


def pool_with_pads(kind, x, rank, kernel, stride, pairs, count_include_pad=True) -> Tensor:
    """Max ('max') or average ('avg') pooling of batched channels-first `x` with explicit
    (before, after) padding per axis, as the TensorFlow and Keras faces state their 'SAME'
    padding (the odd pixel after; averages over the input only with count_include_pad=False)."""
    size = tuple(x.shape[2:])
    out = tuple(
        (n + lo + hi - k) // s + 1 for n, k, s, (lo, hi) in zip(size, kernel, stride, pairs)
    )
    one = ((1,), ((0, 0),)) if rank == 1 else ((), ())
    g = geometry(one[0] + size, one[0] + tuple(kernel), one[0] + tuple(stride), one[0] + (1,) * rank,
                 one[1] + tuple(pairs), rank, one[0] + out)  # fmt: skip
    if kind == "max":
        return MaxPool(rank, g)(x)
    return AvgPool(g, divisors(g, count_include_pad, None))(x)
