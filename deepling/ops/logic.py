"""Comparisons and logic: elementwise bool tensors without gradient, each run as an
`ArrayOp` (so a compiled step computes them again on each call's values)."""

from __future__ import annotations

import numpy as np

from .. import _backend
from ..autograd.function import array_op
from ..tensor import Tensor
from .arith import promote

__all__ = ["eq", "ge", "gt", "le", "logical_and", "logical_not", "logical_or", "logical_xor",
           "lt", "ne"]  # fmt: skip


def _compare(ufunc):
    def compare(a, b) -> Tensor:
        if b is None and ufunc in (np.equal, np.not_equal):  # identity, as in PyTorch
            return ufunc is np.not_equal
        a, b = promote(a, b)
        a = a._data if isinstance(a, Tensor) else a
        b = b._data if isinstance(b, Tensor) else b
        return array_op(getattr(_backend.array_module(a, b), ufunc.__name__), a, b)

    compare.__name__ = ufunc.__name__
    compare.__doc__ = f"Elementwise {ufunc.__name__} as a bool tensor (no gradient)."
    return compare


eq = _compare(np.equal)
ne = _compare(np.not_equal)
lt = _compare(np.less)
le = _compare(np.less_equal)
gt = _compare(np.greater)
ge = _compare(np.greater_equal)
logical_and = _compare(np.logical_and)
logical_or = _compare(np.logical_or)
logical_xor = _compare(np.logical_xor)


def _not(a):
    return ~a if a.dtype == np.bool_ else a == 0


def logical_not(x) -> Tensor:
    return array_op(_not, x._data)
