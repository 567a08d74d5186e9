"""Keras weight constraints: functions `w -> w'` that a Keras optimizer applies to a weight
after each update (`Dense(kernel_constraint=max_norm(3))`). They work on the weight's array."""

from __future__ import annotations

import numpy as np

from .registry import Registry

EPSILON = 1e-7  # Keras's backend epsilon
CONSTRAINTS = Registry("constraint")  # the names get() accepts


class Constraint:
    """Base class: `__call__(w)` returns the constrained array."""

    def __call__(self, w):
        return w

    def get_config(self) -> dict:
        return dict(vars(self))


def _norms(w, axis):
    return np.sqrt(np.sum(w * w, axis=axis, keepdims=True))


@CONSTRAINTS.register("max_norm")
class MaxNorm(Constraint):
    """Rescale each slice along `axis` (a Dense kernel's input dim by default) to a norm of at
    most `max_value`."""

    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = max_value, axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        return w * (np.clip(norms, 0, self.max_value) / (EPSILON + norms))


@CONSTRAINTS.register("min_max_norm")
class MinMaxNorm(Constraint):
    """Move each slice's norm towards [min_value, max_value] by `rate` (1: all the way)."""

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        clipped = np.clip(norms, self.min_value, self.max_value)
        return w * ((self.rate * clipped + (1 - self.rate) * norms) / (EPSILON + norms))


@CONSTRAINTS.register("non_neg")
class NonNeg(Constraint):
    """Zero the negative entries."""

    def __call__(self, w):
        return w * (w >= 0)


@CONSTRAINTS.register("unit_norm")
class UnitNorm(Constraint):
    """Scale each slice along `axis` to norm 1."""

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        return w / (EPSILON + _norms(w, self.axis))


max_norm, min_max_norm, non_neg, unit_norm = MaxNorm, MinMaxNorm, NonNeg, UnitNorm


def get(identifier):
    """A constraint from None, an instance, a function, a name or a config dict."""
    if identifier is None or callable(identifier) and not isinstance(identifier, type):
        return identifier
    if isinstance(identifier, type):
        return identifier()
    if isinstance(identifier, dict) and "class_name" in identifier:
        return CONSTRAINTS.deserialize(identifier)
    if isinstance(identifier, str) and CONSTRAINTS.class_named(identifier):
        return CONSTRAINTS.class_named(identifier)()
    return CONSTRAINTS.lookup(identifier)()


def serialize(constraint) -> dict | None:
    return CONSTRAINTS.serialize(constraint)
