"""torch.nn.functional's losses: PyTorch's names, defaults, reductions, warnings and errors,
each a row over a primitive of deepling/ops (loss.py, crossentropy.py) and `reduce_loss`.
Inputs are checked before anything runs; messages name the shapes or values at fault."""

from __future__ import annotations

import math
import warnings

import numpy as np

from ...autograd import ShapeError
from ...ops import crossentropy as _ce
from ...ops import loss as _loss
from ...ops._checks import tensor_input
from ...ops.activation import log_softmax
from ...tensor import Size, Tensor

_TORCH_DTYPE = {"float16": "Half", "float32": "Float", "float64": "Double", "int64": "Long"}
_TORCH_DTYPE.update(int32="Int", int16="Short", int8="Char", uint8="Byte", bool="Bool")


def _dtype_name(dtype) -> str:
    return _TORCH_DTYPE.get(str(dtype), str(dtype))


def _array(x):
    return x._data if isinstance(x, Tensor) else np.asarray(x)


def _sum(weight):
    return None if weight is None else float(_array(weight).sum())


def legacy_reduction(reduction, size_average=None, reduce=None) -> str:
    """The reduction name, from `reduction` or PyTorch's deprecated size_average/reduce."""
    if size_average is not None or reduce is not None:
        reduction = "none" if reduce is False else ("sum" if size_average is False else "mean")
        warnings.warn(
            f"size_average and reduce args will be deprecated, please use "
            f"reduction='{reduction}' instead.",
            UserWarning,
            stacklevel=3,
        )
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


# --- regression ---
def _check_pointwise(name, input, target, weight=None):
    """PyTorch only warns when the shapes differ, then broadcasts (Sub names shapes that don't)."""
    tensor_input(input, name)
    x, t = _array(input), _array(target)
    if x.dtype.kind != "f" and t.dtype.kind != "f":
        raise NotImplementedError(f"\"{name}\" not implemented for '{_dtype_name(x.dtype)}'")
    if t.shape != x.shape:
        warnings.warn(
            f"Using a target size ({Size(t.shape)}) that is different to the input size "
            f"({Size(x.shape)}). This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size.",
            UserWarning,
            stacklevel=3,
        )
    if weight is not None and _array(weight).shape != x.shape:
        raise ValueError(
            f"Weights and input must have the same size. (weight {Size(_array(weight).shape)}, "
            f"input {Size(x.shape)})"
        )


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error (x - t)^2, reduced; `weight` scales each element (mean: / sum(w))."""
    reduction = legacy_reduction(reduction, size_average, reduce)
    _check_pointwise("mse_loss", input, target, weight)
    return _loss.reduce_loss(_loss.squared_error(input, target), reduction, weight, _sum(weight))


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean absolute error |x - t|, reduced; its slope at 0 is 0, as PyTorch's."""
    reduction = legacy_reduction(reduction, size_average, reduce)
    _check_pointwise("l1_loss", input, target, weight)
    return _loss.reduce_loss(_loss.absolute_error(input, target), reduction, weight, _sum(weight))


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta), with d = x - t."""
    reduction = legacy_reduction(reduction)
    if delta <= 0:
        raise RuntimeError(
            f"huber_loss does not support non-positive values for delta. Got: {delta}"
        )
    _check_pointwise("huber_loss", input, target, weight)
    # PyTorch's weighted huber mean is a plain mean, unlike mse's and l1's (/ sum(weight))
    return _loss.reduce_loss(_loss.huber(input, target, delta), reduction, weight)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta: huber / beta; beta = 0 is l1."""
    reduction = legacy_reduction(reduction, size_average, reduce)
    if beta < 0:
        raise RuntimeError(f"smooth_l1_loss does not support negative values for beta. Got: {beta}")
    _check_pointwise("smooth_l1_loss", input, target)
    if beta == 0:  # PyTorch's shortcut; huber / 0 would put 0 * inf = nan in the gradient
        return _loss.reduce_loss(_loss.absolute_error(input, target), reduction)
    return _loss.reduce_loss(_loss.huber(input, target, beta) / beta, reduction)


# --- binary cross-entropy ---
def _weight_fitting(weight, x):
    """A weight array in x's dtype; PyTorch scales the loss in place, so it may not widen it."""
    if weight is None:
        return None
    w = _array(weight).astype(x.dtype, copy=False)
    try:
        fits = np.broadcast_shapes(x.shape, w.shape) == x.shape
    except ValueError:
        fits = False
    if not fits:
        raise RuntimeError(f"weight of shape {list(w.shape)} does not fit input {list(x.shape)}")
    return w


def _check_unit_interval(x, t):
    for name, a in (("input", x), ("target", t)):
        if a.size and a.min() >= 0 and a.max() <= 1:  # two reductions; False for NaN too
            continue
        bad = ~((a >= 0) & (a <= 1))
        if bad.any():
            raise RuntimeError(
                f"all elements of {name} should be between 0 and 1 "
                f"(found {a[bad].reshape(-1)[0].item()} at index {np.argwhere(bad)[0].tolist()})"
            )


def binary_cross_entropy(
    input, target, weight=None, size_average=None, reduce=None, reduction="mean"
):
    """-(t log x + (1-t) log(1-x)) for probabilities x in [0, 1], weighted by `weight`."""
    tensor_input(input, "binary_cross_entropy")
    reduction = legacy_reduction(reduction, size_average, reduce)
    x, t = _array(input), _array(target)
    if t.shape != x.shape:
        raise ValueError(
            f"Using a target size ({Size(t.shape)}) that is different to the input size "
            f"({Size(x.shape)}) is deprecated. Please ensure they have the same size."
        )
    if t.dtype != x.dtype:
        raise RuntimeError(
            f"Found dtype {_dtype_name(t.dtype)} but expected {_dtype_name(x.dtype)} "
            f"(binary_cross_entropy: target {t.dtype}, input {x.dtype})"
        )
    _check_unit_interval(x, t)
    w = _weight_fitting(weight, x)
    if w is None or w.shape == x.shape:  # the weighted mean divides by n here, as PyTorch's does
        return _loss.bce(input, target, w, reduction=reduction)
    return _loss.reduce_loss(_loss.bce(input, target, w), reduction)


def binary_cross_entropy_with_logits(
    input, target, weight=None, size_average=None, reduce=None, reduction="mean", pos_weight=None
):
    """binary_cross_entropy(sigmoid(x), t) in one stable step; `pos_weight` scales positives."""
    tensor_input(input, "binary_cross_entropy_with_logits")
    reduction = legacy_reduction(reduction, size_average, reduce)
    x, t = _array(input), _array(target)
    if t.shape != x.shape:
        raise ValueError(
            f"Target size ({Size(t.shape)}) must be the same as input size ({Size(x.shape)})"
        )
    if t.dtype.kind != "f":
        raise RuntimeError(
            f"result type Float can't be cast to the desired output type "
            f"{_dtype_name(t.dtype)} (binary_cross_entropy_with_logits needs a float target)"
        )
    w, pw = _weight_fitting(weight, x), _weight_fitting(pos_weight, x)
    return _loss.reduce_loss(_loss.bce_with_logits(input, target, w, pw), reduction)


# --- classification over a class dimension (dim 1; a 1-d input is one sample) ---
def _class_inputs(name, input, target, weight):
    """Input and weight checks shared by nll_loss and cross_entropy; raw arrays out."""
    tensor_input(input, name)
    x, t = _array(input), _array(target)
    if x.ndim == 0:
        raise ShapeError(f"{name}: input must have a class dimension, got shape {Size(x.shape)}")
    if x.dtype.kind != "f":
        raise NotImplementedError(f"{name} expects float scores, got {_dtype_name(x.dtype)}")
    w = None if weight is None else _array(weight).astype(x.dtype, copy=False)
    c = x.shape[0 if x.ndim == 1 else 1]
    if w is not None and w.shape != (c,):
        raise RuntimeError(
            f"weight tensor should be defined either for all {c} classes or no classes but "
            f"got weight tensor of shape: {list(w.shape)}"
        )
    return x, t, w


def _check_class_target(x, t, ignore_index) -> bool:
    """PyTorch's checks of class-index targets; returns whether any target might be ignored."""
    if t.dtype.kind not in "iu":
        hint = f"; a float target holds probabilities only in the input's shape {Size(x.shape)}"
        raise RuntimeError(
            f"expected target dtype to be Long or Byte, but got {_dtype_name(t.dtype)} "
            f"(target shape {Size(t.shape)}{hint if t.dtype.kind == 'f' else ''})"
        )
    if x.ndim <= 2 and t.ndim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if x.ndim == 1 and t.size != 1:
        raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {t.size}")
    batch = t.shape[0] if t.ndim else 0
    if x.ndim >= 2 and batch != x.shape[0]:
        raise ValueError(
            f"Expected input batch_size ({x.shape[0]}) to match target batch_size ({batch})."
        )
    if x.ndim > 2 and list(t.shape) != [x.shape[0], *x.shape[2:]]:
        raise RuntimeError(
            f"Expected target size {[x.shape[0], *x.shape[2:]]}, got {list(t.shape)}"
        )
    c = x.shape[1] if x.ndim > 1 else x.shape[0]
    if not t.size:
        return False
    low, high = t.min(), t.max()  # two reductions; the detailed mask only when something is off
    if low >= 0 and high < c:
        return low <= ignore_index <= high
    bad = (t != ignore_index) & ((t < 0) | (t >= c))
    if bad.any():
        raise IndexError(
            f"Target {int(t[bad].reshape(-1)[0])} is out of bounds. (input has {c} classes: "
            f"a target lies in [0, {c - 1}] or equals ignore_index={ignore_index})"
        )
    return True


def nll_loss(
    input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"
):
    """Negative log-likelihood of class indices `target` under log-probabilities `input`:
    -w[t] input[t] per target (0 where ignored); a mean divides by the targets' weight sum."""
    reduction = legacy_reduction(reduction, size_average, reduce)
    x, t, w = _class_inputs("nll_loss", input, target, weight)
    _check_class_target(x, t, ignore_index)
    loss, wt = _ce.nll(input, t, w, ignore_index=ignore_index, dim=0 if x.ndim == 1 else 1)
    return _loss.reduce_loss(loss, reduction, total_weight=wt.sum())  # all ignored: nan


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):  # fmt: skip
    """Softmax cross-entropy of logits (N, C), (N, C, d1...) or (C,) against class indices
    (int; (N,), (N, d1...) or ()) or class probabilities (float, the input's shape).

    Example:
        >>> import deepling as dl
        >>> dl.nn.functional.cross_entropy(dl.tensor([[0.0, 0.0]]), dl.tensor([1]))
        tensor(0.6931)
    """
    reduction = legacy_reduction(reduction, size_average, reduce)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    x, t, w = _class_inputs("cross_entropy", input, target, weight)
    if t.shape == x.shape:
        return _cross_entropy_probs(input, target, t, w, ignore_index, reduction, label_smoothing)
    may_ignore = _check_class_target(x, t, ignore_index)
    return _ce.softmax_cross_entropy(
        input,
        t,
        w,
        ignore_index=ignore_index,
        label_smoothing=label_smoothing,
        reduction=reduction,
        may_ignore=may_ignore,
    )


def _cross_entropy_probs(input, target, t, w, ignore_index, reduction, eps):
    """Class-probability targets: soft_cross_entropy of log_softmax(input)."""
    if t.dtype.kind != "f":
        raise RuntimeError(
            "Expected floating point type for target with class probabilities, "
            f"got {_dtype_name(t.dtype)}"
        )
    if ignore_index >= 0:
        raise RuntimeError("ignore_index is not supported for floating point target")
    dim = 0 if input.ndim == 1 else 1
    c = input.shape[dim]
    if eps and c:
        target = target * (1 - eps) + eps / c
    loss = _ce.soft_cross_entropy(log_softmax(input, dim), target, dim=dim, weight=w)
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if not input.numel():  # no samples or no classes: PyTorch's numel / C is 0 or 0/0, so nan
        return loss.sum() * math.nan
    return loss.sum() / (input.numel() // c)
