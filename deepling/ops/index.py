"""Indexing with gradient: x[key] (slices, integer arrays, boolean masks), gather and
take_along_dim, index_select, masked_fill/masked_select, scatter/scatter_add; and nonzero.

A key of integer arrays, one per dim (`x[rows, cols]`), is TensorFlow's gather_nd."""

from __future__ import annotations

import numpy as np

from ..autograd.function import Function, ViewFunction
from ..tensor import Tensor
from ._checks import tensor_input
from .arith import Where
from .shape import _dim

__all__ = [
    "argwhere",
    "gather",
    "getitem",
    "index_select",
    "masked_fill",
    "masked_select",
    "nonzero",
    "scatter",
    "scatter_add",
    "take",
    "take_along_dim",
]


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


class CopySlices(Function):
    """y = x with y[key] = v, written into x's array (`x[key] = v` in grad mode, PyTorch's
    CopySlices);  dy/dx = gy with key zeroed, dy/dv = gy[key] (summed back to v's shape)."""

    def __init__(self, key, mask, value_ndim):
        self.key, self.mask, self.value_ndim = key, mask, value_ndim

    def backward(self, gy):
        gx = gv = None
        if self.needs_input_grad[0]:
            gx = self.xp.where(self.mask, self.xp.zeros((), gy.dtype), gy)
        if self.needs_input_grad[1]:
            gv = gy[self.key]
            if gv.ndim < self.value_ndim:  # NumPy drops v's leading 1s when it assigns
                gv = gv.reshape((1,) * (self.value_ndim - gv.ndim) + tuple(gv.shape))
        return gx, gv

    def name(self) -> str:  # PyTorch's names: index_put_ records advanced keys
        return "IndexPutBackward0" if _is_advanced(self.key) else "CopySlices"


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


def _index_array(index, name):
    array = index._data if isinstance(index, Tensor) else index
    if not hasattr(array, "ndim"):
        raise TypeError(f"{name}(): argument 'index' must be Tensor, not {type(index).__name__}")
    if array.dtype.kind not in "iu":
        raise RuntimeError(f"{name}(): Expected dtype int64 for index")
    return array


def take_along_dim(input, indices, dim=None) -> Tensor:
    """Values picked by `indices` along `dim`, the other dims broadcast between the two (over
    the flattened input when `dim` is None)."""
    tensor_input(input, "take_along_dim")
    index = _index_array(indices, "take_along_dim")
    if dim is None:
        return Gather(0, index.reshape(-1))(input.reshape(-1))
    dim = _dim(dim, input.ndim)
    if index.ndim != input.ndim:
        raise RuntimeError("torch.take_along_dim(): input and indices should have the same number of dimensions")  # fmt: skip
    shape = list(np.broadcast_shapes(*(
        tuple(1 if i == dim else n for i, n in enumerate(a.shape)) for a in (input, index))))  # fmt: skip
    x_shape = tuple(input.shape[dim] if i == dim else n for i, n in enumerate(shape))
    index = np.broadcast_to(index, tuple(index.shape[dim] if i == dim else n for i, n in enumerate(shape)))  # fmt: skip
    return Gather(dim, index)(input.expand(x_shape))


def take(input, index) -> Tensor:
    """The flattened input's values at `index` (of any shape, which the result takes)."""
    tensor_input(input, "take")
    return input.reshape(-1)[_index_array(index, "take")]


def index_select(input, dim: int, index) -> Tensor:
    """The slices at `index` (a vector of ints) along `dim`."""
    tensor_input(input, "index_select")
    index = _index_array(index, "index_select")
    if index.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    return input[(slice(None),) * _dim(dim, input.ndim) + (index.reshape(-1),)]


def _mask(mask, name):
    array = mask._data if isinstance(mask, Tensor) else np.asarray(mask)
    if array.dtype != np.bool_:
        raise RuntimeError(
            f"{name} only supports boolean masks, but got mask with dtype {array.dtype}"
        )
    return array


def masked_fill(input, mask, value) -> Tensor:
    """`input` with `value` (a number or a 0-d tensor, cast to input's dtype) where `mask` is
    True; gradients go to input where it is False, and to a tensor value where it is True."""
    tensor_input(input, "masked_fill")
    mask = _mask(mask, "masked_fill_")
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError(
                "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                f"{value.ndim} dimension(s)."
            )
        value = value.to(input.dtype)
    else:
        value = Tensor._wrap(np.asarray(value).astype(input.dtype))
    return Where()(mask, value, input)


def masked_select(input, mask) -> Tensor:
    """The values where `mask` (broadcast with input) is True, as a 1-D tensor."""
    tensor_input(input, "masked_select")
    mask = _mask(mask, "masked_select")
    shape = np.broadcast_shapes(input.shape, mask.shape)
    return input.expand(shape)[np.broadcast_to(mask, shape)]


class Scatter(Function):
    """y = x with src written at `index` along dim (PyTorch's scatter);  dx = gy where nothing
    was written, dsrc = gy at index (gathered)."""

    def __init__(self, dim, index):
        self.dim, self.key = dim, along_axis(index, dim)  # key[dim] is index

    def forward(self, x, src):
        y = x.copy()
        y[self.key] = src
        self.keep = np.ones(x.shape, bool)
        self.keep[self.key] = False
        return y

    def backward(self, gy):
        gx = gy * self.keep if self.needs_input_grad[0] else None
        return gx, (gy[self.key] if self.needs_input_grad[1] else None)


def _scatter_args(name, input, dim, index, src):
    tensor_input(input, name)
    index = _index_array(index, name)
    dim = _dim(dim, input.ndim)
    if index.ndim == 0 and input.ndim <= 1:  # `zeros(10).scatter_(0, tensor(3), value=1)`
        index = index.reshape(1)
        src = src.reshape(1) if isinstance(src, Tensor) else src
    if index.ndim != input.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    if isinstance(src, Tensor):
        if src.ndim != index.ndim:
            raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
        if src.shape != index.shape:  # PyTorch reads only the index's extent of src
            src = src[tuple(slice(0, n) for n in index.shape)]
        src = src.to(input.dtype)
    else:  # the value form: a number written at every index
        src = np.full(index.shape, src, input.dtype)
    return dim, index, src


def scatter(input, dim: int, index, src=None, *, value=None, reduce=None) -> Tensor:
    """`input` with `src` (a tensor, or a number: `value`) written at `index` along `dim`:
    `zeros(n, C).scatter(1, labels[:, None], 1.0)` is one-hot. `reduce='add'` adds instead."""
    src = value if src is None else src
    if reduce == "add":
        return scatter_add(input, dim, index, src)
    if reduce is not None:
        raise NotImplementedError(f"scatter: reduce={reduce!r} is not supported (only 'add')")
    dim, index, src = _scatter_args("scatter", input, dim, index, src)
    return Scatter(dim, index)(input, src)


def scatter_add(input, dim: int, index, src) -> Tensor:
    """`input` plus `src` added at `index` along `dim` (repeated indices add up)."""
    dim, index, src = _scatter_args("scatter_add", input, dim, index, src)
    if not isinstance(src, Tensor):
        src = Tensor._wrap(src)
    return input + index_add(src, along_axis(index, dim), tuple(input.shape))


def nonzero(input, *, as_tuple: bool = False):
    """The indices of the nonzero elements: an (n, ndim) int64 tensor, or one vector per dim
    with `as_tuple=True` (as `where(condition)`)."""
    tensor_input(input, "nonzero")
    a = input._data
    if as_tuple:
        return tuple(Tensor._wrap(i.astype(np.int64)) for i in np.nonzero(np.atleast_1d(a)))
    return Tensor._wrap(np.argwhere(a).astype(np.int64))


def argwhere(input) -> Tensor:
    """`nonzero(input)`: the indices of the nonzero elements, one row each."""
    return nonzero(input)
