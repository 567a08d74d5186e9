"""Rearranging values: repeat tile repeat_interleave flip roll, moving and swapping dims (t,
movedim, swapaxes), and taking parts (narrow select unbind unflatten).

All are compositions of the shape and indexing ops (reshape, broadcast, permute, x[key]), so
their gradients, to any order, are those ops' own.
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from ._checks import tensor_input
from .arith import add
from .shape import _dim, _sizes, broadcast_to, flatten, permute, reshape, transpose

__all__ = [
    "clone",
    "flip",
    "movedim",
    "moveaxis",
    "narrow",
    "numel",
    "repeat_interleave",
    "roll",
    "select",
    "swapaxes",
    "swapdims",
    "t",
    "tile",
    "unbind",
    "unflatten",
]


def clone(input, *, memory_format=None) -> Tensor:
    """A copy with its own memory; the gradient passes through."""
    tensor_input(input, "clone")
    if memory_format is not None:
        raise NotImplementedError("clone: memory_format is not supported (NumPy's layout only)")
    if input.requires_grad:
        return add(input, 0)
    return Tensor._wrap(input._data.copy())


def numel(input) -> int:
    """The number of elements."""
    tensor_input(input, "numel")
    return int(input._data.size)


def repeat(input, *sizes) -> Tensor:
    """The tensor repeated `sizes[i]` times along dim i (new leading dims for extra sizes), as
    `Tensor.repeat`: a broadcast over interleaved unit dims, then one reshape."""
    tensor_input(input, "repeat")
    sizes = _sizes(sizes)
    if len(sizes) < input.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions "
            "of tensor"
        )
    shape = (1,) * (len(sizes) - input.ndim) + tuple(input.shape)
    x = reshape(input, tuple(d for n in shape for d in (1, n)))
    x = broadcast_to(x, tuple(d for r, n in zip(sizes, shape) for d in (r, n)))
    return reshape(x, tuple(r * n for r, n in zip(sizes, shape)))


def tile(input, dims) -> Tensor:
    """`repeat` with fewer sizes than dims allowed (the leading dims repeat once)."""
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    return repeat(input, (1,) * (input.ndim - len(dims)) + dims)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None) -> Tensor:
    """Each element repeated `repeats` times in place (an int, or one count per element along
    `dim`); the input is flattened when `dim` is None. `repeat_interleave(counts)` alone gives
    0, 1, ... each repeated by its count."""
    tensor_input(input, "repeat_interleave")
    if repeats is None:  # the one-argument form: indices repeated by the counts in `input`
        counts = input._data
        return Tensor._wrap(np.repeat(np.arange(counts.size, dtype=np.int64), counts))
    if dim is None:
        input, dim = flatten(input), 0
    dim = _dim(dim, input.ndim)
    if isinstance(repeats, Tensor) and repeats.numel() == 1:
        repeats = int(repeats.item())
    if isinstance(repeats, int):
        shape = tuple(input.shape)
        x = reshape(input, shape[: dim + 1] + (1,) + shape[dim + 1 :])
        x = broadcast_to(x, shape[: dim + 1] + (repeats,) + shape[dim + 1 :])
        result = reshape(x, shape[:dim] + (shape[dim] * repeats,) + shape[dim + 1 :])
    else:
        counts = repeats._data if isinstance(repeats, Tensor) else np.asarray(repeats)
        if counts.shape != (input.shape[dim],):
            raise RuntimeError("repeats must have the same size as input along dim")
        index = np.repeat(np.arange(input.shape[dim]), counts)
        result = input[(slice(None),) * dim + (index,)]
    if output_size is not None and result.shape[dim] != output_size:
        raise RuntimeError(f"repeat_interleave: output_size {output_size} does not match")
    return result


def flip(input, *args, dims=None) -> Tensor:
    """The values in reverse order along `dims` (`flip(x, [0, 1])` or `x.flip(0, 1)`)."""
    tensor_input(input, "flip")
    dims = {_dim(d, input.ndim) for d in _sizes(args if dims is None else (dims,))}
    if not dims or input.ndim == 0:
        return clone(input)
    return input[tuple(slice(None, None, -1) if i in dims else slice(None)
                       for i in range(input.ndim))]  # fmt: skip


def roll(input, shifts, dims=None) -> Tensor:
    """Values shifted cyclically by `shifts` along `dims` (over the flattened tensor when
    `dims` is None, keeping the shape)."""
    tensor_input(input, "roll")
    if dims is None:
        if not isinstance(shifts, int) and len(shifts) != 1:
            raise RuntimeError("roll: with dims=None, give one shift")
        shift = shifts if isinstance(shifts, int) else shifts[0]
        return reshape(roll(flatten(input), shift, 0), tuple(input.shape))
    shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    if len(shifts) != len(dims):
        raise RuntimeError(
            f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}"
        )
    out = input
    for shift, d in zip(shifts, dims):
        d = _dim(d, input.ndim)
        n = input.shape[d]
        index = (np.arange(n) - shift) % n if n else np.arange(0)
        out = out[(slice(None),) * d + (index,)]
    return out


def movedim(input, source, destination) -> Tensor:
    """The dims at `source` moved to `destination` (ints or sequences), the rest in order."""
    tensor_input(input, "movedim")
    source = (source,) if isinstance(source, int) else tuple(source)
    destination = (destination,) if isinstance(destination, int) else tuple(destination)
    if len(source) != len(destination):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({list(source)} dims) should "
            f"contain the same number of dims as destination ({list(destination)} dims)"
        )
    n = input.ndim
    order = [None] * n
    for s, d in zip(source, destination):
        order[_dim(d, n)] = _dim(s, n)
    rest = iter(i for i in range(n) if i not in order)
    return permute(input, tuple(next(rest) if i is None else i for i in order))


moveaxis = movedim


def swapaxes(input, axis0: int, axis1: int) -> Tensor:
    """`transpose` under NumPy's name."""
    return transpose(input, axis0, axis1)


swapdims = swapaxes


def t(input) -> Tensor:
    """The transpose of a matrix; 0-d and 1-D tensors stay as they are."""
    tensor_input(input, "t")
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return transpose(input, 0, 1) if input.ndim == 2 else input


def narrow(input, dim: int, start, length: int) -> Tensor:
    """The `length` entries from `start` along `dim` (a view, as x[..., start:start+length])."""
    tensor_input(input, "narrow")
    dim = _dim(dim, input.ndim)
    n = input.shape[dim]
    start = int(start.item() if isinstance(start, Tensor) else start)
    start = start + n if start < 0 else start
    if not (0 <= start <= n and 0 <= length <= n - start):
        raise IndexError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return input[(slice(None),) * dim + (slice(start, start + length),)]


def select(input, dim: int, index: int) -> Tensor:
    """The slice at `index` along `dim`, which it removes."""
    tensor_input(input, "select")
    dim = _dim(dim, input.ndim)
    n = input.shape[dim]
    if not -n <= index < n:
        raise IndexError(
            f"select(): index {index} out of range for tensor of size {list(input.shape)} at "
            f"dimension {dim}"
        )
    return input[(slice(None),) * dim + (index,)]


def unbind(input, dim: int = 0) -> tuple:
    """The slices along `dim`, each without it."""
    tensor_input(input, "unbind")
    dim = _dim(dim, input.ndim)
    return tuple(select(input, dim, i) for i in range(input.shape[dim]))


def unflatten(input, dim: int, sizes) -> Tensor:
    """Dim `dim` split into `sizes` (one may be -1)."""
    tensor_input(input, "unflatten")
    dim = _dim(dim, input.ndim)
    shape = tuple(input.shape)
    return reshape(input, shape[:dim] + tuple(sizes) + shape[dim + 1 :])
