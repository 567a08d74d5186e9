"""tf.math: TensorFlow's names, defaults and argument orders for deepling's ops.

Every function converts its inputs by TensorFlow's rule (`convert_to_tensor`), calls ops of
the core, and shows the result as a TF tensor; no formula lives here. Names whose core op is
not in deepling yet (sign, round, floor, ceil, trigonometry beyond sin/cos/tanh, cumsum,
cumprod, top_k, reduce_euclidean_norm) are absent rather than approximated.
"""

from __future__ import annotations

import numpy as np

from .. import _backend, ops
from ..grad_mode import no_grad
from ..tensor import Tensor as _CoreTensor
from .tensor import Tensor, as_tf
from .variables import _tf_array, convert_to_tensor


def _t(x) -> _CoreTensor:
    return x if isinstance(x, _CoreTensor) else convert_to_tensor(x)


def _axis(axis):
    if axis is None or isinstance(axis, (int, np.integer)):
        return None if axis is None else int(axis)
    return tuple(int(a) for a in np.asarray(_tf_array(axis)).reshape(-1))


# --- reductions: axis=None reduces everything, keepdims=False ---
def reduce_sum(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """Sum over `axis` (an int, a list, or None for all).

    Example:
        >>> import deepling.tf as tf
        >>> tf.reduce_sum([[1, 2], [3, 4]], axis=0)
        <tf.Tensor: shape=(2,), dtype=int32, numpy=array([4, 6], dtype=int32)>
    """
    x = _t(input_tensor)
    out = ops.sum(x, axis=_axis(axis), keepdims=keepdims)
    if x._data.dtype.kind in "iub" and out._data.dtype != x._data.dtype:
        out = ops.cast(out, x._data.dtype if x._data.dtype.kind != "b" else _backend.int64)
    return as_tf(out)


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """Mean over `axis`; integer tensors give an integer mean (truncated), as in TF.

    Example:
        >>> import deepling.tf as tf
        >>> tf.reduce_mean([1.0, 2.0, 4.0]).numpy()
        array(2.3333333, dtype=float32)
    """
    x = _t(input_tensor)
    if not _backend.is_floating(x.dtype):
        y = np.mean(x._data, axis=_axis(axis), keepdims=keepdims)
        return Tensor._wrap(np.asarray(y).astype(x.dtype))
    return as_tf(ops.mean(x, axis=_axis(axis), keepdims=keepdims))


def reduce_max(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """Largest values over `axis` (values only; the gradient is split among ties)."""
    return as_tf(ops.amax(_t(input_tensor), axis=_axis(axis), keepdims=keepdims))


def reduce_min(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """Smallest values over `axis` (values only; the gradient is split among ties)."""
    return as_tf(ops.amin(_t(input_tensor), axis=_axis(axis), keepdims=keepdims))


def reduce_prod(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """Product over `axis`."""
    return as_tf(ops.prod(_t(input_tensor), axis=_axis(axis), keepdims=keepdims))


def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """log(sum(exp(x))) over `axis`, computed without overflow."""
    return as_tf(ops.logsumexp(_t(input_tensor), axis=_axis(axis), keepdims=keepdims))


def reduce_variance(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """Population variance (divided by n) over `axis`."""
    x = _t(input_tensor)
    return as_tf(ops.var(x, axis=_axis(axis), keepdims=keepdims, correction=0))


def reduce_std(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """Population standard deviation (divided by n) over `axis`."""
    x = _t(input_tensor)
    return as_tf(ops.std(x, axis=_axis(axis), keepdims=keepdims, correction=0))


def reduce_any(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """Logical or over `axis` (the largest of booleans)."""
    return as_tf(ops.amax(_bool(input_tensor), axis=_axis(axis), keepdims=keepdims))


def reduce_all(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """Logical and over `axis` (the smallest of booleans)."""
    return as_tf(ops.amin(_bool(input_tensor), axis=_axis(axis), keepdims=keepdims))


def _bool(x) -> _CoreTensor:
    x = _t(x)
    if x._data.dtype != np.bool_:
        raise TypeError(f"expected a bool tensor, got dtype {x._data.dtype}")
    return x


def count_nonzero(input, axis=None, keepdims=False, dtype=_backend.int64, name=None) -> Tensor:
    """How many entries along `axis` are not zero (int64 by default)."""
    nonzero = ops.ne(_t(input), 0)
    return cast(ops.sum(nonzero, axis=_axis(axis), keepdims=keepdims), dtype)


def argmax(input, axis=None, output_type=_backend.int64, name=None) -> Tensor:
    """Index of the largest value along `axis` (TF's default is axis 0, not the flattened array)."""
    found = ops.argmax(_t(input), axis=0 if axis is None else int(axis))
    return Tensor._wrap(found._data.astype(output_type, copy=False))


def argmin(input, axis=None, output_type=_backend.int64, name=None) -> Tensor:
    """Index of the smallest value along `axis` (default axis 0)."""
    found = ops.argmin(_t(input), axis=0 if axis is None else int(axis))
    return Tensor._wrap(found._data.astype(output_type, copy=False))


# --- elementwise ---
def _unary(op, tf_name, doc):
    def fn(x, name=None) -> Tensor:
        return as_tf(op(_t(x)))

    fn.__name__ = fn.__qualname__ = tf_name
    fn.__doc__ = doc
    return fn


def _binary(op, tf_name, doc):
    def fn(x, y, name=None) -> Tensor:
        x = _t(x)
        return as_tf(op(x, _t(y) if isinstance(y, (list, tuple)) else y))

    fn.__name__ = fn.__qualname__ = tf_name
    fn.__doc__ = doc
    return fn


square = _unary(ops.square, "square", "x * x elementwise.")
sqrt = _unary(ops.sqrt, "sqrt", "Square root elementwise.")
exp = _unary(ops.exp, "exp", "e ** x elementwise.")
expm1 = _unary(ops.expm1, "expm1", "e ** x - 1 elementwise, exact near 0.")
log1p = _unary(ops.log1p, "log1p", "log(1 + x) elementwise, exact near 0.")
erf = _unary(ops.erf, "erf", "The error function elementwise.")
log = _unary(ops.log, "log", "Natural logarithm elementwise.")
abs = _unary(ops.abs, "abs", "|x| elementwise.")  # noqa: A001
negative = _unary(ops.neg, "negative", "-x elementwise.")
sin = _unary(ops.sin, "sin", "Sine elementwise.")
cos = _unary(ops.cos, "cos", "Cosine elementwise.")
tanh = _unary(ops.tanh, "tanh", "Hyperbolic tangent elementwise.")
sigmoid = _unary(ops.sigmoid, "sigmoid", "1 / (1 + exp(-x)) elementwise.")
softplus = _unary(ops.softplus, "softplus", "log(1 + exp(x)) elementwise, without overflow.")
logical_not = _unary(ops.logical_not, "logical_not", "Elementwise not of a bool tensor.")
add = _binary(ops.add, "add", "x + y with broadcasting.")
subtract = _binary(ops.sub, "subtract", "x - y with broadcasting.")
multiply = _binary(ops.mul, "multiply", "x * y with broadcasting.")
divide = _binary(ops.div, "divide", "x / y with broadcasting.")
truediv = _binary(ops.div, "truediv", "x / y with broadcasting.")
pow = _binary(ops.pow, "pow", "x ** y with broadcasting.")  # noqa: A001
maximum = _binary(ops.maximum, "maximum", "Elementwise larger of x and y.")
minimum = _binary(ops.minimum, "minimum", "Elementwise smaller of x and y.")
equal = _binary(ops.eq, "equal", "x == y elementwise, as a bool tensor.")
not_equal = _binary(ops.ne, "not_equal", "x != y elementwise, as a bool tensor.")
greater = _binary(ops.gt, "greater", "x > y elementwise, as a bool tensor.")
greater_equal = _binary(ops.ge, "greater_equal", "x >= y elementwise, as a bool tensor.")
less = _binary(ops.lt, "less", "x < y elementwise, as a bool tensor.")
less_equal = _binary(ops.le, "less_equal", "x <= y elementwise, as a bool tensor.")
logical_and = _binary(ops.logical_and, "logical_and", "Elementwise and of bool tensors.")
logical_or = _binary(ops.logical_or, "logical_or", "Elementwise or of bool tensors.")
logical_xor = _binary(ops.logical_xor, "logical_xor", "Elementwise xor of bool tensors.")


def rsqrt(x, name=None) -> Tensor:
    """1 / sqrt(x) elementwise."""
    return as_tf(1.0 / ops.sqrt(_t(x)))


def reciprocal(x, name=None) -> Tensor:
    """1 / x elementwise."""
    return as_tf(1.0 / _t(x))


def log_sigmoid(x, name=None) -> Tensor:
    """log(sigmoid(x)) = -softplus(-x), without overflow."""
    return as_tf(ops.neg(ops.softplus(ops.neg(_t(x)))))


def squared_difference(x, y, name=None) -> Tensor:
    """(x - y) ** 2 elementwise."""
    return as_tf(ops.square(ops.sub(_t(x), _t(y))))


def divide_no_nan(x, y, name=None) -> Tensor:
    """x / y, and 0 where y is 0 (also in the gradient: no nan from the masked division)."""
    x, y = _t(x), _t(y)
    zero = ops.eq(y, 0)
    return as_tf(ops.where(zero, 0.0, x / ops.where(zero, 1.0, y)))


def add_n(inputs, name=None) -> Tensor:
    """The elementwise sum of a list of tensors of one shape."""
    inputs = [_t(x) for x in inputs]
    if not inputs:
        raise ValueError(
            "inputs must be a list of at least one Tensor with the same dtype and shape"
        )
    total = inputs[0]
    for x in inputs[1:]:
        total = ops.add(total, x)
    return as_tf(total if len(inputs) > 1 else ops.add(total, 0))


def cast(x, dtype, name=None) -> Tensor:
    """`x` with another dtype (floats to ints truncate toward zero, as in TF and NumPy)."""
    return as_tf(ops.cast(_t(x), _backend.to_dtype(dtype)))


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None) -> Tensor:
    """x / sqrt(max(sum(x ** 2, axis), epsilon)): unit L2 norm along `axis` (all by default)."""
    x = _t(x)
    axis = _axis(dim if axis is None else axis)
    squares = ops.sum(ops.square(x), axis=axis, keepdims=True)
    return as_tf(x / ops.sqrt(ops.maximum(squares, epsilon)))


# --- classification counts (no gradient) ---
def confusion_matrix(labels, predictions, num_classes=None, weights=None,
                     dtype=_backend.int32, name=None) -> Tensor:  # fmt: skip
    """Counts of (label, prediction) pairs: row = true class, column = predicted class.

    Computed as one_hot(labels).T @ (weights * one_hot(predictions)).

    Example:
        >>> import deepling.tf as tf
        >>> tf.math.confusion_matrix([1, 2, 4], [2, 2, 4]).numpy()[1:3, 1:3].tolist()
        [[0, 1], [0, 1]]
    """
    labels = np.asarray(_t(labels)._data).reshape(-1).astype(np.int64)
    preds = np.asarray(_t(predictions)._data).reshape(-1).astype(np.int64)
    if labels.shape != preds.shape:
        raise ValueError(f"labels {labels.shape} and predictions {preds.shape} differ in size")
    if labels.size and min(labels.min(), preds.min()) < 0:
        raise ValueError("`labels` and `predictions` must be non-negative")
    largest = int(max(labels.max(initial=-1), preds.max(initial=-1)))
    n = largest + 1 if num_classes is None else int(num_classes)
    if largest >= n:
        raise ValueError(f"`labels` and `predictions` must be less than num_classes={n}")
    eye = np.eye(n, dtype=np.float64)
    w = np.ones(len(labels)) if weights is None else np.asarray(_t(weights)._data, np.float64)
    with no_grad():
        counts = ops.matmul(Tensor._wrap(eye[labels].T), Tensor._wrap(eye[preds] * w[:, None]))
    return Tensor._wrap(counts._data.astype(_backend.to_dtype(dtype)))


def in_top_k(targets, predictions, k, name=None) -> Tensor:
    """Whether each row's target class is among its `k` largest predictions (ties at the
    boundary count as in; a non-finite target score is never in), as TF's in_top_k."""
    predictions, targets = _t(predictions), _t(targets)
    with no_grad():
        rows = np.arange(predictions.shape[0])
        score = ops.getitem(predictions, (rows, targets._data.astype(np.int64)))
        above = ops.sum(ops.gt(predictions, ops.unsqueeze(score, 1)), axis=1)
        finite = Tensor._wrap(np.isfinite(score._data))
    return as_tf(ops.logical_and(ops.lt(above, int(k)), finite))
