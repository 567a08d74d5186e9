"""Keras losses: a per-sample loss (mean over the last axis), then a weighted mean over samples.

Keras brings targets and predictions to one rank first ((N,) labels meet (N, 1) outputs without
broadcasting to (N, N)), clips probabilities to [1e-7, 1 - 1e-7] before taking logs, and its
`sum_over_batch_size` reduction divides by the number of samples even when weights are given.
"""

from __future__ import annotations

import numpy as np

from .. import ops
from ..ops import loss as _fused
from ..tensor import Tensor, to_array

EPSILON = 1e-7


def _as_tensor(y, like=None) -> Tensor:
    if isinstance(y, Tensor):
        return y
    array = to_array(y)
    if like is not None and array.dtype.kind == "f":
        array = array.astype(like.dtype, copy=False)
    return Tensor._wrap(array)


def _same_rank(y_true: Tensor, y_pred: Tensor):
    if y_true.ndim == y_pred.ndim - 1 and y_pred.shape[-1] == 1:
        y_true = y_true.reshape(*y_true.shape, 1)
    elif y_pred.ndim == y_true.ndim - 1 and y_true.shape[-1] == 1:
        y_pred = y_pred.reshape(*y_pred.shape, 1)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"Arguments `target` and `output` must have the same shape. Received: "
            f"target.shape={tuple(y_true.shape)}, output.shape={tuple(y_pred.shape)}"
        )
    return y_true, y_pred


def _float_target(y_true, y_pred):
    y_true = _as_tensor(y_true, y_pred)
    if y_true.dtype != y_pred.dtype:
        y_true = y_true.to(y_pred.dtype)
    return _same_rank(y_true, y_pred)


# --- per-sample functions ---
def mean_squared_error(y_true, y_pred) -> Tensor:
    y_true, y_pred = _float_target(y_true, y_pred)
    return ((y_pred - y_true) ** 2).mean(-1)


def mean_absolute_error(y_true, y_pred) -> Tensor:
    y_true, y_pred = _float_target(y_true, y_pred)
    return ops.abs(y_pred - y_true).mean(-1)


def huber(y_true, y_pred, delta: float = 1.0) -> Tensor:
    y_true, y_pred = _float_target(y_true, y_pred)
    error = ops.abs(y_pred - y_true)
    small = ops.clamp(error, max=delta)  # quadratic up to delta, linear beyond
    return (0.5 * small * small + delta * (error - small)).mean(-1)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0) -> Tensor:
    y_true, y_pred = _float_target(y_true, y_pred)
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
    y_true = _as_tensor(y_true, y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"categorical_crossentropy: targets of shape {tuple(y_true.shape)} do not match "
            f"predictions of shape {tuple(y_pred.shape)}. For integer labels use "
            "sparse_categorical_crossentropy, or one-hot them with keras.utils.to_categorical."
        )
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
    labels = np.asarray(y_true.numpy() if isinstance(y_true, Tensor) else y_true)
    if labels.ndim == y_pred.ndim and labels.shape[-1] == 1:
        labels = labels[..., 0]
    if labels.shape != tuple(y_pred.shape[:-1]):
        raise ValueError(
            f"sparse_categorical_crossentropy expects integer labels of shape "
            f"{tuple(y_pred.shape[:-1])} for predictions of shape {tuple(y_pred.shape)}; got "
            f"labels of shape {labels.shape}. For one-hot labels use categorical_crossentropy."
        )
    labels = _check_labels(labels, y_pred.shape[-1], ignore_class)
    keep = None if ignore_class is None else labels != ignore_class
    safe = labels if keep is None else np.where(keep, labels, 0)
    if from_logits:
        loss = _fused.cross_entropy(_classes_second(y_pred), Tensor._wrap(safe), reduction="none")
    else:
        p = ops.clamp(y_pred / y_pred.sum(-1, keepdim=True), EPSILON, 1 - EPSILON)
        loss = -ops.gather(ops.log(p), -1, Tensor._wrap(safe[..., None])).squeeze(-1)
    return loss if keep is None else loss * Tensor._wrap(keep.astype(y_pred.dtype))


def _classes_second(y_pred):
    """PyTorch's cross_entropy wants classes in dim 1; Keras keeps them last."""
    return (
        y_pred
        if y_pred.ndim <= 2
        else y_pred.permute(0, y_pred.ndim - 1, *range(1, y_pred.ndim - 1))
    )


def _check_labels(labels, num_classes, ignore_class):
    if labels.dtype.kind == "f":
        if not np.all(labels == np.round(labels)):
            raise ValueError(
                "sparse_categorical_crossentropy: labels must be whole numbers (class indices)"
            )
        labels = labels.astype(np.int64)
    valid = labels if ignore_class is None else labels[labels != ignore_class]
    if valid.size and (valid.min() < 0 or valid.max() >= num_classes):
        bad = valid[(valid < 0) | (valid >= num_classes)][0]
        raise ValueError(
            f"Received a label value of {bad} which is outside the valid range of "
            f"[0, {num_classes}) for a model with {num_classes} outputs."
        )
    return labels.astype(np.int64, copy=False)


def _check_probabilities(y_true, name):
    t = y_true.data
    if t.size and (t.min() < 0 or t.max() > 1):
        raise ValueError(
            f"{name}: targets must lie in [0, 1], got values from {t.min()} to {t.max()}"
        )


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error


# --- Loss objects ---
class Loss:
    """Per-sample `call(y_true, y_pred)`, reduced by `reduction` when the object is called."""

    def __init__(self, name=None, reduction="sum_over_batch_size", **kwargs):
        if reduction not in ("sum_over_batch_size", "sum", "none", None, "auto", "mean"):
            raise ValueError(f"Invalid value for argument `reduction`: {reduction!r}")
        self.name, self.reduction, self.kwargs = (
            name or _snake(type(self).__name__),
            reduction,
            kwargs,
        )

    def call(self, y_true, y_pred) -> Tensor:
        return self.fn(y_true, y_pred, **self.kwargs)

    def __call__(self, y_true, y_pred, sample_weight=None) -> Tensor:
        losses = self.call(y_true, y_pred)
        if sample_weight is not None:
            w = _as_tensor(sample_weight, losses).to(losses.dtype)
            losses = losses * w.reshape(*w.shape, *(1,) * (losses.ndim - w.ndim))
        if self.reduction in ("none", None):
            return losses
        total = losses.sum()
        return total if self.reduction == "sum" else total / max(losses.numel(), 1)

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction, **self.kwargs}


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() and i else c.lower() for i, c in enumerate(name))


def _loss_class(fn, doc, **defaults):
    class _Wrapped(Loss):
        __doc__ = doc

        def __init__(self, reduction="sum_over_batch_size", name=None, **kwargs):
            unknown = set(kwargs) - set(defaults)
            if unknown:
                raise TypeError(f"unexpected arguments {sorted(unknown)}")
            super().__init__(name or fn.__name__, reduction, **{**defaults, **kwargs})

    _Wrapped.fn = staticmethod(fn)
    return _Wrapped


MeanSquaredError = _loss_class(mean_squared_error, "Mean of (y_pred - y_true)**2.")
MeanAbsoluteError = _loss_class(mean_absolute_error, "Mean of |y_pred - y_true|.")
Huber = _loss_class(huber, "Quadratic below `delta`, linear above.", delta=1.0)
BinaryCrossentropy = _loss_class(
    binary_crossentropy,
    "Cross-entropy of 0/1 targets and probabilities (or logits).",
    from_logits=False,
    label_smoothing=0.0,
)
CategoricalCrossentropy = _loss_class(
    categorical_crossentropy,
    "Cross-entropy of one-hot targets.",
    from_logits=False,
    label_smoothing=0.0,
    axis=-1,
)
SparseCategoricalCrossentropy = _loss_class(
    sparse_categorical_crossentropy,
    "Cross-entropy of integer labels.",
    from_logits=False,
    ignore_class=None,
    axis=-1,
)
for _cls, _name in [(MeanSquaredError, "MeanSquaredError"), (MeanAbsoluteError, "MeanAbsoluteError"), (Huber, "Huber"), (BinaryCrossentropy, "BinaryCrossentropy"), (CategoricalCrossentropy, "CategoricalCrossentropy"), (SparseCategoricalCrossentropy, "SparseCategoricalCrossentropy")]:  # fmt: skip
    _cls.__name__ = _cls.__qualname__ = _name

_BY_NAME = {
    "mse": mean_squared_error, "mean_squared_error": mean_squared_error,
    "mae": mean_absolute_error, "mean_absolute_error": mean_absolute_error,
    "huber": huber, "huber_loss": huber, "binary_crossentropy": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
}  # fmt: skip


def get(identifier) -> Loss:
    """A Loss object from a name ('mse', 'binary_crossentropy', ...), a Loss, or a function."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if isinstance(identifier, str):
        fn = _BY_NAME.get(identifier)
        if fn is None:
            raise ValueError(
                f"Unknown loss: {identifier!r}. Valid names: {', '.join(sorted(_BY_NAME))}"
            )
        loss = _loss_class(fn, fn.__doc__)(name=identifier)
        return loss
    if callable(identifier):  # any f(y_true, y_pred), e.g. a PyTorch-style loss module
        loss = _loss_class(identifier, "a user loss")(name=getattr(identifier, "__name__", "loss"))
        return loss
    raise ValueError(f"Could not interpret loss identifier: {identifier!r}")
