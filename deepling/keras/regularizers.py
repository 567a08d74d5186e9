"""Keras weight regularizers: penalties added to the loss, l1 * sum|w| + l2 * sum w**2."""

from __future__ import annotations

from .. import ops


class Regularizer:
    def __call__(self, weight):
        raise NotImplementedError

    def get_config(self) -> dict:
        return dict(vars(self))


class L1L2(Regularizer):
    """l1 * sum(|w|) + l2 * sum(w**2)."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1, self.l2 = float(l1), float(l2)

    def __call__(self, weight):
        penalty = 0.0
        if self.l1:
            penalty = penalty + self.l1 * ops.abs(weight).sum()
        if self.l2:
            penalty = penalty + self.l2 * (weight * weight).sum()
        return penalty


class L1(L1L2):
    def __init__(self, l1=0.01):
        super().__init__(l1=l1)


class L2(L1L2):
    def __init__(self, l2=0.01):
        super().__init__(l2=l2)


l1, l2, l1_l2 = L1, L2, L1L2


def get(identifier) -> Regularizer:
    if (
        identifier is None
        or isinstance(identifier, Regularizer)
        or callable(identifier)
        and not isinstance(identifier, str)
    ):
        return identifier
    found = {"l1": L1, "l2": L2, "l1_l2": L1L2}.get(identifier)
    if found is None:
        raise ValueError(f"Unknown regularizer: {identifier!r}. Valid names: l1, l2, l1_l2")
    return found()
