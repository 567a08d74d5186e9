"""Gradient clipping, written once: the norm of a list of arrays, scaling the list down to a
maximum norm, and clamping by value. PyTorch's `nn.utils.clip_grad_norm_`/`clip_grad_value_`
and the Keras optimizers' `clipnorm`, `global_clipnorm` and `clipvalue` are calls over it.
"""

from __future__ import annotations

import math

from .._backend import array_module


def total_norm(arrays: list, norm_type: float = 2.0, *, in_float64: bool = True) -> float:
    """The `norm_type`-norm of all `arrays` taken as one vector (`inf`: the largest magnitude).

    in_float64: sum `|g| ** norm_type` over everything in float64 (the PyTorch face). Off, as
    TF's `global_norm` (2-norm only): each array's norm in its own dtype, then the root of the
    sum of their squares.

    Example:
        >>> import numpy as np
        >>> total_norm([np.array([3.0]), np.array([4.0])])
        5.0
    """
    if norm_type == math.inf:
        return max(float(array_module(g).abs(g).max()) for g in arrays if g.size)
    if not in_float64:
        return math.sqrt(sum(float(array_module(g).sqrt((g * g).sum())) ** 2 for g in arrays))
    xp = array_module(arrays[0])
    sums = [xp.sum(xp.abs(g.astype(xp.float64)) ** norm_type) for g in arrays]
    return float(xp.sum(xp.stack(sums)) ** (1.0 / norm_type))


def clip_norm(arrays: list, max_norm: float, total: float, *, eps=None, in_place=False) -> list:
    """Scale `arrays`, whose total norm is `total`, by one factor so that it is at most
    `max_norm`; never scale up.

    The factor is PyTorch's `min(max_norm / (total + eps), 1)` when `eps` is given (1e-6 in
    `clip_grad_norm_`), or tf.clip_by_norm's `max_norm / max(total, max_norm)` when it is None;
    they differ only at the edges (an infinite `max_norm`, a zero `total`). `in_place` writes
    into the arrays (PyTorch's `.grad`); otherwise new arrays are returned (Keras).
    """
    if eps is None:
        coef = max_norm / max(total, max_norm)
    else:
        coef = min(max_norm / (total + eps), 1.0)
    if not in_place:
        return [g * coef for g in arrays]
    for g in arrays:
        g *= coef  # a Python float takes the array's dtype, as `g * coef` does
    return arrays


def clip_value(arrays: list, value: float, *, in_place=False) -> list:
    """Clamp every element into `[-value, value]`, in place or into new arrays."""
    return [array_module(g).clip(g, -value, value, out=g if in_place else None) for g in arrays]
