"""Losses with PyTorch's names, defaults, reductions and errors: mse l1 huber smooth_l1 and
nll_loss (compositions), binary cross-entropy on probabilities and logits and cross_entropy
(fused). Inputs are checked before anything runs; messages name the shapes or values at fault."""

from __future__ import annotations

import warnings

import numpy as np

from .. import _backend
from ..autograd import Function, ShapeError
from ..tensor import Size, Tensor
from .activation import log_softmax
from .arith import where
from .index import gather

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
    """y = -w (t log x + (1-t) log(1-x)), logs clamped at -100 (PyTorch);
    dy/dx = w (x - t) / max(x (1-x), 1e-12),  dy/dt = w (log(1-x) - log x)."""

    def forward(self, x, t, w):
        xp = self.xp
        with np.errstate(divide="ignore"):
            y = (t - 1) * xp.maximum(xp.log1p(-x), -100) - t * xp.maximum(xp.log(x), -100)
        self.save_for_backward(x, t, w)
        return y if w is None else y * w

    def backward(self, gy):
        x, t, w = self.saved
        xp = self.xp
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
        bad = ~((a >= 0) & (a <= 1))  # NaN is bad too
        if bad.any():
            raise RuntimeError(
                f"all elements of {name} should be between 0 and 1 "
                f"(found {a[bad].reshape(-1)[0].item()} at index {np.argwhere(bad)[0].tolist()})"
            )
    return _reduce(BinaryCrossEntropy()(input, target, _weight_fitting(weight, x)), reduction)


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


# --- classification over a class dimension: nll_loss, cross_entropy ---
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
