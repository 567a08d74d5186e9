"""Classification losses over a class dimension: cross_entropy (fused log-softmax + NLL for
class indices, a composition for class probabilities) and nll_loss, with PyTorch's checks."""

from __future__ import annotations

import numpy as np

from .. import _backend
from ..autograd import Function, ShapeError
from ..tensor import Size
from .activation import log_softmax
from .index import gather
from .loss import _array, _dtype_name, _reduction


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
    nll_loss;  dy/dx = ((1-e) w[t] + e/C sum(w)) softmax(x) - (1-e) w[t] at t - e/C w."""

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
        with np.errstate(invalid="ignore", divide="ignore"):  # all ignored: nan, as PyTorch
            return loss.sum() / (1 if self.reduction == "sum" else self.denom)

    def backward(self, gy):
        if len(self.saved) == 2:  # the plain case: (softmax - onehot) * gy / n
            p, t = self.saved
            g = gy / self.denom
            gx = p * g
            gx[self.xp.arange(len(t)), t] -= g
            return gx, None, None
        p, tc, valid, wt, w = self.saved
        xp, eps, (n, c) = self.xp, self.eps, p.shape
        if self.reduction == "none":
            g = gy.reshape(-1)  # each row's upstream gradient
        else:
            with np.errstate(invalid="ignore", divide="ignore"):
                g = gy / (1 if self.reduction == "sum" else self.denom)
        keep = (1 - eps) * wt * g
        coef = keep + (eps / c) * (c if w is None else w.sum()) * valid * g if eps else keep
        gx = p * coef[:, None]
        gx[xp.arange(n), tc] -= keep
        if eps:
            gx -= (eps / c) * (valid * g)[:, None] * (1 if w is None else w)
        if len(self.shape) <= 2:
            return gx.reshape(self.shape), None, None
        gx = gx.reshape(self.shape[0], *self.shape[2:], self.shape[1])
        return xp.moveaxis(gx, -1, 1), None, None


def _class_inputs(name, input, target, weight):  # noqa: A002
    """Input and weight checks shared by nll_loss and cross_entropy; raw arrays out."""
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


def _check_class_target(x, t, ignore_index):
    """PyTorch's checks of class-index targets."""
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
        return low <= ignore_index <= high  # whether any target might be ignored
    bad = (t != ignore_index) & ((t < 0) | (t >= c))
    if bad.any():
        raise IndexError(
            f"Target {int(t[bad].reshape(-1)[0])} is out of bounds. (input has {c} classes: "
            f"a target lies in [0, {c - 1}] or equals ignore_index={ignore_index})"
        )
    return True


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,  # noqa: A002
             reduction="mean"):  # fmt: skip
    """Negative log-likelihood of class indices `target` under log-probabilities `input`:
    -w[t] input[t] per target (0 where ignored); a mean divides by the targets' weight sum."""
    reduction = _reduction(reduction, size_average, reduce)
    x, t, w = _class_inputs("nll_loss", input, target, weight)
    _check_class_target(x, t, ignore_index)
    tc, _, wt = _targets(t, w, ignore_index, x.dtype, _backend.array_module(t))
    dim = 0 if x.ndim == 1 else 1
    picked = gather(input, dim, _backend.array_module(t).expand_dims(tc.reshape(t.shape), dim))
    loss = picked.reshape(t.shape) * -wt.reshape(t.shape)
    if reduction == "none":
        return loss
    with np.errstate(invalid="ignore"):  # all targets ignored: nan, as PyTorch
        return loss.sum() if reduction == "sum" else loss.sum() / wt.sum()


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,  # noqa: A002
                  reduce=None, reduction="mean", label_smoothing=0.0):  # fmt: skip
    """Softmax cross-entropy of logits (N, C), (N, C, d1...) or (C,) against class indices
    (int; (N,), (N, d1...) or ()) or class probabilities (float, the input's shape).

    Example:
        >>> import deepling as dl
        >>> dl.nn.functional.cross_entropy(dl.tensor([[0.0, 0.0]]), dl.tensor([1]))
        tensor(0.6931)
    """
    reduction = _reduction(reduction, size_average, reduce)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    x, t, w = _class_inputs("cross_entropy", input, target, weight)
    if t.shape == x.shape:
        return _cross_entropy_probs(
            input, target, x, t, w, ignore_index, reduction, label_smoothing
        )
    may_ignore = _check_class_target(x, t, ignore_index)
    return CrossEntropy(ignore_index, reduction, label_smoothing, may_ignore)(input, t, w)


def _cross_entropy_probs(input, target, x, t, w, ignore_index, reduction, eps):  # noqa: A002
    """-sum_c w_c t_c log_softmax(x)_c, a composition (differentiable in the target too)."""
    if t.dtype.kind != "f":
        raise RuntimeError(
            "Expected floating point type for target with class probabilities, "
            f"got {_dtype_name(t.dtype)}"
        )
    if ignore_index >= 0:
        raise RuntimeError("ignore_index is not supported for floating point target")
    dim = 0 if x.ndim == 1 else 1
    c = x.shape[dim]
    if eps:
        target = target * (1 - eps) + eps / c
    logp = log_softmax(input, dim)
    if w is not None:
        logp = logp * w.reshape(c, *[1] * (x.ndim - dim - 1))
    loss = -(logp * target)
    if reduction == "none":
        return loss.sum(dim)
    return loss.sum() if reduction == "sum" else loss.sum() / (x.size // c)
