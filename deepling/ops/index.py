"""Indexing with gradient: x[key] (slices, integer arrays, boolean masks) and gather."""

from __future__ import annotations

import numpy as np

from ..autograd.function import Function, ViewFunction
from ..tensor import Tensor
from ._checks import tensor_input
from .shape import _dim

__all__ = ["gather", "getitem"]


def _is_advanced(key) -> bool:
    """True when `key` holds an integer array or a list: indices may repeat, so add, don't assign."""
    parts = key if isinstance(key, tuple) else (key,)
    return any(not isinstance(k, (int, slice, type(None), type(Ellipsis))) for k in parts)


class GetItem(ViewFunction):
    """y = x[key];  dx = zeros with gy added at key (repeated indices add up)."""

    def __init__(self, key):
        self.key = key

    def forward(self, x):
        self.shape, self.dtype = x.shape, x.dtype
        return x[self.key]

    def backward(self, gy):
        return index_add(gy, self.key, self.shape)


class IndexAdd(Function):
    """y = zeros(shape) with x added at key (x[key]'s backward, so repeated indices add up);
    dy/dx = gy[key]. It makes every indexing op differentiable to any order."""

    def __init__(self, shape, key):
        self.shape, self.key = shape, key

    def forward(self, x):
        return _index_add_arrays(x, self.key, self.shape, self.xp)

    def backward(self, gy):
        return gy[self.key]


def index_add(g, key, shape):
    """zeros of `shape` with `g` added at `key`: on arrays, or as an op when `g` is a Tensor
    (a backward rule run for higher orders)."""
    if isinstance(g, Tensor):
        return IndexAdd(shape, key)(g)
    return _index_add_arrays(g, key, shape, np)


def _index_add_arrays(g, key, shape, xp):
    out = xp.zeros(shape, g.dtype)
    if _is_advanced(key):
        xp.add.at(out, key, g)
    else:
        out[key] = g
    return out


def _raw_key(key):
    """Tensors inside an index become their arrays; text is PyTorch's TypeError (NumPy's is an
    IndexError)."""
    if isinstance(key, Tensor):
        return key._data
    if isinstance(key, tuple):
        return tuple(_raw_key(k) if isinstance(k, (Tensor, str)) else k for k in key)
    if isinstance(key, str):
        raise TypeError(f"tensor indices must be integers, slices or tensors, not str: {key!r}")
    return key


def getitem(x, key) -> Tensor:
    return GetItem(_raw_key(key))(x)


class Gather(Function):
    """y[i][j] = x[i][index[i][j]] along dim (PyTorch's gather);  dx = gy added at index."""

    def __init__(self, dim, index):
        self.dim, self.index = dim, index

    def forward(self, x):
        self.shape = x.shape
        return self.xp.take_along_axis(x, self.index, self.dim)

    def backward(self, gy):
        return index_add(gy, along_axis(self.index, self.dim), self.shape)


def along_axis(index, axis) -> tuple:
    """The advanced key that picks `index` along `axis` (what take_along_axis reads)."""
    grid = list(np.indices(index.shape, sparse=True))
    grid[axis] = index
    return tuple(grid)


def gather(x, dim: int, index) -> Tensor:
    """Pick values along `dim` by `index` (int64, same rank as x), as torch.gather."""
    tensor_input(x, "gather")
    index = index._data if isinstance(index, Tensor) else index
    if not hasattr(index, "ndim"):
        raise TypeError(f"gather(): argument 'index' must be Tensor, not {type(index).__name__}")
    if index.ndim != x.ndim:
        raise RuntimeError(
            f"Index tensor must have the same number of dimensions as input tensor "
            f"(index {tuple(index.shape)}, input {tuple(x.shape)})"
        )
    dim = _dim(dim, x.ndim)
    if index.shape != x.shape:  # PyTorch reads only the index's extent in the other dims
        x = x[tuple(slice(0, n) if i != dim else slice(None) for i, n in enumerate(index.shape))]
    return Gather(dim, index)(x)
