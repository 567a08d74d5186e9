"""tf.math: TensorFlow's names, defaults and argument orders for deepling's ops.

Every function converts its inputs by TensorFlow's rule (`convert_to_tensor`) and calls one
op of the core; no formula lives here.
"""

from __future__ import annotations

import numpy as np

from .. import _backend, ops
from ..tensor import Tensor
from .variables import convert_to_tensor


def _t(x) -> Tensor:
    return x if isinstance(x, Tensor) else convert_to_tensor(x)


# --- reductions: axis=None reduces everything, keepdims=False ---
def reduce_sum(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """Sum over `axis` (an int, a list, or None for all)."""
    return ops.sum(_t(input_tensor), axis=axis, keepdims=keepdims)


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """Mean over `axis`; integer tensors give an integer mean (truncated), as in TF.

    Example:
        >>> import deepling.tf as tf
        >>> tf.reduce_mean([1.0, 2.0, 4.0]).numpy()
        array(2.3333333, dtype=float32)
    """
    x = _t(input_tensor)
    if not _backend.is_floating(x.dtype):
        y = np.mean(x._data, axis=None if axis is None else _axis(axis), keepdims=keepdims)
        return Tensor._wrap(np.asarray(y).astype(x.dtype))
    return ops.mean(x, axis=axis, keepdims=keepdims)


def _axis(axis):
    return axis if isinstance(axis, int) else tuple(axis)


def reduce_max(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """Largest values over `axis` (values only; the gradient is split among ties)."""
    return ops.amax(_t(input_tensor), axis=axis, keepdims=keepdims)


def reduce_min(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    return ops.amin(_t(input_tensor), axis=axis, keepdims=keepdims)


def reduce_prod(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    return ops.prod(_t(input_tensor), axis=axis, keepdims=keepdims)


def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    return ops.logsumexp(_t(input_tensor), axis=axis, keepdims=keepdims)


def argmax(input, axis=None, output_type=_backend.int64, name=None) -> Tensor:
    """Index of the largest value along `axis` (TF's default is axis 0, not the flattened array)."""
    found = ops.argmax(_t(input), axis=0 if axis is None else axis)
    return Tensor._wrap(found._data.astype(output_type, copy=False))


def argmin(input, axis=None, output_type=_backend.int64, name=None) -> Tensor:
    """Index of the smallest value along `axis` (default axis 0)."""
    found = ops.argmin(_t(input), axis=0 if axis is None else axis)
    return Tensor._wrap(found._data.astype(output_type, copy=False))


# --- elementwise ---
def _unary(op, doc):
    def fn(x, name=None) -> Tensor:
        return op(_t(x))

    fn.__name__ = op.__name__
    fn.__doc__ = doc
    return fn


def _binary(op, tf_name, doc):
    def fn(x, y, name=None) -> Tensor:
        return op(_t(x), _t(y))

    fn.__name__ = tf_name
    fn.__doc__ = doc
    return fn


square = _unary(ops.square, "x * x elementwise.")
sqrt = _unary(ops.sqrt, "Square root elementwise.")
exp = _unary(ops.exp, "e ** x elementwise.")
expm1 = _unary(ops.expm1, "e ** x - 1 elementwise, exact near 0.")
log1p = _unary(ops.log1p, "log(1 + x) elementwise, exact near 0.")
erf = _unary(ops.erf, "The error function elementwise.")
log = _unary(ops.log, "Natural logarithm elementwise.")
abs = _unary(ops.abs, "|x| elementwise.")
negative = _unary(ops.neg, "-x elementwise.")
sin = _unary(ops.sin, "Sine elementwise.")
cos = _unary(ops.cos, "Cosine elementwise.")
tanh = _unary(ops.tanh, "Hyperbolic tangent elementwise.")
sigmoid = _unary(ops.sigmoid, "1 / (1 + exp(-x)) elementwise.")
add = _binary(ops.add, "add", "x + y with broadcasting.")
subtract = _binary(ops.sub, "subtract", "x - y with broadcasting.")
multiply = _binary(ops.mul, "multiply", "x * y with broadcasting.")
divide = _binary(ops.div, "divide", "x / y with broadcasting.")
pow = _binary(ops.pow, "pow", "x ** y with broadcasting.")
maximum = _binary(ops.maximum, "maximum", "Elementwise larger of x and y.")
minimum = _binary(ops.minimum, "minimum", "Elementwise smaller of x and y.")
equal = _binary(ops.eq, "equal", "x == y elementwise, as a bool tensor.")
not_equal = _binary(ops.ne, "not_equal", "x != y elementwise, as a bool tensor.")
greater = _binary(ops.gt, "greater", "x > y elementwise, as a bool tensor.")
less = _binary(ops.lt, "less", "x < y elementwise, as a bool tensor.")


# --- matrices, shapes, dtypes ---
def matmul(a, b, transpose_a=False, transpose_b=False, name=None) -> Tensor:
    """a @ b over the last two dims (leading dims are batch dims); optionally transposed first."""
    a, b = _t(a), _t(b)
    if transpose_a:
        a = ops.transpose(a, -1, -2)
    if transpose_b:
        b = ops.transpose(b, -1, -2)
    return ops.matmul(a, b)


def reshape(tensor, shape, name=None) -> Tensor:
    """The same values in a new shape; one entry of `shape` may be -1."""
    return ops.reshape(_t(tensor), tuple(int(n) for n in shape))


def transpose(a, perm=None, conjugate=False, name="transpose") -> Tensor:
    """Reorder the dims by `perm`; by default reverse them all."""
    a = _t(a)
    return ops.transpose(a, perm=tuple(range(a.ndim))[::-1] if perm is None else tuple(perm))


def concat(values, axis, name="concat") -> Tensor:
    """Join tensors along an existing axis (`axis` has no default, as in TF)."""
    return ops.cat([_t(v) for v in values], axis)


def stack(values, axis=0, name="stack") -> Tensor:
    """Join tensors along a new axis."""
    return ops.stack([_t(v) for v in values], axis)


def cast(x, dtype, name=None) -> Tensor:
    """`x` with another dtype (floats to ints truncate toward zero, as in TF and NumPy)."""
    return ops.cast(_t(x), dtype)
