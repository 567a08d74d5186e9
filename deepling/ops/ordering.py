"""Order: sort argsort topk median, unique and bincount.

Sorted values are picked from the input with `gather`, so their gradient flows back to the
positions they came from (to any order); indices, unique values and counts carry none.
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import array_op
from ..tensor import Tensor
from ._checks import tensor_input
from ._results import result_type
from .index import gather
from .shape import _dim

__all__ = ["argsort", "bincount", "median", "msort", "sort", "topk", "unique"]

SortResult = result_type("sort")
TopkResult = result_type("topk")
MedianResult = result_type("median")


def _order(a, axis, descending, stable):
    """Indices that sort `a` along `axis` (NaN last ascending, first descending: PyTorch)."""
    if a.ndim == 0:
        return np.zeros((), np.int64)
    if not descending:
        return np.argsort(a, axis=axis, kind="stable" if stable else None)
    if a.dtype.kind == "b" or a.dtype.kind == "u":
        a = a.astype(np.int64)  # negation below must not wrap around
    if a.dtype.kind == "f":  # -nan is nan: put NaNs first by hand, as the largest
        key = np.where(np.isnan(a), -np.inf, -a)
        nans = np.isnan(a)
        order = np.argsort(key, axis=axis, kind="stable")
        first = np.argsort(~np.take_along_axis(nans, order, axis), axis=axis, kind="stable")
        return np.take_along_axis(order, first, axis)
    return np.argsort(-a, axis=axis, kind="stable")


def _picked(x, dim, index):
    """x's values at `index` along dim, differentiable (a 0-d x is its own value)."""
    if x.ndim == 0:
        return x if index.ndim == 0 else x.reshape(1)[index]
    return gather(x, dim, index if isinstance(index, Tensor) else Tensor._wrap(index))


def sort(input, dim: int = -1, descending: bool = False, stable: bool = False):
    """(values, indices) sorted along `dim`; the values' gradient returns to where they were."""
    tensor_input(input, "sort")
    dim = _dim(dim, input.ndim)

    def order(a):
        return _order(a, dim, descending, stable).astype(np.int64, copy=False)

    index = array_op(order, input._data)
    return SortResult(_picked(input, dim, index._data if input.ndim == 0 else index), index)


def argsort(input, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
    """The indices that sort `input` along `dim` (int64, no gradient)."""
    return sort(input, dim, descending, stable).indices


def msort(input) -> Tensor:
    """The values sorted along the first dim."""
    return sort(input, 0).values


def topk(input, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):
    """(values, indices) of the k largest (or smallest) along `dim`, largest first."""
    tensor_input(input, "topk")
    dim = _dim(dim, input.ndim)
    n = input.shape[dim] if input.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError("selected index k out of range")

    def first_k(a):
        index = _order(a, dim, largest, stable=True)
        return (np.take(index, np.arange(k), axis=dim) if a.ndim else index).astype(np.int64)

    index = array_op(first_k, input._data)
    return TopkResult(_picked(input, dim, index._data if input.ndim == 0 else index), index)


def median(input, dim=None, keepdim: bool = False):
    """The lower median of all elements, or (values, indices) along `dim` (PyTorch's: the
    smaller of the two middle values of an even count, no averaging)."""
    tensor_input(input, "median")
    if dim is None:
        flat = input.reshape(-1)
        if flat.shape[0] == 0:
            return Tensor._wrap(np.asarray(np.nan, input.dtype))
        return sort(flat).values[(flat.shape[0] - 1) // 2]
    dim = _dim(dim, input.ndim)
    values, indices = sort(input, dim)
    middle = ((input.shape[dim] if input.ndim else 1) - 1) // 2
    key = (slice(None),) * dim + (slice(middle, middle + 1) if keepdim else middle,)
    if input.ndim == 0:
        return MedianResult(input, Tensor._wrap(np.zeros((), np.int64)))
    return MedianResult(values[key], indices[key])


def unique(input, sorted: bool = True, return_inverse: bool = False,
           return_counts: bool = False, dim=None):  # fmt: skip
    """The distinct values (sorted), and optionally where each element went (`inverse`, of
    the input's shape) and how often each value occurs; along `dim`, distinct slices."""
    tensor_input(input, "unique")
    a = input._data
    axis = None if dim is None else _dim(dim, a.ndim)
    values, inverse, counts = np.unique(a, return_inverse=True, return_counts=True, axis=axis)
    inverse = inverse.reshape(a.shape if axis is None else (a.shape[axis],))
    out = [Tensor._wrap(values)]
    if return_inverse:
        out.append(Tensor._wrap(inverse.astype(np.int64)))
    if return_counts:
        out.append(Tensor._wrap(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def bincount(input, weights=None, minlength: int = 0) -> Tensor:
    """How often each of 0, 1, ..., max(input) occurs in a 1-D tensor of non-negative
    integers (int64), or the sums of `weights` per value (in the weights' float dtype)."""
    tensor_input(input, "bincount")
    a = input._data
    if a.dtype.kind not in "iub":
        raise NotImplementedError(f"\"bincount_cpu\" not implemented for '{a.dtype}'")
    if a.ndim != 1 or (a.size and a.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is None:
        return Tensor._wrap(np.bincount(a, minlength=minlength).astype(np.int64))
    w = weights._data if isinstance(weights, Tensor) else np.asarray(weights)
    dtype = w.dtype if w.dtype.kind == "f" else np.float64
    return Tensor._wrap(np.bincount(a, weights=w, minlength=minlength).astype(dtype))
