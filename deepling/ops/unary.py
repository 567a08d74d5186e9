"""Elementwise functions of one tensor: exp expm1 log log1p log2 log10 sqrt rsqrt reciprocal sin
cos tanh erf abs clamp."""

from __future__ import annotations

import math

import numpy as np

from .. import _backend
from ..autograd.function import Function
from ..tensor import Tensor
from ._checks import tensor_input
from .arith import cast

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
    "log2",
    "log10",
    "reciprocal",
    "rsqrt",
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


class LogBase(Function):
    """y = log(x) / log(base), for log2 and log10;  dy/dx = 1 / (x log(base))."""

    def __init__(self, base):
        self.base = base

    def forward(self, x):
        self.save_for_backward(x)
        return self.xp.log2(x) if self.base == 2 else self.xp.log10(x)

    def backward(self, gy):
        (x,) = self.saved
        return gy / (x * math.log(self.base))


class Reciprocal(Function):
    """y = 1 / x;  dy/dx = -y**2, so keep y."""

    def forward(self, x):
        with np.errstate(divide="ignore"):  # 1/0 = inf, as PyTorch, silently
            y = 1 / x
        self.save_for_backward(y)
        return y

    def backward(self, gy):
        (y,) = self.saved
        return -gy * y * y


class Rsqrt(Function):
    """y = 1 / sqrt(x);  dy/dx = -y**3 / 2, so keep y."""

    def forward(self, x):
        with np.errstate(divide="ignore"):
            y = 1 / self.xp.sqrt(x)
        self.save_for_backward(y)
        return y

    def backward(self, gy):
        (y,) = self.saved
        return gy * (-0.5 * y * y * y)


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


def floating(x, name: str):
    """`x` ready for a float function: integers and bools become the default float dtype, as
    PyTorch computes `torch.sqrt(int_tensor)` in float32."""
    tensor_input(x, name)
    if x._data.dtype.kind in "biu":
        return cast(x, _backend.default_float)
    return x


def exp(x) -> Tensor:
    return Exp()(floating(x, "exp"))


def expm1(x) -> Tensor:
    return Expm1()(floating(x, "expm1"))


def log(x) -> Tensor:
    return Log()(floating(x, "log"))


def log1p(x) -> Tensor:
    return Log1p()(floating(x, "log1p"))


def log2(x) -> Tensor:
    """Logarithm in base 2."""
    return LogBase(2)(floating(x, "log2"))


def log10(x) -> Tensor:
    """Logarithm in base 10."""
    return LogBase(10)(floating(x, "log10"))


def reciprocal(x) -> Tensor:
    """1 / x (integers give floats)."""
    return Reciprocal()(floating(x, "reciprocal"))


def rsqrt(x) -> Tensor:
    """1 / sqrt(x)."""
    return Rsqrt()(floating(x, "rsqrt"))


def erf(x) -> Tensor:
    return Erf()(floating(x, "erf"))


def sqrt(x) -> Tensor:
    return Sqrt()(floating(x, "sqrt"))


def sin(x) -> Tensor:
    return Sin()(floating(x, "sin"))


def cos(x) -> Tensor:
    return Cos()(floating(x, "cos"))


def tanh(x) -> Tensor:
    return Tanh()(floating(x, "tanh"))


def abs(x) -> Tensor:
    return Abs()(x)


def clamp(x, min=None, max=None) -> Tensor:
    """Limit values to [min, max]; either bound may be None."""
    if min is None and max is None:
        raise ValueError("clamp: at least one of min and max must be given")
    return Clamp(min, max)(x)


clip = clamp
