"""Losses with PyTorch's names, defaults, reductions and errors: mse l1 huber smooth_l1 and
nll_loss (compositions), binary cross-entropy on probabilities and logits and cross_entropy
(fused). Inputs are checked before anything runs; messages name the shapes or values at fault."""

from __future__ import annotations

import warnings

import numpy as np

from ..autograd import Function
from ..tensor import Size, Tensor
from .arith import where

_TORCH_DTYPE = {"float16": "Half", "float32": "Float", "float64": "Double", "int64": "Long"}
_TORCH_DTYPE.update(int32="Int", int16="Short", int8="Char", uint8="Byte", bool="Bool")


def _dtype_name(dtype) -> str:
    return _TORCH_DTYPE.get(str(dtype), str(dtype))


def _array(x):
    return x.data if isinstance(x, Tensor) else np.asarray(x)


def _reduction(reduction, size_average=None, reduce=None) -> str:
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


def _reduce(loss, reduction, weight=None):
    """Apply an elementwise `weight`, then reduce; a weighted mean divides by sum(weight)."""
    loss = loss if weight is None else loss * weight
    if reduction == "mean":
        return loss.mean() if weight is None else loss.sum() / _array(weight).sum()
    return loss.sum() if reduction == "sum" else loss


# --- regression: compositions of ops, differentiable in input and target ---
def _check_pointwise(name, input, target, weight=None):  # noqa: A002 (PyTorch's names)
    """PyTorch only warns when the shapes differ, then broadcasts (Sub names shapes that don't)."""
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


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):  # noqa: A002
    """Mean squared error (x - t)^2, reduced; `weight` scales each element (mean: / sum(w))."""
    reduction = _reduction(reduction, size_average, reduce)
    _check_pointwise("mse_loss", input, target, weight)
    d = input - target
    return _reduce(d * d, reduction, weight)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):  # noqa: A002
    """Mean absolute error |x - t|, reduced; its slope at 0 is 0, as PyTorch's."""
    reduction = _reduction(reduction, size_average, reduce)
    _check_pointwise("l1_loss", input, target, weight)
    return _reduce(abs(input - target), reduction, weight)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):  # noqa: A002
    """0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta), with d = x - t."""
    reduction = _reduction(reduction)
    if delta <= 0:
        raise RuntimeError(
            f"huber_loss does not support non-positive values for delta. Got: {delta}"
        )
    _check_pointwise("huber_loss", input, target, weight)
    d = input - target
    ad = abs(d)
    loss = where(ad < delta, 0.5 * d * d, delta * (ad - 0.5 * delta))
    # PyTorch's weighted huber mean is a plain mean, unlike mse's and l1's (/ sum(weight))
    return _reduce(loss if weight is None else loss * weight, reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):  # noqa: A002
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta; beta = 0 is l1_loss."""
    reduction = _reduction(reduction, size_average, reduce)
    if beta < 0:
        raise RuntimeError(f"smooth_l1_loss does not support negative values for beta. Got: {beta}")
    _check_pointwise("smooth_l1_loss", input, target)
    d = input - target
    ad = abs(d)
    if beta == 0:  # PyTorch's shortcut; 0.5 d^2 / 0 would put 0 * inf = nan in the gradient
        return _reduce(ad, reduction)
    return _reduce(where(ad < beta, 0.5 * d * d / beta, ad - 0.5 * beta), reduction)


# --- binary cross-entropy ---
class BinaryCrossEntropy(Function):
    """y = -w (t log x + (1-t) log(1-x)), logs clamped at -100 (PyTorch), summed or averaged
    here when asked (one node less per step);
    dy/dx = w (x - t) / max(x (1-x), 1e-12),  dy/dt = w (log(1-x) - log x)."""

    def __init__(self, reduction="none"):
        self.reduction = reduction

    def forward(self, x, t, w):
        xp = self.xp
        with np.errstate(divide="ignore"):
            y = (t - 1) * xp.maximum(xp.log1p(-x), -100) - t * xp.maximum(xp.log(x), -100)
        self.save_for_backward(x, t, w)
        y = y if w is None else y * w
        if self.reduction == "none":
            return y
        return y.sum() if self.reduction == "sum" else y.sum() / max(y.size, 1)

    def backward(self, gy):
        x, t, w = self.saved
        xp = self.xp
        if self.reduction == "mean":
            gy = gy / max(x.size, 1)
        gy = gy if w is None else gy * w
        gx = gt = None
        if self.needs_input_grad[0]:
            gx = gy * (x - t) / xp.maximum((1 - x) * x, 1e-12)
        if self.needs_input_grad[1]:
            with np.errstate(divide="ignore"):  # +-inf at x = 0 or 1, as PyTorch
                gt = gy * (xp.log1p(-x) - xp.log(x))
        return gx, gt, None


class BinaryCrossEntropyWithLogits(Function):
    """y = w ((1-t) x - l log_sigmoid(x)), l = 1 + (pw - 1) t;
    dy/dx = w (l sigmoid(x) - pw t),  dy/dt = w (log_sigmoid(-x) - pw log_sigmoid(x))."""

    def forward(self, x, t, w, pw):
        log_sig = _log_sigmoid(x, self.xp)
        y = (1 - t) * x - (log_sig if pw is None else (1 + (pw - 1) * t) * log_sig)
        self.save_for_backward(x, t, w, pw)
        return y if w is None else y * w

    def backward(self, gy):
        x, t, w, pw = self.saved
        gy = gy if w is None else gy * w
        log_sig = _log_sigmoid(x, self.xp)  # exp(log_sig) is sigmoid without overflow
        gx = gt = None
        if self.needs_input_grad[0]:
            sig = self.xp.exp(log_sig)
            gx = gy * (sig - t if pw is None else (pw * t + 1 - t) * sig - pw * t)
        if self.needs_input_grad[1]:
            # log_sigmoid(-x) = log_sigmoid(x) - x
            gt = gy * (-x if pw is None else log_sig - x - pw * log_sig)
        return gx, gt, None, None


def _log_sigmoid(x, xp):
    """log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|)): exp never overflows."""
    return xp.minimum(x, 0) - xp.log1p(xp.exp(-xp.abs(x)))


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


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,  # noqa: A002
                         reduction="mean"):  # fmt: skip
    """-(t log x + (1-t) log(1-x)) for probabilities x in [0, 1], weighted by `weight`."""
    reduction = _reduction(reduction, size_average, reduce)
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
    for name, a in (("input", x), ("target", t)):
        if a.size and a.min() >= 0 and a.max() <= 1:  # two reductions; False for NaN too
            continue
        bad = ~((a >= 0) & (a <= 1))
        if bad.any():
            raise RuntimeError(
                f"all elements of {name} should be between 0 and 1 "
                f"(found {a[bad].reshape(-1)[0].item()} at index {np.argwhere(bad)[0].tolist()})"
            )
    w = _weight_fitting(weight, x)
    if w is None or w.shape == x.shape:  # the weighted mean divides by n here, as PyTorch's does
        return BinaryCrossEntropy(reduction)(input, target, w)
    return _reduce(BinaryCrossEntropy()(input, target, w), reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,  # noqa: A002
                                     reduce=None, reduction="mean", pos_weight=None):  # fmt: skip
    """binary_cross_entropy(sigmoid(x), t) in one stable step; `pos_weight` scales positives."""
    reduction = _reduction(reduction, size_average, reduce)
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
    return _reduce(BinaryCrossEntropyWithLogits()(input, target, w, pw), reduction)


# the classification losses live in crossentropy.py; they are loss functions all the same
from .crossentropy import CrossEntropy as CrossEntropy  # noqa: E402
from .crossentropy import cross_entropy as cross_entropy  # noqa: E402
from .crossentropy import nll_loss as nll_loss  # noqa: E402
