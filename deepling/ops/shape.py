"""Shape ops: reshape/view transpose permute squeeze unsqueeze flatten expand cat stack split pad."""

from __future__ import annotations

from ..autograd.function import Function, ShapeError, ViewFunction
from ..tensor import Tensor
from ._checks import tensor_input

__all__ = [
    "broadcast_to",
    "cat",
    "chunk",
    "concat",
    "concatenate",
    "expand",
    "flatten",
    "pad",
    "permute",
    "reshape",
    "split",
    "squeeze",
    "stack",
    "transpose",
    "unsqueeze",
    "view",
]


def _dim(dim, ndim):
    """`dim` counted from 0, checked as PyTorch does (a 0-d tensor accepts 0 and -1)."""
    if not isinstance(dim, int) or isinstance(dim, bool):
        if not hasattr(dim, "__index__") or isinstance(dim, bool):  # NumPy ints are fine
            raise TypeError(f"argument 'dim' must be int, not {type(dim).__name__}")
        dim = int(dim)
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
        )
    return dim % n


def _sizes(args):
    """`f(2, 3)`, `f((2, 3))` and `f([2, 3])` all mean the shape (2, 3)."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(args[0])
    return tuple(int(a) for a in args)


class Reshape(ViewFunction):
    """y = x with a new shape;  dx = gy reshaped back (keep only the shape)."""

    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.in_shape = x.shape
        return x.reshape(self.shape)

    def backward(self, gy):
        return gy.reshape(self.in_shape)


class Permute(ViewFunction):
    """y = x with its axes reordered;  dx = gy with the inverse order."""

    def __init__(self, axes):
        self.axes = axes

    def forward(self, x):
        return x.transpose(self.axes)

    def backward(self, gy):
        inverse = [0] * len(self.axes)
        for i, a in enumerate(self.axes):
            inverse[a] = i
        return self.xp.transpose(gy, inverse)


class BroadcastTo(ViewFunction):
    """y = x broadcast to a larger shape;  dx = gy summed back (the engine does the sum)."""

    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        return self.xp.broadcast_to(x, self.shape)

    def backward(self, gy):
        return gy


class Concatenate(Function):
    """y = the inputs joined along an axis;  each input's gradient is its slice of gy."""

    def __init__(self, axis):
        self.axis = axis

    def forward(self, *xs):
        self.sizes = [x.shape[self.axis] for x in xs]
        return self.xp.concatenate(xs, axis=self.axis)

    def backward(self, gy):
        edges = []
        total = 0
        for n in self.sizes[:-1]:
            total += n
            edges.append(total)
        return tuple(self.xp.split(gy, edges, axis=self.axis))


class Pad(Function):
    """y = x with constant padding;  dx = the middle of gy."""

    def __init__(self, widths, value):
        self.widths, self.value = widths, value

    def forward(self, x):
        return self.xp.pad(x, self.widths, constant_values=self.value)

    def backward(self, gy):
        return gy[tuple(slice(lo, gy.shape[i] - hi) for i, (lo, hi) in enumerate(self.widths))]


# --- wrappers ---
def reshape(x, *shape) -> Tensor:
    """A tensor with the same data and a new shape; one dim may be -1."""
    tensor_input(x, "reshape")
    shape = _sizes(shape)
    if shape == x._data.shape:
        return x
    return Reshape(shape)(x)


view = reshape


def permute(x, *dims) -> Tensor:
    """Reorder the dims: `x.permute(2, 0, 1)` or `x.permute((2, 0, 1))`."""
    tensor_input(x, "permute")
    dims = tuple(_dim(d, x.ndim) for d in _sizes(dims)) if x.ndim else ()
    if len(dims) != x.ndim or sorted(dims) != list(range(x.ndim)):  # PyTorch: RuntimeError
        raise ShapeError(f"permute: dims {dims} are not a permutation of {x.ndim} dims")
    return Permute(dims)(x)


def transpose(x, dim0=None, dim1=None, *, perm=None) -> Tensor:
    """Swap two dims (PyTorch); with no dims (or TensorFlow's `perm`) reverse or reorder them all."""
    tensor_input(x, "transpose")
    if perm is not None:
        return permute(x, perm)
    if dim0 is None:
        return permute(x, tuple(reversed(range(x.ndim))))
    dim0, dim1 = _dim(dim0, x.ndim), _dim(dim1, x.ndim)
    if x.ndim == 0:  # torch allows swapping dim 0 (or -1) of a scalar with itself
        return x
    order = list(range(x.ndim))
    order[dim0], order[dim1] = order[dim1], order[dim0]
    return permute(x, order)


def squeeze(x, dim=None, *, axis=None) -> Tensor:
    """Drop size-1 dims (all, or `dim` if it has size 1, as PyTorch)."""
    tensor_input(x, "squeeze")
    dim = axis if dim is None else dim
    if dim is None:
        return reshape(x, tuple(n for n in x.shape if n != 1))
    dims = {_dim(d, x.ndim) for d in ((dim,) if isinstance(dim, int) else dim)}
    return reshape(x, tuple(n for i, n in enumerate(x.shape) if not (i in dims and n == 1)))


def unsqueeze(x, dim: int) -> Tensor:
    """Insert a size-1 dim at `dim` (negative counts from the end of the result)."""
    tensor_input(x, "unsqueeze")
    dim = _dim(dim, x.ndim + 1)
    return reshape(x, x.shape[:dim] + (1,) + x.shape[dim:])


expand_dims = unsqueeze


def flatten(x, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dims `start_dim` to `end_dim` (inclusive) into one; a 0-d tensor becomes (1,)."""
    tensor_input(x, "flatten")
    if x.ndim == 0:
        return reshape(x, (1,))
    start, end = _dim(start_dim, x.ndim), _dim(end_dim, x.ndim)
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    n = 1
    for d in x.shape[start : end + 1]:
        n *= d
    return reshape(x, x.shape[:start] + (n,) + x.shape[end + 1 :])


def broadcast_to(x, *shape) -> Tensor:
    """`x` repeated along new leading dims and size-1 dims to fill `shape`."""
    tensor_input(x, "broadcast_to")
    shape = _sizes(shape)
    if shape == x._data.shape:
        return x
    return BroadcastTo(shape)(x)


def expand(x, *sizes) -> Tensor:
    """Broadcast to `sizes`; -1 keeps that dim."""
    tensor_input(x, "expand")
    sizes = _sizes(sizes)
    lead = len(sizes) - x.ndim
    if lead < 0 or -1 in sizes[:lead]:
        raise ShapeError(f"expand: cannot expand shape {tuple(x.shape)} to {sizes}")
    shape = tuple(x.shape[i - lead] if n == -1 else n for i, n in enumerate(sizes))
    return broadcast_to(x, shape)


def cat(tensors, dim: int = 0, *, axis: int | None = None) -> Tensor:
    """Join tensors along an existing dim."""
    tensors = [t if isinstance(t, Tensor) else Tensor._wrap(t) for t in tensors]
    if not tensors:
        raise ValueError("cat: expected a non-empty list of tensors")
    for i, t in enumerate(tensors):
        if t.ndim == 0:
            raise ShapeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    return Concatenate(_dim(dim if axis is None else axis, tensors[0].ndim))(*tensors)


concatenate = concat = cat


def stack(tensors, dim: int = 0, *, axis: int | None = None) -> Tensor:
    """Join tensors of one shape along a new dim."""
    tensors = [t if isinstance(t, Tensor) else Tensor._wrap(t) for t in tensors]
    if not tensors:
        raise ValueError("stack: expected a non-empty list of tensors")
    for i, t in enumerate(tensors):
        if t.shape != tensors[0].shape:
            raise ShapeError(
                f"stack expects each tensor to be equal size, but got {list(tensors[0].shape)} "
                f"at entry 0 and {list(t.shape)} at entry {i}"
            )
    dim = _dim(dim if axis is None else axis, tensors[0].ndim + 1)
    return cat([unsqueeze(t, dim) for t in tensors], dim=dim)


def split(x, split_size_or_sections, dim: int = 0) -> tuple:
    """Split into chunks of one size (the last may be smaller) or of the given sizes; PyTorch's
    errors for a size that is not an int, negative, or 0 along a dim that is not empty."""
    tensor_input(x, "split")
    dim = _dim(dim, x.ndim)
    n = x.shape[dim]
    if isinstance(split_size_or_sections, int) and not isinstance(split_size_or_sections, bool):
        step = split_size_or_sections
        if step < 0 or (step == 0 and n):
            raise RuntimeError(
                f"split expects split_size be non-negative, but got split_size={step}"
                if step < 0
                else f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}"
            )
        sizes = [min(step, n - i) for i in range(0, n, step)] if step else [0]
    else:
        sizes = _sections(split_size_or_sections)
        if sum(sizes) != n:
            raise ShapeError(
                f"split: sizes {sizes} do not add up to {n} (dim {dim} of {tuple(x.shape)})"
            )
    out, start = [], 0
    lead = (slice(None),) * dim
    for size in sizes:
        out.append(x[lead + (slice(start, start + size),)])
        start += size
    return tuple(out)


def _sections(sizes) -> list:
    """split's list of sizes: non-negative ints, or PyTorch's TypeError / RuntimeError."""
    if not isinstance(sizes, (list, tuple)):
        raise TypeError(
            f"split(): argument 'split_size' must be int or list of ints, not {type(sizes).__name__}"
        )
    for i, size in enumerate(sizes):
        if not isinstance(size, int) or isinstance(size, bool):
            raise TypeError(
                "split_with_sizes(): argument 'split_sizes' must be tuple of ints, but found "
                f"element of type {type(size).__name__} at pos {i}"
            )
    if min(sizes, default=0) < 0:
        raise RuntimeError(
            "split_with_sizes expects split_sizes have only non-negative entries, but got "
            f"split_sizes={list(sizes)}"
        )
    return list(sizes)


def chunk(x, chunks: int, dim: int = 0) -> tuple:
    """At most `chunks` pieces of equal size along `dim` (the last may be smaller)."""
    tensor_input(x, "chunk")
    if not isinstance(chunks, int) or isinstance(chunks, bool):
        raise TypeError(f"chunk(): argument 'chunks' must be int, not {type(chunks).__name__}")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    n = x.shape[_dim(dim, x.ndim)]
    return split(x, -(-n // chunks), dim)


def pad(x, pad, mode: str = "constant", value: float = 0.0) -> Tensor:
    """Pad the last dims, PyTorch's order: (left, right) of the last dim, then the one before..."""
    tensor_input(x, "pad")
    if mode != "constant":
        raise NotImplementedError(f"pad: only mode='constant' is supported, got {mode!r}")
    if len(pad) % 2:  # ShapeError: PyTorch's RuntimeError, and the ValueError this was
        raise ShapeError(f"Padding length must be divisible by 2 (pad={tuple(pad)})")
    if len(pad) // 2 > x.ndim:
        raise ShapeError(
            "Padding length should be less than or equal to two times the input dimension but "
            f"got padding length {len(pad)} and input of dimension {x.ndim}"
        )
    widths = [(0, 0)] * x.ndim
    for i in range(len(pad) // 2):
        widths[x.ndim - 1 - i] = (int(pad[2 * i]), int(pad[2 * i + 1]))
    return Pad(tuple(widths), value)(x)
