"""NumPy's names over deepling's ops, so a backward rule runs on Tensors as it runs on arrays.

A Function's `backward` calls `self.xp.exp(y)`, `self.xp.where(...)`: on the usual first-order
walk `xp` is NumPy; when a graph of the gradient is asked for (`create_graph=True`, nested
tapes) the engine sets `xp` to this module, and the same rule records ops on Tensors. Only the
names that backward rules use are here, with NumPy's argument names and meanings.
"""

from __future__ import annotations

import types

import numpy as np

from ..tensor import Tensor
from . import arith, cumulative, layout, linsolve, matrix, pointwise, reduce, shape, trig, unary


def _elementwise(op, name):
    """`op` on a Tensor; a number a rule saved (the base of `2 ** x`) stays a number."""

    def function(x):
        return op(x) if isinstance(x, Tensor) else getattr(np, name)(x)

    function.__name__ = name
    return function


abs = unary.abs  # noqa: A001 (NumPy's names)
cos = _elementwise(unary.cos, "cos")
exp = _elementwise(unary.exp, "exp")
expm1 = _elementwise(unary.expm1, "expm1")
log = _elementwise(unary.log, "log")
log1p = _elementwise(unary.log1p, "log1p")
sin = _elementwise(unary.sin, "sin")
sqrt = _elementwise(unary.sqrt, "sqrt")
tanh = _elementwise(unary.tanh, "tanh")
erf = unary.erf
maximum = arith.maximum
minimum = arith.minimum
where = arith.where
sinh = trig.sinh
cosh = trig.cosh
floor = pointwise.floor
trunc = pointwise.trunc
einsum = matrix.einsum
linalg = types.SimpleNamespace(inv=linsolve.inv, solve=linsolve.solve)


def flip(x, axis) -> Tensor:
    return layout.flip(x, axis)


def cumsum(x, axis) -> Tensor:
    return cumulative.cumsum(x, axis)


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
