"""Normalization: one fused Function that standardizes over some axes (batch norm, layer norm)."""

from __future__ import annotations

from ..autograd.function import Function
from ..tensor import Tensor


class Normalize(Function):
    """y = (x - mean) / sqrt(var + eps) over `axes` (biased var);
    dx = (gy - mean(gy) - y mean(gy y)) / sqrt(var + eps), means over the same axes.

    `update(mean, var)`, when given, runs inside forward with the batch's statistics (batch
    norm's running averages): a compiled step, which replays forward, then updates them too."""

    def __init__(self, axes, eps, update=None):
        self.axes, self.eps, self.update = tuple(axes), eps, update

    def forward(self, x):
        mean = x.mean(axis=self.axes, keepdims=True)
        d = x - mean
        var = (d * d).mean(axis=self.axes, keepdims=True)
        inv_std = 1 / self.xp.sqrt(var + self.eps)
        y = d * inv_std
        if self.update is not None:
            self.update(mean, var)
        self.save_for_backward(y, inv_std)
        return y

    def compose(self, x):
        """The same standardization as a composition of ops (higher orders differentiate it)."""
        d = x - x.mean(axis=self.axes, keepdims=True)
        return d / ((d * d).mean(axis=self.axes, keepdims=True) + self.eps).sqrt()

    def backward(self, gy):
        y, inv_std = self.saved
        axes = self.axes
        mean_gy = gy.mean(axis=axes, keepdims=True)
        mean_gyy = (gy * y).mean(axis=axes, keepdims=True)
        return inv_std * (gy - mean_gy - y * mean_gyy)


def standardize_with(x, mean, var, eps: float, shape) -> Tensor:
    """(x - mean) / sqrt(var + eps) with given statistics (one value per feature, reshaped to
    `shape`), written as ops so that a compiled step reads the statistics when it runs."""
    inv_std = 1 / (var.reshape(shape) + eps).sqrt()
    return (x - mean.reshape(shape)) * inv_std


def normalize_over(x, axes, eps: float = 1e-5) -> Tensor:
    """Standardize `x` over `axes` to mean 0 and (biased) variance 1, without an affine part."""
    return Normalize(axes, eps)(x)
