"""Variance and standard deviation over some axes, with PyTorch's corrections, gradients and
edge cases (no spread, no degrees of freedom left)."""

from __future__ import annotations

import builtins
import warnings

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor
from ._checks import tensor_input
from .reduce import _axes, _expand, _keep, _reduced_shape

__all__ = ["std", "var"]


class Var(Function):
    """y = sum((x - m)**2) / (n - correction) over axes;  dy/dx = 2 (x - m) / (n - correction).

    With no degrees of freedom left (n <= correction) y is 0/0 = nan or inf, and the gradient is
    PyTorch's: over all elements nan where x equals the mean and inf elsewhere; over `dim` the
    same formula with 2 / (n - correction) = inf (n == correction) or negative (n < correction).
    """

    def __init__(self, axes, keepdims, correction):
        self.axes, self.keepdims, self.correction = axes, keepdims, correction

    def forward(self, x):
        xp = self.xp
        self.full = self.axes is None
        n = x.size if self.full else int(np.prod([x.shape[a] for a in self.axes]))
        self.dof = n - self.correction
        with np.errstate(divide="ignore", invalid="ignore"):  # nan/inf as PyTorch, silently
            d = x - (x.sum(axis=self.axes, keepdims=True) / n if n else xp.nan)
            y = (d * d).sum(axis=self.axes, keepdims=True) / builtins.max(self.dof, 0)
        self.save_for_backward(d)
        return y if self.keepdims else y.reshape(_reduced_shape(x.shape, self.axes))

    def compose(self, x):
        """The variance as a composition of ops (higher orders differentiate it)."""
        d = x - x.mean(axis=self.axes, keepdims=True)
        y = (d * d).sum(axis=self.axes, keepdims=self.keepdims) / builtins.max(self.dof, 0)
        return y

    def backward(self, gy):
        return self._var_grad(gy, self.saved[0])

    def _var_grad(self, gy, d):
        gy = _expand(gy, d.shape, self.axes or tuple(range(d.ndim)), self.keepdims)
        with np.errstate(invalid="ignore"):  # inf * 0 = nan is PyTorch's answer here
            if self.full and self.dof <= 0:  # PyTorch's var_backward: inf * (x - m), nan at 0
                return gy * self.xp.where(d == 0, self.xp.nan, self.xp.inf)
            return gy * (2.0 / self.dof if self.dof else self.xp.inf) * d


class Std(Var):
    """y = sqrt(var(x));  dy/dx = var's gradient times 1 / (2 y), taken as 0 where y == 0
    (PyTorch's std_backward), so a constant input has gradient 0, not nan."""

    def forward(self, x):
        y = self.xp.sqrt(super().forward(x))
        self.save_for_backward(self.saved[0], y)
        return y

    def compose(self, x):
        return super().compose(x).sqrt()

    def backward(self, gy):
        d, y = self.saved
        zero = y == 0
        with np.errstate(invalid="ignore"):  # y may be inf or nan (no degrees of freedom)
            g = self.xp.where(zero, 0, gy / (2 * self.xp.where(zero, 1, y)))
        return self._var_grad(g, d)


def _dispersion(op, name, x, dim, unbiased, keepdim, correction, axis, keepdims, ddof):
    """Var or Std with PyTorch's and NumPy's arguments, warning as PyTorch when dof <= 0."""
    tensor_input(x, name)
    if correction is None:
        correction = ddof if ddof is not None else int(bool(unbiased))
    axes = _axes(x.ndim, dim, axis)
    n = x.numel() if axes is None else int(np.prod([x.shape[a] for a in axes]))
    if n - correction <= 0:
        warnings.warn(
            f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the "
            "reduction factor (input numel divided by output numel).",
            UserWarning,
            stacklevel=3,
        )
    return op(axes, _keep(keepdim, keepdims), correction)(x)


def var(x, dim=None, unbiased=True, keepdim=False, *, correction=None, axis=None, keepdims=None,
        ddof=None) -> Tensor:  # fmt: skip
    """Variance; PyTorch's default divides by n - 1 (`correction=1`), NumPy's `ddof=0` by n.

    With n <= correction the value is nan (constant input) or inf, with PyTorch's warning.
    """
    return _dispersion(Var, "var", x, dim, unbiased, keepdim, correction, axis, keepdims, ddof)


def std(x, dim=None, unbiased=True, keepdim=False, *, correction=None, axis=None, keepdims=None,
        ddof=None) -> Tensor:  # fmt: skip
    """Standard deviation: the square root of `var` with the same arguments; as PyTorch, its
    gradient is 0 (not nan) where the deviation is 0."""
    return _dispersion(Std, "std", x, dim, unbiased, keepdim, correction, axis, keepdims, ddof)
