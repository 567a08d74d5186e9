"""Elementwise functions of one tensor: exp expm1 log log1p sqrt sin cos tanh erf abs clamp."""

from __future__ import annotations

import math

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor

__all__ = [
    "abs",
    "clamp",
    "clip",
    "cos",
    "erf",
    "exp",
    "expm1",
    "log",
    "log1p",
    "sin",
    "sqrt",
    "tanh",
]


class Exp(Function):
    """y = exp(x);  dy/dx = y, so keep y."""

    def forward(self, x):
        y = self.xp.exp(x)
        self.save_for_backward(y)
        return y

    def backward(self, gy):
        (y,) = self.saved
        return gy * y


class Expm1(Function):
    """y = exp(x) - 1, exact near 0;  dy/dx = y + 1, so keep y."""

    def forward(self, x):
        y = self.xp.expm1(x)
        self.save_for_backward(y)
        return y

    def backward(self, gy):
        (y,) = self.saved
        return gy * (y + 1)


class Log1p(Function):
    """y = log(1 + x), exact near 0;  dy/dx = 1 / (1 + x)."""

    def forward(self, x):
        self.save_for_backward(x)
        return self.xp.log1p(x)

    def backward(self, gy):
        (x,) = self.saved
        return gy / (1 + x)


class Erf(Function):
    """y = erf(x);  dy/dx = 2 / sqrt(pi) exp(-x**2)."""

    def forward(self, x):
        self.save_for_backward(x)
        return erf_of_array(x)

    def backward(self, gy):
        (x,) = self.saved
        return gy * (2 / math.sqrt(math.pi)) * self.xp.exp(-(x * x))


def erf_of_array(x):
    """erf from SciPy when it is installed, else Python's exact math.erf per element."""
    try:
        from scipy.special import erf  # optional; loaded only when erf (or gelu) runs
    except ImportError:
        return np.frompyfunc(math.erf, 1, 1)(x).astype(x.dtype)
    return erf(x).astype(x.dtype, copy=False)


class Log(Function):
    """y = log(x);  dy/dx = 1/x."""

    def forward(self, x):
        self.save_for_backward(x)
        return self.xp.log(x)

    def backward(self, gy):
        (x,) = self.saved
        return gy / x


class Sqrt(Function):
    """y = sqrt(x);  dy/dx = 1 / (2y)."""

    def forward(self, x):
        y = self.xp.sqrt(x)
        self.save_for_backward(y)
        return y

    def backward(self, gy):
        (y,) = self.saved
        return gy / (2 * y)


class Sin(Function):
    """y = sin(x);  dy/dx = cos(x)."""

    def forward(self, x):
        self.save_for_backward(x)
        return self.xp.sin(x)

    def backward(self, gy):
        (x,) = self.saved
        return gy * self.xp.cos(x)


class Cos(Function):
    """y = cos(x);  dy/dx = -sin(x)."""

    def forward(self, x):
        self.save_for_backward(x)
        return self.xp.cos(x)

    def backward(self, gy):
        (x,) = self.saved
        return -gy * self.xp.sin(x)


class Tanh(Function):
    """y = tanh(x);  dy/dx = 1 - y**2, so keep y rather than x."""

    def forward(self, x):
        y = self.xp.tanh(x)
        self.save_for_backward(y)
        return y

    def backward(self, gy):
        (y,) = self.saved
        return gy * (1 - y * y)


class Abs(Function):
    """y = |x|;  dy/dx = sign(x), which is 0 at 0 (PyTorch)."""

    def forward(self, x):
        self.save_for_backward(x)
        return self.xp.abs(x)

    def backward(self, gy):
        (x,) = self.saved
        return gy * self.xp.sign(x)


class Clamp(Function):
    """y = min(max(x, low), high);  dy/dx = 1 inside [low, high], edges included (PyTorch)."""

    def __init__(self, low, high):
        self.low, self.high = low, high

    def forward(self, x):
        self.save_for_backward(x)
        return self.xp.clip(x, self.low, self.high)

    def backward(self, gy):
        (x,) = self.saved
        inside = True
        if self.low is not None:
            inside = inside & (x >= self.low)
        if self.high is not None:
            inside = inside & (x <= self.high)
        return gy * inside


def exp(x) -> Tensor:
    return Exp()(x)


def expm1(x) -> Tensor:
    return Expm1()(x)


def log(x) -> Tensor:
    return Log()(x)


def log1p(x) -> Tensor:
    return Log1p()(x)


def erf(x) -> Tensor:
    return Erf()(x)


def sqrt(x) -> Tensor:
    return Sqrt()(x)


def sin(x) -> Tensor:
    return Sin()(x)


def cos(x) -> Tensor:
    return Cos()(x)


def tanh(x) -> Tensor:
    return Tanh()(x)


def abs(x) -> Tensor:
    return Abs()(x)


def clamp(x, min=None, max=None) -> Tensor:
    """Limit values to [min, max]; either bound may be None."""
    if min is None and max is None:
        raise ValueError("clamp: at least one of min and max must be given")
    return Clamp(min, max)(x)


clip = clamp
