"""Keras's per-sample loss functions (a mean over the last axis) and their input rules.

Keras brings targets and predictions to one rank first ((N,) labels meet (N, 1) outputs without
broadcasting to (N, N)), clips probabilities to [1e-7, 1 - 1e-7] before taking logs (no epsilon
inside the log, as Keras 3's TensorFlow backend), and its `sum_over_batch_size` reduction divides
by the number of samples even when weights are given. A PyTorch-style loss module given to
`compile` is called as `module(input, target)`.
"""

from __future__ import annotations

import warnings

import numpy as np

from .. import ops
from ..ops import crossentropy as _ce
from ..ops import loss as _loss
from ..ops.arith import cast as _cast
from ..tensor import Tensor, to_array
from .registry import Registry

EPSILON = 1e-7
LOSSES = Registry(
    "loss", module="keras.losses"
)  # the names compile(loss=...) and losses.get() accept
_REDUCTIONS = ("sum_over_batch_size", "sum", "none", None, "mean", "mean_with_sample_weight")


def _as_tensor(y, like=None) -> Tensor:
    """A Tensor from y; float data takes `like`'s dtype (Keras casts targets to the loss dtype)."""
    if isinstance(y, Tensor):  # cast by an op: a compiled step casts each batch's targets
        kind = y._data.dtype.kind
        if like is not None and kind in "fb" and y._data.dtype != like._data.dtype:
            return _cast(y, like._data.dtype)
        return y
    array = to_array(y)
    if like is not None and array.dtype.kind in "fb" and array.dtype != like.dtype:
        array = array.astype(like.dtype)
    return Tensor._wrap(array)


def _prediction(y_pred) -> Tensor:
    y_pred = _as_tensor(y_pred)
    return y_pred if y_pred.dtype.kind == "f" else y_pred.to("float32")


def squeeze_or_expand_to_same_rank(x1, x2):
    """Keras's rule: when ranks differ by one and the longer ends in 1, expand a rank-1 partner
    to (N, 1), otherwise drop the trailing 1. Works on Tensors and NumPy arrays."""
    if x1.ndim == x2.ndim + 1 and x1.shape[-1] == 1:
        return (x1, x2.reshape(*x2.shape, 1)) if x2.ndim == 1 else (x1.reshape(x1.shape[:-1]), x2)
    if x2.ndim == x1.ndim + 1 and x2.shape[-1] == 1:
        return (x1.reshape(*x1.shape, 1), x2) if x1.ndim == 1 else (x1, x2.reshape(x2.shape[:-1]))
    return x1, x2


def _float_pair(y_true, y_pred, broadcast=False):
    """Float target and prediction of one shape (with `broadcast`, a target that broadcasts to
    the prediction's shape, e.g. (N, 1) against (N, 10), as Keras's regression losses allow);
    a ValueError names both shapes otherwise."""
    y_pred = _prediction(y_pred)
    y_true = _as_tensor(y_true, y_pred)
    if y_true.dtype != y_pred.dtype:  # integer targets: a cast (an op, as above)
        y_true = _cast(y_true, y_pred._data.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    if y_true.shape != y_pred.shape and not (broadcast and _broadcasts(y_true, y_pred)):
        raise ValueError(
            f"Arguments `target` and `output` must have the same shape. Received: "
            f"target.shape={tuple(y_true.shape)}, output.shape={tuple(y_pred.shape)}"
        )
    return y_true, y_pred


def _broadcasts(y_true, y_pred) -> bool:
    try:
        return np.broadcast_shapes(y_true.shape, y_pred.shape) == tuple(y_pred.shape)
    except ValueError:
        return False


# --- per-sample functions: rows over the primitives of ops/loss.py and ops/crossentropy.py ---
@LOSSES.register("mean_squared_error", "mse")
def mean_squared_error(y_true, y_pred) -> Tensor:
    """mean((y_pred - y_true)**2) over the last axis."""
    y_true, y_pred = _float_pair(y_true, y_pred, broadcast=True)
    return _loss.squared_error(y_pred, y_true).mean(-1)


@LOSSES.register("mean_absolute_error", "mae")
def mean_absolute_error(y_true, y_pred) -> Tensor:
    """mean(|y_pred - y_true|) over the last axis."""
    y_true, y_pred = _float_pair(y_true, y_pred, broadcast=True)
    return _loss.absolute_error(y_pred, y_true).mean(-1)


@LOSSES.register("huber", "huber_loss")
def huber(y_true, y_pred, delta: float = 1.0) -> Tensor:
    """0.5 e**2 where |e| <= delta, else delta |e| - 0.5 delta**2 (e = y_pred - y_true)."""
    y_true, y_pred = _float_pair(y_true, y_pred, broadcast=True)
    return _loss.huber(y_pred, y_true, delta).mean(-1)


@LOSSES.register("binary_crossentropy")
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1) -> Tensor:
    """-(t log p + (1-t) log(1-p)), p clipped to [1e-7, 1-1e-7], mean over `axis`."""
    y_true, y_pred = _float_pair(y_true, y_pred)
    _check_probabilities(y_true, "binary_crossentropy")
    if label_smoothing:
        y_true = y_true * (1 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        return _loss.bce_with_logits(y_pred, y_true).mean(axis)
    return _loss.bce(y_pred, y_true, clip=EPSILON).mean(axis)


@LOSSES.register("categorical_crossentropy")
def categorical_crossentropy(
    y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1
) -> Tensor:
    """-sum(t log p) with p = y_pred / sum(y_pred) clipped to [1e-7, 1-1e-7] (or softmax)."""
    y_pred = _prediction(y_pred)
    y_true = _as_tensor(y_true, y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"Arguments `target` and `output` must have the same shape. Received: "
            f"target.shape={tuple(y_true.shape)}, output.shape={tuple(y_pred.shape)}. For "
            "integer labels use sparse_categorical_crossentropy, or one-hot them with "
            "keras.utils.to_categorical."
        )
    if y_pred.shape[-1] == 1:  # Keras's warning, word for word
        warnings.warn(
            "In loss categorical_crossentropy, expected y_pred.shape to be (batch_size, "
            f"num_classes) with num_classes > 1. Received: y_pred.shape={tuple(y_pred.shape)}. "
            "Consider using 'binary_crossentropy' if you only have 2 classes.",
            SyntaxWarning,
            stacklevel=2,
        )
    y_true = y_true.to(y_pred.dtype)
    if label_smoothing:
        y_true = y_true * (1 - label_smoothing) + label_smoothing / y_pred.shape[axis]
    return _ce.soft_cross_entropy(_log_probabilities(y_pred, from_logits, axis), y_true, dim=axis)


@LOSSES.register("sparse_categorical_crossentropy")
def sparse_categorical_crossentropy(
    y_true, y_pred, from_logits=False, ignore_class=None, axis=-1
) -> Tensor:
    """-log p[label], p = y_pred / sum(y_pred) clipped to [1e-7, 1-1e-7] (or softmax);
    0 where the label is `ignore_class`. `axis` is y_pred's class axis."""
    y_pred = _prediction(y_pred)
    if y_pred.ndim == 0:
        raise ValueError(f"y_pred must have a class axis, got a scalar of shape {y_pred.shape}")
    if axis % y_pred.ndim != y_pred.ndim - 1:  # classes last, as the rest of this expects
        n = y_pred.ndim
        y_pred = y_pred.permute(*[d for d in range(n) if d != axis % n], axis % n)
    labels = _sparse_labels(y_true, y_pred, ignore_class)
    if from_logits:  # the fused softmax cross-entropy wants the classes in dim 1
        ignore = -100 if ignore_class is None else ignore_class
        return _ce.softmax_cross_entropy(_classes_second(y_pred), labels, ignore_index=ignore)
    logp = _log_probabilities(y_pred, False, -1)
    return _ce.nll(logp, labels, ignore_index=ignore_class, dim=-1)[0]


def _log_probabilities(y_pred, from_logits, axis):
    """log_softmax of logits, or Keras's log of probabilities normalized and clipped."""
    if from_logits:
        return ops.log_softmax(y_pred, axis)
    return ops.log(ops.clamp(y_pred / y_pred.sum(axis, keepdim=True), EPSILON, 1 - EPSILON))


def _sparse_labels(y_true, y_pred, ignore_class):
    """Integer class labels of shape y_pred.shape[:-1] ((N, 1) labels lose their last dim)."""
    labels = np.asarray(y_true._data if isinstance(y_true, Tensor) else y_true)
    squeeze = labels.ndim == y_pred.ndim and labels.shape[-1] == 1
    if squeeze:
        labels = labels[..., 0]
    if labels.shape == tuple(y_pred.shape) and labels.shape[-1] > 1:
        raise ValueError(
            f"sparse_categorical_crossentropy takes integer class labels, but received targets "
            f"of shape {labels.shape}, the output's shape (one-hot?). Use "
            "categorical_crossentropy for one-hot targets, or pass labels of shape "
            f"{tuple(y_pred.shape[:-1])}."
        )
    if labels.shape != tuple(y_pred.shape[:-1]):
        raise ValueError(
            f"Arguments `target` and `output` must have the same shape up until the last "
            f"dimension: target.shape={labels.shape}, output.shape={tuple(y_pred.shape)}. "
            "sparse_categorical_crossentropy takes integer labels; for one-hot labels use "
            "categorical_crossentropy."
        )
    checked = _check_labels(labels, y_pred.shape[-1], ignore_class)
    if not isinstance(y_true, Tensor):
        return checked
    # the same labels through ops, so that a compiled step takes each batch's labels
    return _cast(y_true.reshape(labels.shape) if squeeze else y_true, np.int64)


def _classes_second(y_pred):
    """PyTorch's cross_entropy wants classes in dim 1; Keras keeps them last."""
    n = y_pred.ndim
    return y_pred if n <= 2 else y_pred.permute(0, n - 1, *range(1, n - 1))


def _check_labels(labels, num_classes, ignore_class):
    if labels.dtype.kind == "f":
        if not np.all(labels == np.round(labels)):
            bad = labels[labels != np.round(labels)].reshape(-1)[0]
            raise ValueError(
                f"sparse_categorical_crossentropy: labels must be whole numbers (class "
                f"indices); got {bad}"
            )
    elif labels.dtype.kind not in "iub":
        raise ValueError(f"sparse_categorical_crossentropy: labels of dtype {labels.dtype}")
    labels = labels.astype(np.int64)
    valid = labels if ignore_class is None else labels[labels != ignore_class]
    if valid.size and (valid.min() < 0 or valid.max() >= num_classes):
        bad = valid[(valid < 0) | (valid >= num_classes)][0]
        raise ValueError(
            f"Received a label value of {bad} which is outside the valid range of "
            f"[0, {num_classes}) for a model with {num_classes} outputs."
        )
    return labels


def _check_probabilities(y_true, name):
    t = y_true._data
    if t.size and not ((t >= 0) & (t <= 1)).all():
        raise ValueError(
            f"{name}: targets must lie in [0, 1], got values from {t.min()} to {t.max()}"
        )


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error

# per-sample losses that are means of an elementwise primitive: unweighted, their batch mean
# is the primitive's mean (one reduction instead of two)
ELEMENTWISE = {mean_squared_error: _loss.squared_error, mean_absolute_error: _loss.absolute_error}
