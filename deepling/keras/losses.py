"""Keras losses: a per-sample loss (mean over the last axis), then a weighted mean over samples.

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
from ..ops import loss as _fused
from ..tensor import Tensor, to_array

EPSILON = 1e-7
_REDUCTIONS = ("sum_over_batch_size", "sum", "none", None, "mean", "mean_with_sample_weight")


def _as_tensor(y, like=None) -> Tensor:
    """A Tensor from y; float data takes `like`'s dtype (Keras casts targets to the loss dtype)."""
    array = y.data if isinstance(y, Tensor) else to_array(y)
    if like is not None and array.dtype.kind in "fb" and array.dtype != like.dtype:
        array = array.astype(like.dtype)
    return y if isinstance(y, Tensor) and array is y.data else Tensor._wrap(array)


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
    if y_true.dtype != y_pred.dtype:  # integer targets: a plain cast, nothing to differentiate
        y_true = (
            y_true.to(y_pred.dtype)
            if y_true.requires_grad
            else Tensor._wrap(y_true.data.astype(y_pred.dtype))
        )
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


# --- per-sample functions ---
def mean_squared_error(y_true, y_pred) -> Tensor:
    """mean((y_pred - y_true)**2) over the last axis."""
    y_true, y_pred = _float_pair(y_true, y_pred, broadcast=True)
    return ((y_pred - y_true) ** 2).mean(-1)


def mean_absolute_error(y_true, y_pred) -> Tensor:
    """mean(|y_pred - y_true|) over the last axis."""
    y_true, y_pred = _float_pair(y_true, y_pred, broadcast=True)
    return ops.abs(y_pred - y_true).mean(-1)


def huber(y_true, y_pred, delta: float = 1.0) -> Tensor:
    """0.5 e**2 where |e| <= delta, else delta |e| - 0.5 delta**2 (e = y_pred - y_true)."""
    y_true, y_pred = _float_pair(y_true, y_pred, broadcast=True)
    error = ops.abs(y_pred - y_true)
    small = ops.clamp(error, max=delta)  # quadratic up to delta, linear beyond
    return (0.5 * small * small + delta * (error - small)).mean(-1)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0) -> Tensor:
    """-(t log p + (1-t) log(1-p)), p clipped to [1e-7, 1-1e-7], mean over the last axis."""
    y_true, y_pred = _float_pair(y_true, y_pred)
    _check_probabilities(y_true, "binary_crossentropy")
    if label_smoothing:
        y_true = y_true * (1 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        return _fused.binary_cross_entropy_with_logits(y_pred, y_true, reduction="none").mean(-1)
    p = ops.clamp(y_pred, EPSILON, 1 - EPSILON)
    return -(y_true * ops.log(p) + (1 - y_true) * ops.log(1 - p)).mean(-1)


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
        warnings.warn("In loss categorical_crossentropy, expected y_pred.shape to be (batch_size, "
                      f"num_classes) with num_classes > 1. Received: y_pred.shape={tuple(y_pred.shape)}. "
                      "Consider using 'binary_crossentropy' if you only have 2 classes.",
                      SyntaxWarning, stacklevel=2)  # fmt: skip
    y_true = y_true.to(y_pred.dtype)
    if label_smoothing:
        y_true = y_true * (1 - label_smoothing) + label_smoothing / y_pred.shape[axis]
    if from_logits:
        return -(y_true * ops.log_softmax(y_pred, axis)).sum(axis)
    p = ops.clamp(y_pred / y_pred.sum(axis, keepdim=True), EPSILON, 1 - EPSILON)
    return -(y_true * ops.log(p)).sum(axis)


def sparse_categorical_crossentropy(
    y_true, y_pred, from_logits=False, ignore_class=None, axis=-1
) -> Tensor:
    """-log p[label], p = y_pred / sum(y_pred) clipped to [1e-7, 1-1e-7] (or softmax);
    0 where the label is `ignore_class`."""
    y_pred = _prediction(y_pred)
    labels = _sparse_labels(y_true, y_pred, ignore_class)
    keep = None if ignore_class is None else labels != ignore_class
    safe = labels if keep is None else np.where(keep, labels, 0)
    if from_logits:
        loss = _fused.cross_entropy(_classes_second(y_pred), Tensor._wrap(safe), reduction="none")
    else:
        p = ops.clamp(y_pred / y_pred.sum(-1, keepdim=True), EPSILON, 1 - EPSILON)
        loss = -ops.gather(ops.log(p), -1, Tensor._wrap(safe[..., None])).squeeze(-1)
    return loss if keep is None else loss * Tensor._wrap(keep.astype(y_pred.dtype))


def _sparse_labels(y_true, y_pred, ignore_class):
    """Integer class labels of shape y_pred.shape[:-1] ((N, 1) labels lose their last dim)."""
    labels = np.asarray(y_true.numpy() if isinstance(y_true, Tensor) else y_true)
    if labels.ndim == y_pred.ndim and labels.shape[-1] == 1:
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
    return _check_labels(labels, y_pred.shape[-1], ignore_class)


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
    t = y_true.data
    if t.size and not ((t >= 0) & (t <= 1)).all():
        raise ValueError(
            f"{name}: targets must lie in [0, 1], got values from {t.min()} to {t.max()}"
        )


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
_BUILTIN = (mean_squared_error, mean_absolute_error, huber, binary_crossentropy,
            categorical_crossentropy, sparse_categorical_crossentropy)  # fmt: skip


# the fast form of the per-sample losses that are means of a function of y_pred - y_true
_POINTWISE = {mean_squared_error: ops.square, mean_absolute_error: ops.abs}


# --- Loss objects ---
class Loss:
    """Per-sample `call(y_true, y_pred)`, reduced by `reduction` when the object is called."""

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        if reduction == "auto":  # Keras 2's name for the default
            reduction = "sum_over_batch_size"
        if reduction not in _REDUCTIONS:
            raise ValueError(
                f"Invalid value for argument `reduction`. Expected one of {_REDUCTIONS}. "
                f"Received: reduction={reduction!r}"
            )
        self.name, self.reduction = name or _snake(type(self).__name__), reduction
        self.dtype = dtype

    def call(self, y_true, y_pred) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} must define call(y_true, y_pred)")

    def __call__(self, y_true, y_pred, sample_weight=None) -> Tensor:
        y_pred = _prediction(y_pred)
        losses = self.call(_as_tensor(y_true, y_pred), y_pred)
        return reduce_weighted_values(losses, sample_weight, self.reduction)

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction}


def reduce_weighted_values(losses, sample_weight=None, reduction="sum_over_batch_size"):
    """Weight each sample's loss, then sum, average over the elements, or keep them."""
    weight = None
    if sample_weight is not None:
        weight = _as_tensor(sample_weight).to(losses.dtype)
        losses, weight = squeeze_or_expand_to_same_rank(losses, weight)
        losses = losses * weight.reshape(*weight.shape, *(1,) * (losses.ndim - weight.ndim))
    if reduction in ("none", None) or losses.ndim == 0:
        return losses
    total = losses.sum()
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and weight is not None:
        return total / float(weight.data.sum())
    return total / max(losses.numel(), 1)


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() and i else c.lower() for i, c in enumerate(name))


class LossFunctionWrapper(Loss):
    """A Loss from a per-sample function `fn(y_true, y_pred, **kwargs)`."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name or getattr(fn, "__name__", "loss"), reduction, dtype)
        self.fn, self.kwargs = fn, kwargs

    def __call__(self, y_true, y_pred, sample_weight=None) -> Tensor:
        pointwise = _POINTWISE.get(self.fn)
        if pointwise and sample_weight is None and self.reduction == "sum_over_batch_size":
            y_true, y_pred = _float_pair(y_true, y_pred, broadcast=True)
            if y_true.shape == y_pred.shape:  # then the mean of the per-sample means is the mean
                return pointwise(y_pred - y_true).mean()
        return super().__call__(y_true, y_pred, sample_weight)

    def call(self, y_true, y_pred) -> Tensor:
        if self.fn not in _BUILTIN:  # a user's function gets float tensors of one rank
            y_true, y_pred = squeeze_or_expand_to_same_rank(_as_tensor(y_true, y_pred), y_pred)
            y_true = y_true if y_true.dtype == y_pred.dtype else y_true.to(y_pred.dtype)
        return self.fn(y_true, y_pred, **self.kwargs)

    def get_config(self) -> dict:
        return {**super().get_config(), **self.kwargs}


class MeanSquaredError(LossFunctionWrapper):
    """mean((y_pred - y_true)**2)."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, reduction, name, dtype)


class MeanAbsoluteError(LossFunctionWrapper):
    """mean(|y_pred - y_true|)."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, reduction, name, dtype)


class Huber(LossFunctionWrapper):
    """Quadratic for errors up to `delta`, linear beyond."""

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss", dtype=None):
        super().__init__(huber, reduction, name, dtype, delta=delta)


class BinaryCrossentropy(LossFunctionWrapper):
    """Cross-entropy of 0/1 targets and probabilities (or logits)."""

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="binary_crossentropy", dtype=None):  # fmt: skip
        super().__init__(binary_crossentropy, reduction, name, dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)  # fmt: skip


class CategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy of one-hot (or soft) targets."""

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_crossentropy", dtype=None):  # fmt: skip
        super().__init__(categorical_crossentropy, reduction, name, dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)  # fmt: skip


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy of integer labels; with `ignore_class`, averages over the other labels."""

    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size",
                 name="sparse_categorical_crossentropy", dtype=None, axis=-1):  # fmt: skip
        super().__init__(sparse_categorical_crossentropy, reduction, name, dtype,
                         from_logits=from_logits, ignore_class=ignore_class, axis=axis)  # fmt: skip

    def __call__(self, y_true, y_pred, sample_weight=None) -> Tensor:
        total, ignore = super().__call__(y_true, y_pred, sample_weight), self.kwargs["ignore_class"]
        if ignore is None or self.reduction not in ("sum_over_batch_size", "mean"):
            return total
        # Keras masks ignored labels, so the mean is over the valid ones: sum / count(valid)
        labels = _sparse_labels(y_true, _prediction(y_pred), ignore)
        return total * (labels.size / max(int((labels != ignore).sum()), 1))


class _ModuleLoss(Loss):
    """A PyTorch-style loss module (`nn.CrossEntropyLoss()`) under Keras's argument order: it
    is called `module(input, target)`; (N, 1) integer labels become (N,) class indices."""

    def __init__(self, module):
        super().__init__(_snake(type(module).__name__))
        self.module = module

    def __call__(self, y_true, y_pred, sample_weight=None) -> Tensor:
        y_pred = _prediction(y_pred)
        target = Tensor._wrap(_module_target(y_true, y_pred))
        if sample_weight is None:
            return self.module(y_pred, target)
        reduction = getattr(self.module, "reduction", None)
        if reduction is None:
            name = type(self.module).__name__
            raise ValueError(f"{name} has no `reduction`: it cannot weigh samples (sample_weight)")
        self.module.reduction = "none"  # per-sample losses, weighted the Keras way
        try:
            losses = self.module(y_pred, target)
        finally:
            self.module.reduction = reduction
        return reduce_weighted_values(
            losses, sample_weight, "sum" if reduction == "sum" else "mean"
        )


def _module_target(y_true, y_pred):
    t = np.asarray(y_true.numpy() if isinstance(y_true, Tensor) else y_true)
    rank_one_less = t.ndim == y_pred.ndim - 1 and y_pred.shape[-1] == 1
    if t.dtype.kind in "iub":
        if t.ndim == y_pred.ndim and t.shape[-1] == 1 and y_pred.shape[-1] > 1:
            return t[..., 0].astype(np.int64)  # Keras-style (N, 1) labels -> class indices
        if not (rank_one_less or t.shape == tuple(y_pred.shape)):
            return t.astype(np.int64)
    t = t.astype(y_pred.dtype)  # 0/1 or real targets in the output's shape (BCE, MSE)
    return t[..., None] if rank_one_less else t


_BY_NAME = {
    "mse": mean_squared_error, "mean_squared_error": mean_squared_error,
    "mae": mean_absolute_error, "mean_absolute_error": mean_absolute_error,
    "huber": huber, "huber_loss": huber, "binary_crossentropy": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
}  # fmt: skip


def get(identifier) -> Loss:
    """A Loss from a name ('mse', 'binary_crossentropy', ...), a Loss (class or instance), a
    function f(y_true, y_pred), or a PyTorch-style loss module."""
    from ..nn.module import Module

    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if isinstance(identifier, Module):
        return _ModuleLoss(identifier)
    if isinstance(identifier, str):
        fn = _BY_NAME.get(identifier)
        if fn is None:
            raise ValueError(
                f"Unknown loss: {identifier!r}. Valid names: {', '.join(sorted(_BY_NAME))}"
            )
        return LossFunctionWrapper(fn, name=identifier)
    if callable(identifier):
        return LossFunctionWrapper(identifier)
    raise ValueError(f"Could not interpret loss identifier: {identifier!r}")
