"""Keras losses: Loss objects reduce the per-sample losses of loss_functions.py (a weighted
mean over samples by default: Keras's `sum_over_batch_size` divides by the number of samples
even when weights are given); `get` resolves names, functions and PyTorch-style loss modules,
which are called as `module(input, target)`."""

from __future__ import annotations

import numpy as np

from ..ops.arith import cast as _cast
from ..ops.loss import reduce_loss
from ..tensor import Tensor
from .loss_functions import (
    _REDUCTIONS,
    ELEMENTWISE,
    LOSSES,
    _as_tensor,
    _float_pair,
    _prediction,
    _sparse_labels,
)
from .loss_functions import EPSILON as EPSILON
from .loss_functions import MAE as MAE
from .loss_functions import MSE as MSE
from .loss_functions import binary_crossentropy as binary_crossentropy
from .loss_functions import categorical_crossentropy as categorical_crossentropy
from .loss_functions import huber as huber
from .loss_functions import mae as mae
from .loss_functions import mean_absolute_error as mean_absolute_error
from .loss_functions import mean_squared_error as mean_squared_error
from .loss_functions import mse as mse
from .loss_functions import sparse_categorical_crossentropy as sparse_categorical_crossentropy
from .loss_functions import squeeze_or_expand_to_same_rank as squeeze_or_expand_to_same_rank


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
    """Weight each sample's loss (a (N,) weight meets (N, 1) losses, as Keras), then reduce."""
    weight = total = None
    if sample_weight is not None:
        weight = _as_tensor(sample_weight).to(losses.dtype)
        losses, weight = squeeze_or_expand_to_same_rank(losses, weight)
        if reduction == "mean_with_sample_weight":
            total = float(weight._data.sum())
        weight = weight.reshape(*weight.shape, *(1,) * (losses.ndim - weight.ndim))
    return reduce_loss(losses, _MEAN.get(reduction, reduction), weight, total)


_MEAN = {"sum_over_batch_size": "mean", "mean_with_sample_weight": "mean"}


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() and i else c.lower() for i, c in enumerate(name))


class LossFunctionWrapper(Loss):
    """A Loss from a per-sample function `fn(y_true, y_pred, **kwargs)`."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name or getattr(fn, "__name__", "loss"), reduction, dtype)
        self.fn, self.kwargs = fn, kwargs

    def __call__(self, y_true, y_pred, sample_weight=None) -> Tensor:
        elementwise = ELEMENTWISE.get(self.fn)
        if elementwise and sample_weight is None and self.reduction == "sum_over_batch_size":
            y_true, y_pred = _float_pair(y_true, y_pred, broadcast=True)
            if y_true.shape == y_pred.shape:  # then the mean of the per-sample means is the mean
                return elementwise(y_pred, y_true).mean()
        return super().__call__(y_true, y_pred, sample_weight)

    def call(self, y_true, y_pred) -> Tensor:
        if self.fn not in LOSSES.values():  # a user's function gets float tensors of one rank
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
        super().__init__(
            binary_crossentropy,
            reduction,
            name,
            dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class CategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy of one-hot (or soft) targets."""

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_crossentropy", dtype=None):  # fmt: skip
        super().__init__(
            categorical_crossentropy,
            reduction,
            name,
            dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy of integer labels; with `ignore_class`, averages over the other labels."""

    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size",
                 name="sparse_categorical_crossentropy", dtype=None, axis=-1):  # fmt: skip
        super().__init__(
            sparse_categorical_crossentropy,
            reduction,
            name,
            dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )

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
        target = _module_target(y_true, y_pred)
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


def _module_target(y_true, y_pred) -> Tensor:
    """The target as the module wants it, made with ops (a compiled step redoes them on each
    batch): class indices (N,) from Keras-style (N, 1) labels, else the output's dtype."""
    t = y_true if isinstance(y_true, Tensor) else Tensor._wrap(np.asarray(y_true))
    rank_one_less = t.ndim == y_pred.ndim - 1 and y_pred.shape[-1] == 1
    if t._data.dtype.kind in "iub":
        if t.ndim == y_pred.ndim and t.shape[-1] == 1 and y_pred.shape[-1] > 1:
            return _cast(t.reshape(tuple(t.shape[:-1])), np.int64)  # Keras-style (N, 1) labels
        if not (rank_one_less or tuple(t.shape) == tuple(y_pred.shape)):
            return _cast(t, np.int64)
    t = _cast(t, y_pred._data.dtype)  # 0/1 or real targets in the output's shape (BCE, MSE)
    return t.unsqueeze(-1) if rank_one_less else t


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
        return LossFunctionWrapper(LOSSES.lookup(identifier), name=identifier)
    if callable(identifier):
        return LossFunctionWrapper(identifier)
    raise ValueError(f"Could not interpret loss identifier: {identifier!r}")
