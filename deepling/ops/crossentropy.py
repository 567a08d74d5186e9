"""Cross-entropies over a class dimension, per sample, written once for every face:
softmax_cross_entropy (fused log-softmax + NLL of class indices), nll (of log-probabilities)
and soft_cross_entropy (of class probabilities, a composition). Class scores sit in dim 1
(PyTorch's layout; a 1-d input is one sample); the faces check targets in their own words."""

from __future__ import annotations

import builtins

import numpy as np

from .. import _backend
from ..autograd.function import Function
from ..tensor import Tensor
from .activation import log_softmax
from .arith import where
from .index import gather

__all__ = ["nll", "soft_cross_entropy", "softmax_cross_entropy"]


def _rows(x, xp):
    """x as (M, C) rows of class scores: (C,) is one row; (N, C, d1...) moves classes last."""
    if x.ndim <= 2:
        return x.reshape(-1, x.shape[-1])
    return xp.moveaxis(x, 1, -1).reshape(-1, x.shape[1])


def _targets(t, w, ignore_index, dtype, xp):
    """Flat class indices (ignored ones read class 0), the valid mask, each target's weight."""
    t = t.reshape(-1)
    valid = t != ignore_index
    tc = xp.where(valid, t, 0)
    return tc, valid, valid.astype(dtype) if w is None else w[tc] * valid


class CrossEntropy(Function):
    """y = (1-e) (-w[t] logp[t]) + e/C sum_c -w_c logp_c, logp = log_softmax(x), reduced as
    nll_loss;  dy/dx = ((1-e) w[t] + e/C sum(w)) softmax(x) - (1-e) w[t] at t - e/C w.
    A mean over a zero weight sum (every target ignored) is nan with gradient 0 on the ignored
    rows (nan on rows whose class weight is 0), as PyTorch's."""

    def __init__(self, ignore_index, reduction, label_smoothing, may_ignore=True):
        self.ignore_index, self.reduction, self.eps = ignore_index, reduction, label_smoothing
        self.plain = not may_ignore and not label_smoothing and reduction != "none"

    def forward(self, x, t, w):
        xp, eps = self.xp, self.eps
        if self.plain and w is None and x.ndim == 2:  # the tutorial case, without masks or weights
            shifted = x - x.max(axis=1, keepdims=True)
            e = xp.exp(shifted)
            total = e.sum(axis=1)
            n = x.shape[0]
            self.shape, self.denom = x.shape, (1 if self.reduction == "sum" else n)
            self.save_for_backward(e / total[:, None], t)
            if not n:  # an empty batch's mean is 0/0 = nan, silently
                return xp.asarray(np.nan if self.reduction == "mean" else 0.0, x.dtype)
            return (xp.log(total).sum() - shifted[xp.arange(n), t].sum()) / self.denom
        rows = _rows(x, xp)
        n, c = rows.shape
        shifted = rows - rows.max(axis=1, keepdims=True)  # exp cannot overflow
        e = xp.exp(shifted)
        total = e.sum(axis=1)
        log_total = xp.log(total)
        tc, valid, wt = _targets(t, w, self.ignore_index, x.dtype, xp)
        loss = -wt * (shifted[xp.arange(n), tc] - log_total)
        if eps:  # sum_c w_c logp_c = shifted @ w - log_total sum(w), without forming logp
            s = (
                shifted.sum(axis=1) - c * log_total
                if w is None
                else shifted @ w - log_total * w.sum()
            )
            loss = (1 - eps) * loss - (eps / c) * s * valid
        self.shape, self.denom = x.shape, wt.sum()
        self.save_for_backward(e / total[:, None], tc, valid, wt, w)
        if self.reduction == "none":
            return loss.reshape(t.shape)
        if self.reduction == "sum":
            return loss.sum()
        if not self.denom:  # all ignored (or weighted 0): PyTorch's nll part is 0/0, so nan
            return xp.asarray(xp.nan, x.dtype)
        return loss.sum() / self.denom

    def compose(self, x, t, w):
        """log_softmax, then nll and the smoothing term: the fused forward as a composition
        (higher orders differentiate it)."""
        dim = 0 if x.ndim == 1 else 1
        logp = log_softmax(x, dim)
        loss, wt = nll(logp, t, w, ignore_index=self.ignore_index, dim=dim)
        if self.eps:
            valid = (t != self.ignore_index).astype(x.dtype)
            smooth = soft_cross_entropy(logp, 1.0, dim=dim, weight=w) * valid
            loss = (1 - self.eps) * loss + (self.eps / x.shape[dim]) * smooth
        if self.reduction == "none":
            return loss
        total = loss.sum()
        return total if self.reduction == "sum" else total / wt.sum()

    def backward(self, gy):
        if len(self.saved) == 2:  # the plain case: (softmax - onehot) * gy / n (n > 0 here:
            p, t = self.saved  # an empty batch's gradient is empty)
            g = gy / builtins.max(self.denom, 1)
            gx = p * g
            gx[self.xp.arange(len(t)), t] -= g
            return gx, None, None
        with np.errstate(invalid="ignore", divide="ignore"):  # 0/0 = nan as PyTorch, silently
            return self._masked_grad(gy)

    def _masked_grad(self, gy):
        p, tc, valid, wt, w = self.saved
        xp, eps, (n, c) = self.xp, self.eps, p.shape
        if self.reduction == "none":
            g = gy.reshape(-1)  # each row's upstream gradient
        else:
            g = gy / (1 if self.reduction == "sum" else self.denom)
        keep = (1 - eps) * wt * g
        coef = keep + (eps / c) * (c if w is None else w.sum()) * valid * g if eps else keep
        gx = p * coef[:, None]
        gx[xp.arange(n), tc] -= keep
        if eps:
            gx -= (eps / c) * (valid * g)[:, None] * (1 if w is None else w)
        if self.reduction == "mean" and not self.denom:
            gx[~valid] = 0  # PyTorch's ignored rows get exactly 0; weighted-0 rows get 0/0 = nan
        if len(self.shape) <= 2:
            return gx.reshape(self.shape), None, None
        gx = gx.reshape(self.shape[0], *self.shape[2:], self.shape[1])
        return xp.moveaxis(gx, -1, 1), None, None


def softmax_cross_entropy(
    x, t, weight=None, *, ignore_index=-100, label_smoothing=0.0, reduction="none", may_ignore=True
) -> Tensor:
    """-w[t] log_softmax(x)[t] per target (0 where t == ignore_index), mixed with the uniform
    distribution by `label_smoothing`; 'sum' and 'mean' (over the targets' weight sum) fused.
    `t` holds int class indices of x's shape without dim 1; `may_ignore=False` promises that no
    target equals ignore_index (a faster path)."""
    w = None if weight is None else _plain(weight).astype(x.dtype, copy=False)
    return CrossEntropy(ignore_index, reduction, label_smoothing, may_ignore)(x, _plain(t), w)


def nll(logp, t, weight=None, *, ignore_index=None, dim=1):
    """-w[t] logp[t] per target along `dim`, 0 where t == ignore_index; also returns the
    targets' weights (the divisor of a weighted mean). `t` lacks `dim`."""
    # on tensors (ops), so that a compiled step replays the lookups on each batch's targets
    t = t if isinstance(t, Tensor) else Tensor._wrap(t)
    dtype = logp._data.dtype
    valid = None if ignore_index is None else t != ignore_index
    tc = t if valid is None else where(valid, t, 0)
    if weight is None:
        wt = Tensor._wrap(_backend.array_module(logp._data).ones(t.shape, dtype))
    else:
        w = weight if isinstance(weight, Tensor) else Tensor._wrap(weight)
        wt = w[tc].to(dtype)
    picked = gather(logp, dim, tc.unsqueeze(dim)).reshape(t.shape)
    if valid is None:
        return picked * -wt, wt
    # `where`, not `* 0`: an ignored target's gradient stays 0 even when a mean over a zero
    # weight sum sends inf down (PyTorch's nll_loss_backward skips ignored targets)
    return where(valid, picked * -wt, 0.0), wt * valid


def soft_cross_entropy(logp, target, *, dim=1, weight=None) -> Tensor:
    """-sum_c w_c target_c logp_c along `dim`: the cross-entropy of class probabilities (or
    smoothed labels) under log-probabilities; differentiable in both."""
    if weight is not None:
        logp = logp * _plain(weight).reshape(-1, *[1] * (logp.ndim - dim % logp.ndim - 1))
    return -(logp * target).sum(dim)


def _plain(x):
    return x._data if isinstance(x, Tensor) else x
