"""Keras weight regularizers: penalties added to the loss, l1 * sum|w| + l2 * sum w**2."""

from __future__ import annotations

import numbers

from .. import ops
from .registry import Registry


class Regularizer:
    def __call__(self, weight):
        raise NotImplementedError

    def get_config(self) -> dict:
        return dict(vars(self))


class L1L2(Regularizer):
    """l1 * sum(|w|) + l2 * sum(w**2) (no factor 1/2, as Keras)."""

    def __init__(self, l1=0.0, l2=0.0):
        for name, value in (("l1", l1), ("l2", l2)):
            if not isinstance(value, numbers.Real) or not 0 <= value < float("inf"):
                raise ValueError(
                    f"Value for argument `{name}` should be a non-negative number. "
                    f"Received: {name}={value!r}"
                )
        self.l1, self.l2 = float(l1), float(l2)

    def __call__(self, weight):
        penalty = 0.0
        if self.l1:
            penalty = penalty + self.l1 * ops.abs(weight).sum()
        if self.l2:
            penalty = penalty + self.l2 * (weight * weight).sum()
        return penalty


class L1(L1L2):
    """l1 * sum(|w|); default l1=0.01."""

    def __init__(self, l1=0.01):
        super().__init__(l1=l1)

    def get_config(self) -> dict:
        return {"l1": self.l1}


class L2(L1L2):
    """l2 * sum(w**2); default l2=0.01."""

    def __init__(self, l2=0.01):
        super().__init__(l2=l2)

    def get_config(self) -> dict:
        return {"l2": self.l2}


l1, l2, l1_l2 = L1, L2, L1L2
REGULARIZERS = Registry("regularizer", sort_names=False)  # what get() accepts by name
REGULARIZERS.update(l1=L1, l2=L2, l1_l2=L1L2)


def get(identifier) -> Regularizer | None:
    """A regularizer from None, an instance, a function, a name ('l1', 'l2', 'l1_l2') or a
    config dict {'class_name': 'L2', 'config': {'l2': 0.1}}."""
    if identifier is None or isinstance(identifier, Regularizer):
        return identifier
    if isinstance(identifier, dict) and "class_name" in identifier:
        return REGULARIZERS.deserialize(identifier)
    if isinstance(identifier, str):
        return (REGULARIZERS.class_named(identifier) or REGULARIZERS.lookup(identifier))()
    if callable(identifier) and not isinstance(identifier, dict):
        return identifier
    return REGULARIZERS.lookup(identifier)


def serialize(regularizer) -> dict | None:
    return REGULARIZERS.serialize(regularizer)
