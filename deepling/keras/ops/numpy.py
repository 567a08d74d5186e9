"""keras.ops' NumPy names (elementwise math, reductions, shapes, products, creation), each a
row over deepling's ops with NumPy's arguments and meanings."""

from __future__ import annotations

import numpy as np

from ... import _backend, ops
from ...tensor import Tensor
from .core import _t, cast


def _axis(axis):
    return axis if axis is None or isinstance(axis, int) else tuple(axis)


# --- elementwise ---
def _unary(op, name):
    def fn(x):
        return op(_t(x))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"{name}(x) elementwise (over `{op.__name__}`)."
    return fn


def _binary(op, name):
    def fn(x1, x2):
        return op(_t(x1), x2 if isinstance(x2, (int, float)) else _t(x2))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"{name}(x1, x2) elementwise, broadcasting (over `{op.__name__}`)."
    return fn


abs = absolute = _unary(ops.abs, "abs")  # noqa: A001
negative = _unary(ops.neg, "negative")
square = _unary(ops.square, "square")
sqrt = _unary(ops.sqrt, "sqrt")
exp = _unary(ops.exp, "exp")
expm1 = _unary(ops.expm1, "expm1")
log = _unary(ops.log, "log")
log1p = _unary(ops.log1p, "log1p")
sin = _unary(ops.sin, "sin")
cos = _unary(ops.cos, "cos")
tanh = _unary(ops.tanh, "tanh")
erf = _unary(ops.erf, "erf")
logical_not = _unary(ops.logical_not, "logical_not")
add = _binary(ops.add, "add")
subtract = _binary(ops.sub, "subtract")
multiply = _binary(ops.mul, "multiply")
divide = true_divide = _binary(ops.div, "divide")
power = _binary(ops.pow, "power")
maximum = _binary(ops.maximum, "maximum")
minimum = _binary(ops.minimum, "minimum")
equal = _binary(ops.eq, "equal")
not_equal = _binary(ops.ne, "not_equal")
greater = _binary(ops.gt, "greater")
greater_equal = _binary(ops.ge, "greater_equal")
less = _binary(ops.lt, "less")
less_equal = _binary(ops.le, "less_equal")
logical_and = _binary(ops.logical_and, "logical_and")
logical_or = _binary(ops.logical_or, "logical_or")
logical_xor = _binary(ops.logical_xor, "logical_xor")


def reciprocal(x) -> Tensor:
    return 1.0 / _t(x)


def rsqrt(x) -> Tensor:
    return 1.0 / ops.sqrt(_t(x))


def clip(x, x_min, x_max) -> Tensor:
    """Values limited to [x_min, x_max]."""
    return ops.clamp(_t(x), x_min, x_max)


def where(condition, x1=None, x2=None) -> Tensor:
    """`x1` where `condition`, else `x2` (the one-argument form waits for the core's nonzero)."""
    if x1 is None or x2 is None:
        raise NotImplementedError("keras.ops.where needs x1 and x2 (nonzero is not available yet)")
    return ops.where(_t(condition), _t(x1), _t(x2))


# --- reductions (NumPy's: axis=None reduces everything) ---
def sum(x, axis=None, keepdims=False) -> Tensor:  # noqa: A001
    return ops.sum(_t(x), axis=_axis(axis), keepdims=keepdims)


def mean(x, axis=None, keepdims=False) -> Tensor:
    """The mean over `axis` (integer inputs give a float mean, as Keras).

    Example:
        >>> from deepling import keras
        >>> float(keras.ops.mean([1.0, 2.0, 6.0]))
        3.0
    """
    x = _t(x)
    x = x if x._data.dtype.kind == "f" else ops.cast(x, np.float32)
    return ops.mean(x, axis=_axis(axis), keepdims=keepdims)


def max(x, axis=None, keepdims=False, initial=None) -> Tensor:  # noqa: A001
    out = ops.amax(_t(x), axis=_axis(axis), keepdims=keepdims)
    return out if initial is None else ops.maximum(out, initial)


def min(x, axis=None, keepdims=False, initial=None) -> Tensor:  # noqa: A001
    out = ops.amin(_t(x), axis=_axis(axis), keepdims=keepdims)
    return out if initial is None else ops.minimum(out, initial)


def prod(x, axis=None, keepdims=False, dtype=None) -> Tensor:
    out = ops.prod(_t(x), axis=_axis(axis), keepdims=keepdims)
    return out if dtype is None else cast(out, dtype)


def var(x, axis=None, keepdims=False) -> Tensor:
    """Population variance (divided by n)."""
    return ops.var(_t(x), axis=_axis(axis), keepdims=keepdims, correction=0)


def std(x, axis=None, keepdims=False) -> Tensor:
    """Population standard deviation (divided by n)."""
    return ops.std(_t(x), axis=_axis(axis), keepdims=keepdims, correction=0)


def logsumexp(x, axis=None, keepdims=False) -> Tensor:
    return ops.logsumexp(_t(x), axis=_axis(axis), keepdims=keepdims)


def average(x, axis=None, weights=None) -> Tensor:
    """The (weighted) mean over `axis`; 1-D weights run along that axis."""
    x = _t(x)
    if weights is None:
        return mean(x, axis)
    w = _t(weights)
    if w.ndim == 1 and axis is not None and x.ndim > 1:
        w = ops.reshape(w, (-1,) + (1,) * (x.ndim - 1 - axis % x.ndim))
    return ops.sum(x * w, axis=_axis(axis)) / ops.sum(
        ops.broadcast_to(w, x.shape), axis=_axis(axis)
    )


def any(x, axis=None, keepdims=False) -> Tensor:  # noqa: A001
    """Logical or over `axis` (entries that are not 0 are True)."""
    return ops.amax(ops.ne(_t(x), 0), axis=_axis(axis), keepdims=keepdims)


def all(x, axis=None, keepdims=False) -> Tensor:  # noqa: A001
    """Logical and over `axis` (entries that are not 0 are True)."""
    return ops.amin(ops.ne(_t(x), 0), axis=_axis(axis), keepdims=keepdims)


def count_nonzero(x, axis=None) -> Tensor:
    return ops.sum(ops.ne(_t(x), 0), axis=_axis(axis))


def argmax(x, axis=None, keepdims=False) -> Tensor:
    """Index of the largest value along `axis` (of the flattened tensor by default)."""
    x = _t(x)
    return ops.argmax(ops.reshape(x, (-1,)) if axis is None else x, 0 if axis is None else axis,
                      keepdims and axis is not None)  # fmt: skip


def argmin(x, axis=None, keepdims=False) -> Tensor:
    x = _t(x)
    return ops.argmin(ops.reshape(x, (-1,)) if axis is None else x, 0 if axis is None else axis,
                      keepdims and axis is not None)  # fmt: skip


# --- shapes and products ---


def ndim(x) -> int:
    return _t(x).ndim


def size(x) -> int:
    return _t(x).numel()


def reshape(x, newshape) -> Tensor:
    return ops.reshape(_t(x), (newshape,) if isinstance(newshape, int) else tuple(newshape))


def transpose(x, axes=None) -> Tensor:
    x = _t(x)
    return ops.permute(x, *(range(x.ndim)[::-1] if axes is None else axes))


def expand_dims(x, axis) -> Tensor:
    return ops.unsqueeze(_t(x), axis)


def squeeze(x, axis=None) -> Tensor:
    x = _t(x)
    if axis is None:
        return ops.squeeze(x)
    axes = {a % x.ndim for a in ([axis] if isinstance(axis, int) else axis)}
    return ops.reshape(x, tuple(d for i, d in enumerate(x.shape) if i not in axes))


def broadcast_to(x, shape) -> Tensor:
    return ops.broadcast_to(_t(x), tuple(shape))


def concatenate(xs, axis=0) -> Tensor:
    return ops.cat([_t(x) for x in xs], axis)


def stack(x, axis=0) -> Tensor:
    return ops.stack([_t(v) for v in x], axis)


def split(x, indices_or_sections, axis=0) -> list:
    """NumPy's split: a number of equal pieces, or the indices to cut at."""
    x = _t(x)
    n = x.shape[axis]
    if isinstance(indices_or_sections, int):
        if n % indices_or_sections:
            raise ValueError(f"array split does not result in an equal division: {n} by "
                             f"{indices_or_sections}")  # fmt: skip
        sizes = [n // indices_or_sections] * indices_or_sections
    else:
        edges = [0, *indices_or_sections, n]
        sizes = [b - a for a, b in zip(edges, edges[1:])]
    return list(ops.split(x, sizes, axis))


def pad(x, pad_width, mode="constant", constant_values=None) -> Tensor:
    """Pad each dim by pad_width[d] = (before, after); constant mode only."""
    x = _t(x)
    if mode != "constant":
        raise NotImplementedError(f"keras.ops.pad: mode {mode!r} is not supported")
    widths = np.broadcast_to(np.asarray(pad_width, int).reshape(-1, 2), (x.ndim, 2))
    flat = [int(v) for pair in widths[::-1] for v in pair]
    return ops.pad(x, flat, value=0.0 if constant_values is None else float(constant_values))


def take(x, indices, axis=None) -> Tensor:
    """Entries of `x` at `indices` along `axis` (of the flattened `x` by default)."""
    x, index = _t(x), np.asarray(_t(indices)._data, np.int64)
    if axis is None:
        return ops.getitem(ops.reshape(x, (-1,)), index)
    return ops.getitem(x, (slice(None),) * (axis % x.ndim) + (index,))


def take_along_axis(x, indices, axis=None) -> Tensor:
    """NumPy's take_along_axis (PyTorch's gather)."""
    x, index = _t(x), _t(indices)
    if axis is None:
        return ops.gather(ops.reshape(x, (-1,)), 0, ops.reshape(index, (-1,)))
    return ops.gather(x, axis, index)


def matmul(x1, x2) -> Tensor:
    return ops.matmul(_t(x1), _t(x2))


def dot(x1, x2) -> Tensor:
    """NumPy's dot: a product for scalars, matmul otherwise."""
    x1, x2 = _t(x1), _t(x2)
    return x1 * x2 if x1.ndim == 0 or x2.ndim == 0 else ops.matmul(x1, x2)


def tensordot(x1, x2, axes=2) -> Tensor:
    """Sum of products over the last `axes` dims of x1 and the first of x2 (or lists)."""
    x1, x2 = _t(x1), _t(x2)
    if isinstance(axes, int):
        a_axes, b_axes = list(range(x1.ndim - axes, x1.ndim)), list(range(axes))
    else:
        a_axes, b_axes = ([a] if isinstance(a, int) else list(a) for a in axes)
    a_axes, b_axes = [a % x1.ndim for a in a_axes], [b % x2.ndim for b in b_axes]
    a_free = [i for i in range(x1.ndim) if i not in a_axes]
    b_free = [i for i in range(x2.ndim) if i not in b_axes]
    k = int(np.prod([x1.shape[i] for i in a_axes]))
    left = ops.reshape(ops.permute(x1, *a_free, *a_axes), (-1, k))
    right = ops.reshape(ops.permute(x2, *b_axes, *b_free), (k, -1))
    out_shape = tuple(x1.shape[i] for i in a_free) + tuple(x2.shape[i] for i in b_free)
    return ops.reshape(ops.matmul(left, right), out_shape)


# --- creation ---
def _dtype(dtype, default=np.float32):
    return _backend.to_dtype(dtype) or np.dtype(default)


def zeros(shape, dtype=None) -> Tensor:
    return Tensor._wrap(np.zeros(shape, _dtype(dtype)))


def ones(shape, dtype=None) -> Tensor:
    return Tensor._wrap(np.ones(shape, _dtype(dtype)))


def full(shape, fill_value, dtype=None) -> Tensor:
    value = np.asarray(fill_value)
    return Tensor._wrap(
        np.full(shape, value, _dtype(dtype, value.dtype if value.dtype.kind != "f" else np.float32))
    )


def zeros_like(x, dtype=None) -> Tensor:
    x = _t(x)
    return Tensor._wrap(np.zeros(x.shape, _dtype(dtype, x.dtype)))


def ones_like(x, dtype=None) -> Tensor:
    x = _t(x)
    return Tensor._wrap(np.ones(x.shape, _dtype(dtype, x.dtype)))


def full_like(x, fill_value, dtype=None) -> Tensor:
    x = _t(x)
    return Tensor._wrap(np.full(x.shape, fill_value, _dtype(dtype, x.dtype)))


def arange(start, stop=None, step=1, dtype=None) -> Tensor:
    """start, start + step, ... below stop: int32 for ints, float32 otherwise."""
    values = np.arange(start, stop, step) if stop is not None else np.arange(start)
    default = np.int32 if values.dtype.kind in "iu" else np.float32
    return Tensor._wrap(values.astype(_dtype(dtype, default)))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    values, step = np.linspace(start, stop, num, endpoint, retstep=True, axis=axis)
    out = Tensor._wrap(values.astype(_dtype(dtype)))
    return (out, step) if retstep else out


def eye(N, M=None, k=0, dtype=None) -> Tensor:  # noqa: N803 (NumPy's names)
    return Tensor._wrap(np.eye(N, M, k, dtype=_dtype(dtype)))


def identity(n, dtype=None) -> Tensor:
    return eye(n, dtype=dtype)
