"""Activations: sigmoid relu leaky_relu elu gelu softplus, and softmax/log_softmax along a dim."""

from __future__ import annotations

import math

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor
from ._checks import tensor_input
from .shape import _dim as check_dim
from .unary import erf, erf_of_array

__all__ = ["elu", "gelu", "leaky_relu", "log_softmax", "relu", "sigmoid", "softmax", "softplus"]


class Sigmoid(Function):
    """y = 1 / (1 + exp(-x));  dy/dx = y (1 - y), so keep y."""

    def forward(self, x):
        y = self.xp.exp(-self.xp.logaddexp(0, -x))  # 1 / (1 + e^-x) that never overflows
        self.save_for_backward(y)
        return y

    def backward(self, gy):
        (y,) = self.saved
        return gy * y * (1 - y)


class Relu(Function):
    """y = max(x, 0);  dy/dx = 1 for x > 0, else 0 (relu'(0) = 0, as PyTorch)."""

    def forward(self, x):
        self.save_for_backward(x > 0)
        return self.xp.maximum(x, 0)

    def backward(self, gy):
        (mask,) = self.saved
        return gy * mask


class LeakyRelu(Function):
    """y = x for x > 0, else slope * x;  dy/dx = 1 or slope (slope at 0, as PyTorch)."""

    def __init__(self, negative_slope):
        self.slope = negative_slope

    def forward(self, x):
        self.save_for_backward(x > 0)
        return self.xp.where(x > 0, x, x * self.slope)

    def backward(self, gy):
        (positive,) = self.saved
        return self.xp.where(positive, gy, gy * self.slope)


class Elu(Function):
    """y = x for x > 0, else alpha (exp(x) - 1);  dy/dx = 1, else y + alpha (alpha at 0)."""

    def __init__(self, alpha):
        self.alpha = alpha

    def forward(self, x):
        y = self.xp.where(x > 0, x, self.alpha * self.xp.expm1(self.xp.minimum(x, 0)))
        self.save_for_backward(x > 0, y)
        return y

    def backward(self, gy):
        positive, y = self.saved
        return self.xp.where(positive, gy, gy * (y + self.alpha))


class Gelu(Function):
    """y = x Phi(x) (exact, with erf) or its tanh approximation;  dy/dx = Phi(x) + x phi(x)."""

    def __init__(self, approximate):
        self.approximate = approximate

    def forward(self, x):
        self.save_for_backward(x)
        if self.approximate == "tanh":
            return 0.5 * x * (1 + self.xp.tanh(_K * (x + 0.044715 * x**3)))
        return x * _normal_cdf(x, self.xp)

    def backward(self, gy):
        (x,) = self.saved
        if self.approximate == "tanh":
            t = self.xp.tanh(_K * (x + 0.044715 * x**3))
            dt = (1 - t * t) * _K * (1 + 3 * 0.044715 * x * x)
            return gy * (0.5 * (1 + t) + 0.5 * x * dt)
        pdf = self.xp.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
        return gy * (_normal_cdf(x, self.xp) + x * pdf)


_K = math.sqrt(2 / math.pi)


def _normal_cdf(x, xp):
    return 0.5 * (1 + _erf(x / math.sqrt(2), xp))


def _erf(x, xp):
    """erf of an array, or the erf op on a Tensor (the backward rule run for higher orders)."""
    return erf(x) if isinstance(x, Tensor) else erf_of_array(x)


class Softplus(Function):
    """y = log(1 + exp(beta x)) / beta, or x above threshold;  dy/dx = sigmoid(beta x)."""

    def __init__(self, beta, threshold):
        self.beta, self.threshold = beta, threshold

    def forward(self, x):
        bx = self.beta * x
        self.save_for_backward(x)
        return self.xp.where(bx > self.threshold, x, self.xp.logaddexp(0, bx) / self.beta)

    def backward(self, gy):
        (x,) = self.saved
        bx = self.beta * x
        with np.errstate(over="ignore"):
            slope = 1 / (1 + self.xp.exp(-bx))
        return gy * self.xp.where(bx > self.threshold, 1, slope)


class Softmax(Function):
    """y = exp(x) / sum(exp(x)) along dim;  dx = y (gy - sum(gy y))."""

    def __init__(self, dim):
        self.dim = dim

    def forward(self, x):
        e = self.xp.exp(x - x.max(axis=self.dim, keepdims=True))
        y = e / e.sum(axis=self.dim, keepdims=True)
        self.save_for_backward(y)
        return y

    def backward(self, gy):
        (y,) = self.saved
        gyy = gy * y
        return gyy - y * gyy.sum(axis=self.dim, keepdims=True)


class LogSoftmax(Function):
    """y = x - logsumexp(x) along dim;  dx = gy - softmax(x) sum(gy)."""

    def __init__(self, dim):
        self.dim = dim

    def forward(self, x):
        shifted = x - x.max(axis=self.dim, keepdims=True)
        y = shifted - self.xp.log(self.xp.exp(shifted).sum(axis=self.dim, keepdims=True))
        self.save_for_backward(y)
        return y

    def backward(self, gy):
        (y,) = self.saved
        return gy - self.xp.exp(y) * gy.sum(axis=self.dim, keepdims=True)


def sigmoid(x) -> Tensor:
    return Sigmoid()(x)


def relu(x) -> Tensor:
    return Relu()(x)


def leaky_relu(x, negative_slope: float = 0.01) -> Tensor:
    return LeakyRelu(negative_slope)(x)


def elu(x, alpha: float = 1.0) -> Tensor:
    return Elu(alpha)(x)


def gelu(x, approximate: str = "none") -> Tensor:
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return Gelu(approximate)(x)


def softplus(x, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    return Softplus(beta, threshold)(x)


def _dim(x, dim, axis):
    tensor_input(x, "softmax")
    dim = axis if dim is None else dim
    if dim is None:  # PyTorch's legacy implicit dim: 0 for 0-, 1- and 3-d input, else 1
        dim = 0 if x.ndim in (0, 1, 3) else 1
    check_dim(dim, x.ndim)  # PyTorch's TypeError / IndexError, not NumPy's AxisError
    return dim


def softmax(x, dim: int | None = None, *, axis: int | None = None) -> Tensor:
    """Softmax along `dim` (PyTorch) or `axis` (NumPy, Keras)."""
    return Softmax(_dim(x, dim, axis))(x)


def log_softmax(x, dim: int | None = None, *, axis: int | None = None) -> Tensor:
    return LogSoftmax(_dim(x, dim, axis))(x)
