"""Trigonometric and hyperbolic functions beyond sin/cos/tanh: tan asin acos atan atan2 sinh
cosh. Integer inputs are computed in the default float dtype, as PyTorch does."""

from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor
from ._checks import tensor_input
from .arith import promote
from .unary import floating

__all__ = ["acos", "asin", "atan", "atan2", "cosh", "sinh", "tan"]


class Tan(Function):
    """y = tan(x);  dy/dx = 1 + y**2, so keep y."""

    def forward(self, x):
        y = self.xp.tan(x)
        self.save_for_backward(y)
        return y

    def backward(self, gy):
        (y,) = self.saved
        return gy * (1 + y * y)


class Asin(Function):
    """y = asin(x) on [-1, 1];  dy/dx = 1 / sqrt(1 - x**2)."""

    def forward(self, x):
        self.save_for_backward(x)
        with np.errstate(invalid="ignore"):  # nan outside [-1, 1], silently as PyTorch
            return self.xp.arcsin(x)

    def backward(self, gy):
        (x,) = self.saved
        return gy / self.xp.sqrt(1 - x * x)


class Acos(Function):
    """y = acos(x) on [-1, 1];  dy/dx = -1 / sqrt(1 - x**2)."""

    def forward(self, x):
        self.save_for_backward(x)
        with np.errstate(invalid="ignore"):
            return self.xp.arccos(x)

    def backward(self, gy):
        (x,) = self.saved
        return -gy / self.xp.sqrt(1 - x * x)


class Atan(Function):
    """y = atan(x);  dy/dx = 1 / (1 + x**2)."""

    def forward(self, x):
        self.save_for_backward(x)
        return self.xp.arctan(x)

    def backward(self, gy):
        (x,) = self.saved
        return gy / (1 + x * x)


class Sinh(Function):
    """y = sinh(x);  dy/dx = cosh(x)."""

    def forward(self, x):
        self.save_for_backward(x)
        return self.xp.sinh(x)

    def backward(self, gy):
        (x,) = self.saved
        return gy * self.xp.cosh(x)


class Cosh(Function):
    """y = cosh(x);  dy/dx = sinh(x)."""

    def forward(self, x):
        self.save_for_backward(x)
        return self.xp.cosh(x)

    def backward(self, gy):
        (x,) = self.saved
        return gy * self.xp.sinh(x)


class Atan2(Function):
    """y = atan2(a, b), the angle of the point (b, a);  dy/da = b / (a**2 + b**2),
    dy/db = -a / (a**2 + b**2)."""

    def forward(self, a, b):
        self.save_for_backward(a, b)
        return self.xp.arctan2(a, b)

    def backward(self, gy):
        a, b = self.saved
        g = gy / (a * a + b * b)
        return g * b, -g * a


def tan(x) -> Tensor:
    return Tan()(floating(x, "tan"))


def asin(x) -> Tensor:
    """Inverse sine; nan outside [-1, 1], as PyTorch."""
    return Asin()(floating(x, "asin"))


def acos(x) -> Tensor:
    """Inverse cosine; nan outside [-1, 1], as PyTorch."""
    return Acos()(floating(x, "acos"))


def atan(x) -> Tensor:
    return Atan()(floating(x, "atan"))


def sinh(x) -> Tensor:
    return Sinh()(floating(x, "sinh"))


def cosh(x) -> Tensor:
    return Cosh()(floating(x, "cosh"))


def atan2(input, other) -> Tensor:
    """The angle of the point (other, input) in (-pi, pi], elementwise with broadcasting;
    integer tensors give the default float dtype."""
    tensor_input(other, "atan2", "other")
    a, b = promote(floating(input, "atan2"), floating(other, "atan2"))
    return Atan2()(a, b)
