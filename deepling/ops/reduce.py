"""Reductions: sum mean max min prod logsumexp var std, and argmax/argmin (no gradient).

Each takes PyTorch's `dim`/`keepdim` or NumPy's and TensorFlow's `axis`/`keepdims`.
"""

from __future__ import annotations

import builtins

import numpy as np

from ..autograd.function import Function, array_op
from ..tensor import Tensor
from ._checks import tensor_input
from ._results import result_type
from .index import along_axis, index_add

__all__ = [
    "amax",
    "amin",
    "argmax",
    "argmin",
    "logsumexp",
    "max",
    "mean",
    "min",
    "prod",
    "sum",
]

MaxResult = result_type("max")
MinResult = result_type("min")


def _axes(ndim, dim, axis):
    """One normalized tuple of axes (or None for all) from `dim` or `axis`."""
    dim = axis if dim is None else dim
    if dim is None:
        return None
    dims = (dim,) if isinstance(dim, int) or hasattr(dim, "__index__") else tuple(dim)
    for d in dims:
        if not hasattr(d, "__index__"):
            raise TypeError(
                f"argument 'dim' must be int or tuple of ints, not {type(dim).__name__}"
            )
        if not -builtins.max(ndim, 1) <= d < builtins.max(ndim, 1):
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{-builtins.max(ndim, 1)}, "
                f"{builtins.max(ndim, 1) - 1}], but got {d})"
            )
    return tuple(sorted(d % ndim for d in dims)) if ndim else None


def _expand(gy, shape, axes, keepdims):
    """Bring a reduced gradient back to the input's rank so it broadcasts over `shape`."""
    if axes is not None and not keepdims:
        gy = gy.reshape([1 if i in axes else n for i, n in enumerate(shape)])
    return gy


class Sum(Function):
    """y = sum(x) over axes;  dy/dx = 1, broadcast back."""

    def __init__(self, axes, keepdims):
        self.axes, self.keepdims = axes, keepdims

    def forward(self, x):
        self.shape = x.shape
        return x.sum(axis=self.axes, keepdims=self.keepdims)

    def backward(self, gy):
        return _fill(self.xp, _expand(gy, self.shape, self.axes, self.keepdims), self.shape)


def _fill(xp, gy, shape):
    """gy repeated over `shape`: a plain fill beats np.broadcast_to's Python-level setup (on
    Tensors, for higher orders, the broadcast op)."""
    if isinstance(gy, Tensor):
        return xp.broadcast_to(gy, shape)
    out = xp.empty(shape, gy.dtype)
    out[...] = gy
    return out


class Mean(Function):
    """y = mean(x) over axes;  dy/dx = 1/n, broadcast back."""

    def __init__(self, axes, keepdims):
        self.axes, self.keepdims = axes, keepdims

    def forward(self, x):
        self.shape = x.shape
        total = x.sum(axis=self.axes, keepdims=self.keepdims)  # sum / n: x.mean() is slower
        self.n = x.size // total.size if total.size else 1
        return total / self.n if x.size else x.mean(axis=self.axes, keepdims=self.keepdims)

    def backward(self, gy):
        return _fill(
            self.xp, _expand(gy, self.shape, self.axes, self.keepdims) / self.n, self.shape
        )


class Extreme(Function):
    """y = max (or min) over axes;  dy/dx goes to the extreme elements, split evenly among ties
    (amax, full max), or to the one returned index when `max(x, dim)` gives indices (PyTorch)."""

    def __init__(self, kind, axes, keepdims, with_indices=False):
        self.kind, self.axes, self.keepdims = kind, axes, keepdims
        self.with_indices = with_indices

    def forward(self, x):
        xp = self.xp
        if self.with_indices:
            (axis,) = self.axes
            find = xp.argmax if self.kind == "max" else xp.argmin
            self.indices = xp.expand_dims(find(x, axis=axis), axis)
            self.shape = x.shape
            y = xp.take_along_axis(x, self.indices, axis)
            return y if self.keepdims else y.squeeze(axis)
        y = getattr(x, self.kind)(axis=self.axes, keepdims=True)
        mask = x == y
        self.save_for_backward(mask / mask.sum(axis=self.axes, keepdims=True))
        return y if self.keepdims else y.reshape(_reduced_shape(x.shape, self.axes))

    def backward(self, gy):
        if self.with_indices:  # into the chosen index
            (axis,) = self.axes
            gy = gy if self.keepdims else self.xp.expand_dims(gy, axis)
            return index_add(gy, along_axis(self.indices, axis), self.shape)
        (share,) = self.saved
        return _expand(gy, share.shape, self.axes or tuple(range(share.ndim)), False) * share


def _reduced_shape(shape, axes):
    return tuple(n for i, n in enumerate(shape) if axes is not None and i not in axes)


class Prod(Function):
    """y = prod(x) over one axis or all;  dy/dx_i = product of the others (exact at zeros)."""

    def __init__(self, axis, keepdims):
        self.axis, self.keepdims = axis, keepdims

    def forward(self, x):
        self.save_for_backward(x)
        return x.prod(axis=self.axis, keepdims=self.keepdims)

    def compose(self, x):
        """The product as a chain of multiplications (higher orders differentiate this)."""
        axis = 0 if self.axis is None else self.axis
        flat = x.reshape(-1) if self.axis is None else x
        lead = (slice(None),) * axis
        y = flat[(*lead, 0)]
        for i in range(1, flat.shape[axis]):
            y = y * flat[(*lead, i)]
        if self.keepdims:
            y = y.reshape(tuple(1 if self.axis in (None, i) else n for i, n in enumerate(x.shape)))
        return y

    def backward(self, gy):
        (x,) = self.saved
        xp, axis = self.xp, self.axis
        flat = x.reshape(-1) if axis is None else x
        a = 0 if axis is None else axis
        ones = xp.ones_like(xp.take(flat, [0], axis=a))
        left = xp.cumprod(xp.concatenate([ones, xp.delete(flat, -1, axis=a)], axis=a), axis=a)
        rev = xp.flip(flat, axis=a)
        right = xp.cumprod(xp.concatenate([ones, xp.delete(rev, -1, axis=a)], axis=a), axis=a)
        others = (left * xp.flip(right, axis=a)).reshape(x.shape)
        axes = None if axis is None else (axis,)
        return _expand(gy, x.shape, axes, self.keepdims) * others


class LogSumExp(Function):
    """y = log(sum(exp(x))) over axes, shifted by the max for stability;  dy/dx = softmax(x)."""

    def __init__(self, axes, keepdims):
        self.axes, self.keepdims = axes, keepdims

    def forward(self, x):
        xp = self.xp
        m = x.max(axis=self.axes, keepdims=True)
        m = xp.where(xp.isfinite(m), m, 0)
        y = m + xp.log(xp.exp(x - m).sum(axis=self.axes, keepdims=True))
        y = y if self.keepdims else y.reshape(_reduced_shape(x.shape, self.axes))
        self.save_for_backward(x, y)  # the output itself, so higher orders see it depend on x
        return y

    def backward(self, gy):
        x, y = self.saved
        axes = self.axes or tuple(range(x.ndim))
        gy, y = (_expand(a, x.shape, axes, self.keepdims) for a in (gy, y))
        return gy * self.xp.exp(x - y)


# --- wrappers: PyTorch's and NumPy's argument names ---
def _keep(keepdim, keepdims):
    return bool(keepdims if keepdims is not None else keepdim)


def _no_out() -> None:
    """`out=` is in the signatures for NumPy's protocol (`np.sum(t)` passes out=None)."""
    raise NotImplementedError("out= is not supported here: use the returned tensor")


def sum(x, dim=None, keepdim=False, *, axis=None, keepdims=None, dtype=None, out=None) -> Tensor:
    """Sum over `dim` (an int, a tuple, or None for all)."""
    tensor_input(x, "sum")
    if out is not None:
        _no_out()
    if dtype is not None:
        x = x.to(dtype)
    return Sum(_axes(x.ndim, dim, axis), _keep(keepdim, keepdims))(x)


def mean(x, dim=None, keepdim=False, *, axis=None, keepdims=None, dtype=None, out=None) -> Tensor:
    """Mean over `dim` (an int, a tuple, or None for all), in `dtype` when given."""
    tensor_input(x, "mean")
    if out is not None:
        _no_out()
    if dtype is not None:
        x = x.to(dtype)
    if x.dtype.kind not in "fc":
        raise RuntimeError(
            f"mean(): could not infer output dtype. Input dtype must be floating point, got {x.dtype}"
        )
    return Mean(_axes(x.ndim, dim, axis), _keep(keepdim, keepdims))(x)


def _extreme(kind, x, dim, keepdim, axis, keepdims, result):
    tensor_input(x, kind)
    if not isinstance(dim, int) and isinstance(dim, Tensor):  # torch.max(a, b) is elementwise
        from .arith import maximum, minimum

        return (maximum if kind == "max" else minimum)(x, dim)
    axes = _axes(x.ndim, dim, axis)
    keep = _keep(keepdim, keepdims)
    if not isinstance(dim if dim is not None else axis, int):
        return Extreme(kind, axes, keep)(x)
    if x.ndim == 0:  # torch.max(scalar, 0) is (scalar, 0)
        return result(Extreme(kind, None, keep)(x), Tensor._wrap(np.zeros((), np.int64)))
    op = Extreme(kind, axes, keep, with_indices=True)
    values = op(x)

    def picked(_):  # the indices the op found (a compiled step runs this after the op again)
        indices = op.indices if keep else op.indices.squeeze(axes[0])
        return indices.astype(np.int64, copy=False)

    return result(values, array_op(picked, values._data))


def max(x, dim=None, keepdim=False, *, axis=None, keepdims=None, out=None):
    """Largest value; with an int `dim`, a (values, indices) pair as in PyTorch."""
    if out is not None:
        _no_out()
    return _extreme("max", x, dim, keepdim, axis, keepdims, MaxResult)


def min(x, dim=None, keepdim=False, *, axis=None, keepdims=None, out=None):
    """Smallest value; with an int `dim`, a (values, indices) pair as in PyTorch."""
    if out is not None:
        _no_out()
    return _extreme("min", x, dim, keepdim, axis, keepdims, MinResult)


def amax(x, dim=None, keepdim=False, *, axis=None, keepdims=None) -> Tensor:
    """Largest values over `dim` (values only; TensorFlow's reduce_max)."""
    tensor_input(x, "amax")
    return Extreme("max", _axes(x.ndim, dim, axis), _keep(keepdim, keepdims))(x)


def amin(x, dim=None, keepdim=False, *, axis=None, keepdims=None) -> Tensor:
    """Smallest values over `dim` (values only; TensorFlow's reduce_min)."""
    tensor_input(x, "amin")
    return Extreme("min", _axes(x.ndim, dim, axis), _keep(keepdim, keepdims))(x)


def prod(x, dim=None, keepdim=False, *, axis=None, keepdims=None) -> Tensor:
    """Product over one `dim`, or over all elements when None."""
    tensor_input(x, "prod")
    axes = _axes(x.ndim, dim, axis)
    if axes is not None and len(axes) > 1:
        raise ValueError(f"prod: reduce over one dim or all, got {axes}")
    return Prod(None if axes is None else axes[0], _keep(keepdim, keepdims))(x)


def logsumexp(x, dim=None, keepdim=False, *, axis=None, keepdims=None) -> Tensor:
    """log(sum(exp(x))) over `dim` without overflow (all elements when None)."""
    tensor_input(x, "logsumexp")
    return LogSumExp(_axes(x.ndim, dim, axis), _keep(keepdim, keepdims))(x)


def _arg(find, x, dim, keepdim, axis, keepdims):
    tensor_input(x, find)
    axes = _axes(x.ndim, dim, axis)  # checks the dim as PyTorch does
    a, keep = x._data, _keep(keepdim, keepdims)

    def indices(a):
        if axes is None:
            index = getattr(a.reshape(-1), find)().astype(np.int64)
            return index.reshape((1,) * a.ndim if keep else ())
        return getattr(a, find)(axis=axes[0], keepdims=keep).astype(np.int64)

    indices.__name__ = find
    return array_op(indices, a)


def argmax(x, dim=None, keepdim=False, *, axis=None, keepdims=None) -> Tensor:
    """Index of the largest value along `dim`/`axis` (flattened when None); no gradient."""
    return _arg("argmax", x, dim, keepdim, axis, keepdims)


def argmin(x, dim=None, keepdim=False, *, axis=None, keepdims=None) -> Tensor:
    """Index of the smallest value along `dim`/`axis` (flattened when None); no gradient."""
    return _arg("argmin", x, dim, keepdim, axis, keepdims)
