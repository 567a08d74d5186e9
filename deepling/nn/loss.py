"""torch.nn's loss modules: each keeps its constructor settings and calls its function in
nn/functional/loss.py (PyTorch's checks over the primitives of deepling/ops).

Example:
    >>> import deepling as dl
    >>> loss_fn = dl.nn.CrossEntropyLoss()
    >>> loss_fn
    CrossEntropyLoss()
    >>> loss_fn(dl.tensor([[0.0, 0.0], [0.0, 0.0]]), dl.tensor([0, 1]))
    tensor(0.6931)
"""

from __future__ import annotations

from .functional import loss as _loss
from .module import Module


class _Loss(Module):
    """Holds `reduction` ('mean', 'sum' or 'none'), or PyTorch's legacy size_average/reduce."""

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean"):
        super().__init__()
        if size_average is not None or reduce is not None:
            reduction = _loss.legacy_reduction(reduction, size_average, reduce)
        self.reduction = reduction


class _WeightedLoss(_Loss):
    """A loss with a per-class (or per-element) `weight`, kept as a buffer (in state_dict)."""

    def __init__(self, weight=None, size_average=None, reduce=None, reduction: str = "mean"):
        super().__init__(size_average, reduce, reduction)
        if weight is None:  # the usual case, made every step by tutorials: skip the checks
            self._buffers["weight"] = None
        else:
            self.register_buffer("weight", weight)


class MSELoss(_Loss):
    """Mean squared error: mean((input - target)^2), or its sum, or elementwise ('none')."""

    def forward(self, input, target):
        return _loss.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Mean absolute error: mean(|input - target|)."""

    def forward(self, input, target):
        return _loss.l1_loss(input, target, reduction=self.reduction)


class HuberLoss(_Loss):
    """0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta), with d = input - target."""

    def __init__(self, reduction: str = "mean", delta: float = 1.0):
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input, target):
        return _loss.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class SmoothL1Loss(_Loss):
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta; HuberLoss / delta for beta = delta."""

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean", beta: float = 1.0):
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input, target):
        return _loss.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class BCELoss(_WeightedLoss):
    """Binary cross-entropy of probabilities in [0, 1] (after a sigmoid) against targets in
    [0, 1] of the same shape and dtype: -(t log p + (1 - t) log(1 - p)), logs clamped at -100."""

    def forward(self, input, target):
        return _loss.binary_cross_entropy(input, target, self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """BCELoss of sigmoid(input) in one stable step; `pos_weight` scales the positive term."""

    def __init__(
        self, weight=None, size_average=None, reduce=None, reduction="mean", pos_weight=None
    ):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input, target):
        return _loss.binary_cross_entropy_with_logits(
            input, target, self.weight, reduction=self.reduction, pos_weight=self.pos_weight
        )


class CrossEntropyLoss(_WeightedLoss):
    """Softmax cross-entropy of logits (N, C), (N, C, d1...) or (C,) against class indices
    (int64 (N,), (N, d1...) or ()) or class probabilities (float, the logits' shape, e.g. one-hot).

    Args:
        weight: per-class weights (C,); a mean then divides by the targets' weight sum.
        ignore_index: a target value that contributes nothing (index targets only).
        reduction: 'mean', 'sum' or 'none'.
        label_smoothing: mixes the target with a uniform distribution by this amount.
    """

    def __init__(self, weight=None, size_average=None, ignore_index: int = -100, reduce=None,
                 reduction: str = "mean", label_smoothing: float = 0.0):  # fmt: skip
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return _loss.cross_entropy(
            input,
            target,
            self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of class indices under log-probabilities (after LogSoftmax)."""

    def __init__(self, weight=None, size_average=None, ignore_index: int = -100, reduce=None,
                 reduction: str = "mean"):  # fmt: skip
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return _loss.nll_loss(
            input, target, self.weight, ignore_index=self.ignore_index, reduction=self.reduction
        )
