"""Elementwise rounding and integer parts: sign floor ceil round trunc frac, fmod remainder,
rounded division (`//`, `div(..., rounding_mode=)`), and lerp.

The steps (floor, round, sign, ...) have derivative 0 wherever it exists, and PyTorch's 0 at
the steps too; on integer tensors they return the values unchanged (a copy).
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor
from ._checks import tensor_input
from .arith import add, mul, promote, sub

__all__ = [
    "ceil",
    "floor",
    "floor_divide",
    "fmod",
    "frac",
    "lerp",
    "remainder",
    "round",
    "sign",
    "trunc",
]


class Step(Function):
    """y = floor, ceil, round, trunc or sign of x;  dy/dx = 0 (a constant between steps)."""

    def __init__(self, kind, decimals=0):
        self.kind, self.decimals = kind, decimals

    def forward(self, x):
        if self.kind == "round":
            return self.xp.round(x, self.decimals)  # half to even, as PyTorch
        return getattr(self.xp, self.kind)(x)

    def backward(self, gy):
        return gy * 0


class Fmod(Function):
    """y = a - b trunc(a / b), the remainder with a's sign (C's fmod);  dy/da = 1,
    dy/db = -trunc(a / b)."""

    def forward(self, a, b):
        self.save_for_backward(a, b)
        return self.xp.fmod(a, b)

    def backward(self, gy):
        a, b = self.saved
        gb = -gy * self.xp.trunc(a / b) if self.needs_input_grad[1] else None
        return gy, gb


class Remainder(Function):
    """y = a - b floor(a / b), the remainder with b's sign (Python's %);  dy/da = 1,
    dy/db = -floor(a / b)."""

    def forward(self, a, b):
        self.save_for_backward(a, b)
        return self.xp.remainder(a, b)

    def backward(self, gy):
        a, b = self.saved
        gb = -gy * self.xp.floor(a / b) if self.needs_input_grad[1] else None
        return gy, gb


def _step(kind, x, decimals=0) -> Tensor:
    tensor_input(x, kind)
    if x._data.dtype.kind in "biu" and kind != "sign":
        if decimals:
            raise RuntimeError(f"\"{kind}_cpu\" not implemented for '{x._data.dtype}'")
        return Tensor._wrap(x._data.copy())  # whole numbers already
    if x._data.dtype.kind == "b":
        return Tensor._wrap(x._data.copy())  # sign(True) is True
    return Step(kind, decimals)(x)


def floor(x) -> Tensor:
    """The largest whole number <= x (gradient 0)."""
    return _step("floor", x)


def ceil(x) -> Tensor:
    """The smallest whole number >= x (gradient 0)."""
    return _step("ceil", x)


def trunc(x) -> Tensor:
    """x rounded toward 0 (gradient 0)."""
    return _step("trunc", x)


def round(x, *, decimals: int = 0) -> Tensor:  # noqa: A001 (PyTorch's name)
    """x rounded to `decimals` places, halves to even as PyTorch (`round(2.5)` is 2)."""
    return _step("round", x, int(decimals))


def sign(x) -> Tensor:
    """-1, 0 or 1 by the sign of x (gradient 0)."""
    return _step("sign", x)


def frac(x) -> Tensor:
    """The fractional part x - trunc(x), with x's sign; gradient 1."""
    tensor_input(x, "frac")
    if x._data.dtype.kind in "biu":
        raise RuntimeError(f"\"frac_cpu\" not implemented for '{x._data.dtype}'")
    return sub(x, trunc(x))


def _operands(name, a, b):
    """Two operands of one dtype (PyTorch's promotion); a number first becomes a tensor."""
    a, b = promote(a, b)
    if not isinstance(a, Tensor):
        a = Tensor._wrap(np.asarray(a, b._data.dtype))
    if not isinstance(b, Tensor):
        b = Tensor._wrap(np.asarray(b, a._data.dtype))
    if a._data.dtype.kind in "iu" and not b._data.all():
        raise RuntimeError("ZeroDivisionError")  # PyTorch's words for integer division by 0
    return a, b


def fmod(input, other) -> Tensor:
    """The remainder of input / other with the sign of input (C's fmod)."""
    tensor_input(input, "fmod")
    return Fmod()(*_operands("fmod", input, other))


def remainder(input, other) -> Tensor:
    """The remainder of input / other with the sign of other (Python's `%`)."""
    return Remainder()(*_operands("remainder", input, other))


def rounded_division(a, b, rounding_mode: str) -> Tensor:
    """a / b rounded toward 0 ('trunc') or down ('floor'): `div(a, b, rounding_mode=...)`.
    Integers stay integers; floats get gradient 0, as PyTorch's."""
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(
            "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
            f"'{rounding_mode}'"
        )
    a, b = _operands("div", a, b)
    if a._data.dtype.kind in "iub":
        q = np.floor_divide(a._data, b._data)
        if rounding_mode == "trunc":  # floor rounds negative quotients one too far
            q = q + ((q < 0) & (q * b._data != a._data))
        return Tensor._wrap(q)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _step(rounding_mode, a / b)


def floor_divide(input, other) -> Tensor:
    """input / other rounded down (`//`); integers stay integers."""
    return rounded_division(input, other, "floor")


def lerp(input, end, weight) -> Tensor:
    """input + weight * (end - input): linear interpolation, with gradients to all three."""
    tensor_input(input, "lerp")
    tensor_input(end, "lerp", "end")
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"\"lerp_kernel_scalar\" not implemented for '{input._data.dtype}'")
    if input._data.dtype != end._data.dtype:
        raise RuntimeError(
            f"expected dtype {input._data.dtype} for `end` but got dtype {end._data.dtype}"
        )
    return add(input, mul(weight, sub(end, input)))
