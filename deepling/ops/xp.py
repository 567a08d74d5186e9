"""NumPy's names over deepling's ops, so a backward rule runs on Tensors as it runs on arrays.

A Function's `backward` calls `self.xp.exp(y)`, `self.xp.where(...)`: on the usual first-order
walk `xp` is NumPy; when a graph of the gradient is asked for (`create_graph=True`, nested
tapes) the engine sets `xp` to this module, and the same rule records ops on Tensors. Only the
names that backward rules use are here, with NumPy's argument names and meanings.
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from . import arith, reduce, shape, unary

abs = unary.abs  # noqa: A001 (NumPy's names)
cos = unary.cos
exp = unary.exp
expm1 = unary.expm1
log = unary.log
log1p = unary.log1p
sin = unary.sin
sqrt = unary.sqrt
tanh = unary.tanh
erf = unary.erf
maximum = arith.maximum
minimum = arith.minimum
where = arith.where


def sign(x) -> Tensor:
    """A constant: the derivative of sign is 0 wherever it is defined."""
    return Tensor._wrap(np.sign(x._data))


def clip(x, low, high) -> Tensor:
    return unary.clamp(x, low, high)


def zeros(shape, dtype=float) -> Tensor:
    return Tensor._wrap(np.zeros(shape, dtype))


def ones_like(x) -> Tensor:
    return Tensor._wrap(np.ones_like(x._data))


broadcast_to = shape.broadcast_to


def expand_dims(x, axis) -> Tensor:
    return shape.unsqueeze(x, axis)


def swapaxes(x, a, b) -> Tensor:
    return shape.transpose(x, a, b)


def transpose(x, axes) -> Tensor:
    return shape.permute(x, *axes)


def split(x, edges, axis=0) -> list:
    """NumPy's split at `edges` along `axis`: slices of x."""
    bounds = [0, *edges, x.shape[axis]]
    pre = (slice(None),) * (axis % x.ndim)
    return [x[(*pre, slice(a, b))] for a, b in zip(bounds, bounds[1:])]


def sum(x, axis=None, keepdims=False) -> Tensor:  # noqa: A001
    return reduce.sum(x, axis=axis, keepdims=keepdims)
