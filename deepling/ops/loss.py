"""Losses as per-element primitives, written once for every face, and the one reduction.

squared_error, absolute_error and huber are compositions of ops; bce (on probabilities, with
PyTorch's log clamp or Keras's clip as a named switch) and bce_with_logits are fused Functions.
The softmax cross-entropies live in crossentropy.py. The faces (`nn.functional`, `nn`'s loss
modules, `keras.losses`, `keras.metrics`) check their inputs in their own framework's words,
call these, and reduce with `reduce_loss`.
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor
from .arith import where

__all__ = ["absolute_error", "bce", "bce_with_logits", "huber", "reduce_loss", "squared_error"]


# --- regression: compositions, differentiable in prediction and target ---
def squared_error(x, t) -> Tensor:
    """(x - t)**2 elementwise."""
    d = x - t
    return d * d


def absolute_error(x, t) -> Tensor:
    """|x - t| elementwise; its slope at 0 is 0, as PyTorch's."""
    return abs(x - t)


def huber(x, t, delta: float = 1.0) -> Tensor:
    """0.5 d**2 where |d| < delta, else delta (|d| - 0.5 delta), with d = x - t (both frameworks'
    Huber; PyTorch's smooth L1 is this divided by delta)."""
    d = x - t
    ad = abs(d)
    return where(ad < delta, 0.5 * d * d, delta * (ad - 0.5 * delta))


# --- binary cross-entropy ---
class BinaryCrossEntropy(Function):
    """y = -w (t log p + (1-t) log(1-p)); PyTorch clamps each log at -100, Keras clips p to
    [clip, 1 - clip] first (`clip`); summed or averaged here when asked (one node less per step).
    dy/dx = w (p - t) / max(p (1-p), 1e-12) (0 where Keras's clip bites),
    dy/dt = w (log(1-p) - log p)."""

    def __init__(self, reduction="none", clip=None):
        self.reduction, self.clip = reduction, clip

    def forward(self, x, t, w):
        xp = self.xp
        p = x if self.clip is None else xp.clip(x, self.clip, 1 - self.clip)
        with np.errstate(divide="ignore"):
            y = (t - 1) * xp.maximum(xp.log1p(-p), -100) - t * xp.maximum(xp.log(p), -100)
        self.save_for_backward(x, t, w)
        self.count = max(y.size, 1)
        y = y if w is None else y * w
        if self.reduction == "none":
            return y
        return y.sum() if self.reduction == "sum" else y.sum() / self.count

    def backward(self, gy):
        x, t, w = self.saved
        xp = self.xp
        if self.reduction == "mean":
            gy = gy / self.count
        gy = gy if w is None else gy * w
        p = x if self.clip is None else xp.clip(x, self.clip, 1 - self.clip)
        gx = gt = None
        if self.needs_input_grad[0]:
            gx = gy * (p - t) / xp.maximum((1 - p) * p, 1e-12)
            if self.clip is not None:  # a clipped probability is a constant
                gx = gx * ((x >= self.clip) & (x <= 1 - self.clip))
        if self.needs_input_grad[1]:
            with np.errstate(divide="ignore"):  # +-inf at p = 0 or 1, as PyTorch
                gt = gy * (xp.log1p(-p) - xp.log(p))
        return gx, gt, None


def bce(p, t, weight=None, *, clip=None, reduction="none") -> Tensor:
    """Binary cross-entropy of probabilities `p` against targets `t` in [0, 1], elementwise
    (or fused with its 'sum'/'mean' reduction); `weight` is an array of p's shape or None."""
    return BinaryCrossEntropy(reduction, clip)(p, t, weight)


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


def bce_with_logits(x, t, weight=None, pos_weight=None) -> Tensor:
    """bce(sigmoid(x), t) elementwise in one stable step; `pos_weight` scales the positives."""
    return BinaryCrossEntropyWithLogits()(x, t, weight, pos_weight)


def _log_sigmoid(x, xp):
    """log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|)): exp never overflows."""
    return xp.minimum(x, 0) - xp.log1p(xp.exp(-xp.abs(x)))


# --- the one reduction ---
def reduce_loss(values, reduction="mean", weight=None, total_weight=None) -> Tensor:
    """Weigh per-element (or per-sample) losses, then keep them ('none'), add them ('sum') or
    average them ('mean', Keras's 'sum_over_batch_size'): the sum over their count, or over
    `total_weight` when given (PyTorch's weighted mse/l1/nll, Keras's 'mean_with_sample_weight')."""
    if weight is not None:
        values = values * weight
    if reduction in ("none", None) or (values.ndim == 0 and total_weight is None):
        return values  # a 0-d weighted mean still divides by its weight (PyTorch's 1-d nll)
    if reduction == "sum":
        return values.sum()
    if total_weight is not None:
        with np.errstate(invalid="ignore", divide="ignore"):  # all weights 0: nan, as PyTorch
            return values.sum() / total_weight
    return values.mean() if weight is None else values.sum() / max(values.numel(), 1)
