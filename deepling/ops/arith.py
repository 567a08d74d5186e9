"""Elementwise arithmetic with broadcasting: + - * / ** neg, maximum/minimum/where, comparisons.

Binary ops first bring their operands to one dtype the way PyTorch does (an int tensor times a
float gives float32, not NumPy's float64); the engine sums each gradient back to its input's
shape, so no op here undoes broadcasting itself.
"""

from __future__ import annotations

import numpy as np

from .. import _backend
from ..autograd.function import Function, array_op
from ..tensor import Tensor, to_array

__all__ = [
    "add",
    "cast",
    "div",
    "maximum",
    "minimum",
    "mul",
    "neg",
    "pow",
    "square",
    "sub",
    "where",
]

_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}


class Cast(Function):
    """y = x as another dtype;  dy/dx = 1 (the engine casts the gradient back)."""

    def __init__(self, dtype):
        self.dtype = dtype

    def forward(self, x):
        return x.astype(self.dtype)

    def backward(self, gy):
        return gy


def cast(x, dtype) -> Tensor:
    dtype = _backend.to_dtype(dtype)
    if x._data.dtype == dtype:
        return x
    if not _backend.is_floating(dtype):  # integers and bools carry no gradient; still an op,
        return Cast(dtype)(x.detach())  # so a compiled step casts the new values each time
    return Cast(dtype)(x)


def _operand(x):
    """Tensors and Python numbers stay (NumPy keeps numbers weak); the rest becomes a constant."""
    if isinstance(x, np.generic):  # before float: np.float64 is a subclass of float
        return x.item()  # a NumPy scalar is as weak as a Python number, as in PyTorch
    if isinstance(x, (Tensor, int, float, bool)):
        return x
    if isinstance(x, (str, bytes)) or x is None:  # PyTorch: no arithmetic with text or None
        raise TypeError(f"unsupported operand type for a tensor op: '{type(x).__name__}'")
    return Tensor._wrap(to_array(x))


_C_NAMES = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int"}
_C_NAMES["int64"] = "int64_t"  # the C types PyTorch's messages name


def _int64_or_uint64(k):
    """PyTorch reads a Python int as int64 or uint64 and refuses any other."""
    if not -(2**63) <= k < 2**64:
        raise OverflowError(
            "int too big to convert" if k > 0 else "can't convert negative int to unsigned"
        )
    return k


def _int_scalar(k, dtype, wrap=True):
    """A Python int as PyTorch's wrapped number next to a tensor of `dtype`: outside int64 and
    uint64 together it is an OverflowError; an integer tensor takes it modulo 2**bits (`uint8
    [250] + 300` is [38]: C's conversion, where NumPy 2 raises), or, for `where`
    (`wrap=False`), refuses it with PyTorch's RuntimeError."""
    _int64_or_uint64(k)
    if dtype.kind == "b":  # bool + int is int64
        if k >= 2**63:
            raise RuntimeError(
                "Promotion for uint16, uint32, uint64 types is not supported, attempted to "
                "promote Bool and UInt64"
            )
        return k
    if dtype.kind not in "iu":
        return k
    info = np.iinfo(dtype)
    if info.min <= k <= info.max:
        return k
    if not wrap:
        name = _C_NAMES.get(dtype.name, dtype.name)
        raise RuntimeError(f"value cannot be converted to type {name} without overflow")
    k &= (1 << dtype.itemsize * 8) - 1  # two's complement: the low bits, as C's cast keeps
    return k - (1 << dtype.itemsize * 8) if k > info.max else k


def promote(a, b, wrap=True):
    """Bring two operands to PyTorch's result dtype: float beats int beats bool; among tensors of
    one category, a 0-d tensor does not widen a tensor with dimensions; a Python int goes into an
    integer tensor's dtype modulo 2**bits (`_int_scalar`)."""
    # fast path for the common cases, which need no change (saves ~0.4 us of ~0.6 per op)
    if isinstance(a, Tensor):
        if isinstance(b, Tensor):
            if a._data.dtype == b._data.dtype:
                return a, b
        elif type(b) is float and a._data.dtype.kind == "f":
            return a, b
    elif type(a) is float and isinstance(b, Tensor) and b._data.dtype.kind == "f":
        return a, b
    a, b = _operand(a), _operand(b)
    ta, tb = isinstance(a, Tensor), isinstance(b, Tensor)
    if not ta and not tb:  # two numbers (`dl.pow(0, -1)`): the first becomes a tensor
        a, ta = Tensor._wrap(to_array(a)), True
    if ta and tb:
        da, db = a._data.dtype, b._data.dtype
        if da == db:
            return a, b
        ca, cb = _CATEGORY.get(da.kind, 2), _CATEGORY.get(db.kind, 2)
        if ca != cb:
            return (a, cast(b, da)) if ca > cb else (cast(a, db), b)
        if (a._data.ndim == 0) != (b._data.ndim == 0):
            return (a, cast(b, da)) if b._data.ndim == 0 else (cast(a, db), b)
        dtype = np.result_type(da, db)
        return cast(a, dtype), cast(b, dtype)
    if ta and isinstance(b, float) and a._data.dtype.kind in "biu":
        return cast(a, _backend.default_float), b
    if tb and isinstance(a, float) and b._data.dtype.kind in "biu":
        return a, cast(b, _backend.default_float)
    if type(b) is int:  # bool is an int too, but always fits
        b = _int_scalar(b, a._data.dtype if ta else np.dtype(np.int64), wrap)
    if type(a) is int:
        a = _int_scalar(a, b._data.dtype if tb else np.dtype(np.int64), wrap)
    return a, b


# --- + - * / ---
class Add(Function):
    """y = a + b;  dy/da = dy/db = 1."""

    def forward(self, a, b):
        return a + b

    def backward(self, gy):
        return gy, gy


class Sub(Function):
    """y = a - b;  dy/da = 1, dy/db = -1."""

    def forward(self, a, b):
        return a - b

    def backward(self, gy):
        return gy, (-gy if self.needs_input_grad[1] else None)


class Mul(Function):
    """y = a * b;  dy/da = b, dy/db = a."""

    def forward(self, a, b):
        needs = self.needs_input_grad  # each gradient needs the other operand only
        self.save_for_backward(a if needs[1] else None, b if needs[0] else None)
        return a * b

    def backward(self, gy):
        a, b = self.saved
        need_a, need_b = self.needs_input_grad  # a constant operand needs no product
        return (gy * b if need_a else None), (gy * a if need_b else None)


class Div(Function):
    """y = a / b;  dy/da = 1/b, dy/db = -a/b**2 = -y/b (= -y**2/a when a is a number: then
    only y is saved, as PyTorch's reciprocal form of `2 / w` saves only its result)."""

    def forward(self, a, b):
        y = a / b
        self.number = a if not hasattr(a, "shape") and a != 0 else None
        self.save_for_backward(b if self.number is None else None, y)
        return y

    def backward(self, gy):
        b, y = self.saved
        if b is None:  # a / b with a a nonzero number: 1/b = y/a
            return None, -gy * y * y / self.number
        ga = gy / b
        return ga, (-ga * y if self.needs_input_grad[1] else None)


class Pow(Function):
    """y = a ** b;  dy/da = b a**(b-1) (0 at b = 0), dy/db = y log a (0 at a = 0 <= b): PyTorch."""

    def forward(self, a, b):
        y = a**b
        self.save_for_backward(a, b, y)
        return y

    def backward(self, gy):
        a, b, y = self.saved
        xp, ga, gb = self.xp, None, None
        with np.errstate(divide="ignore", invalid="ignore"):  # the where below drops inf * 0
            if self.needs_input_grad[0]:  # x**0 is constant, even at x = 0
                ga = xp.where(b == 0, 0, gy * b * a ** (b - 1))
            if self.needs_input_grad[1]:  # 0**b is constant 0 (or 1) for b >= 0
                gb = xp.where((a == 0) & (b >= 0), 0, gy * y * xp.log(a))
        return ga, gb


class Neg(Function):
    """y = -x;  dy/dx = -1."""

    def forward(self, x):
        return -x

    def backward(self, gy):
        return -gy


def add(a, b) -> Tensor:
    return Add()(*promote(a, b))


def sub(a, b) -> Tensor:
    """a - b; as PyTorch, a bool operand (tensor or Python bool) is refused: use `^` or `~`."""
    a, b = promote(a, b)
    float_a = isinstance(a, Tensor) and a._data.dtype.kind == "f"  # the usual case, cheaply
    if not float_a and (_is_bool(a) or _is_bool(b)):
        if _is_bool(a) and _is_bool(b):
            raise RuntimeError(
                "Subtraction, the `-` operator, with two bool tensors is not supported. "
                "Use the `^` or `logical_xor()` operator instead."
            )
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
            "trying to invert a mask, use the `~` or `logical_not()` operator instead."
        )
    return Sub()(a, b)


def mul(a, b) -> Tensor:
    return Mul()(*promote(a, b))


def div(a, b, *, rounding_mode=None) -> Tensor:
    """a / b, true division: integers are divided as float32 (a Python int as a float, never
    wrapped into an integer tensor's dtype first), as PyTorch's; `rounding_mode` 'trunc' or
    'floor' rounds the quotient (ops/pointwise.py)."""
    if rounding_mode is not None:
        from .pointwise import rounded_division  # pointwise builds on this module

        return rounded_division(a, b, rounding_mode)
    a, b = (float(_int64_or_uint64(x)) if type(x) is int else x for x in (a, b))
    a, b = promote(a, b)
    if _kind(a) in "biu" and _kind(b) in "biu":  # true division of integers gives float32
        a, b = (
            cast(x, _backend.default_float) if isinstance(x, Tensor) else float(x) for x in (a, b)
        )
    return Div()(a, b)


def _is_bool(x) -> bool:
    return x._data.dtype == np.bool_ if isinstance(x, Tensor) else type(x) is bool


def _kind(x) -> str:
    return x._data.dtype.kind if isinstance(x, Tensor) else np.asarray(x).dtype.kind


def pow(a, b) -> Tensor:
    """a ** b; as PyTorch, an integer tensor refuses a negative or out-of-range Python int
    exponent with a RuntimeError (never wrapped), while a Python int base is wrapped."""
    if isinstance(a, Tensor) and a._data.dtype.kind in "iu" and type(b) is int:
        if b < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        if _int64_or_uint64(b) >= 2**63:
            raise RuntimeError("value cannot be converted to type int64_t without overflow")
    if type(a) is int and isinstance(b, Tensor):
        a = _int_scalar(a, b._data.dtype)
    return Pow()(*promote(a, b, wrap=False))


def neg(x) -> Tensor:
    if x._data.dtype == np.bool_:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
            "to invert a mask, use the `~` or `logical_not()` operator instead."
        )
    return Neg()(x)


def square(x) -> Tensor:
    return Mul()(x, x)


# --- choosing elementwise ---
class Maximum(Function):
    """y = max(a, b);  the gradient goes to the larger input, split evenly on ties (PyTorch)."""

    def forward(self, a, b):
        self.save_for_backward(a, b)
        return self.xp.maximum(a, b)

    def backward(self, gy):
        a, b = self.saved
        share = (a > b) + 0.5 * (a == b)
        return gy * share, gy * (1 - share)


class Minimum(Function):
    """y = min(a, b);  the gradient goes to the smaller input, split evenly on ties (PyTorch)."""

    def forward(self, a, b):
        self.save_for_backward(a, b)
        return self.xp.minimum(a, b)

    def backward(self, gy):
        a, b = self.saved
        share = (a < b) + 0.5 * (a == b)
        return gy * share, gy * (1 - share)


class Where(Function):
    """y = a where cond else b;  the gradient goes to the chosen input, none to cond."""

    def forward(self, cond, a, b):
        self.save_for_backward(cond)
        return self.xp.where(cond, a, b)

    def backward(self, gy):
        (cond,) = self.saved
        zero = self.xp.zeros((), gy.dtype)
        return None, self.xp.where(cond, gy, zero), self.xp.where(cond, zero, gy)


def maximum(a, b) -> Tensor:
    return Maximum()(*promote(a, b))


def minimum(a, b) -> Tensor:
    return Minimum()(*promote(a, b))


def where(condition, input=None, other=None) -> Tensor:
    """`where(cond, a, b)` picks elementwise; `where(cond)` alone gives the indices (no grad)."""
    cond = condition._data if isinstance(condition, Tensor) else np.asarray(condition)
    if input is None and other is None:
        return tuple(Tensor._wrap(i) for i in cond.nonzero())
    a, b = input, other
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        a = Tensor._wrap(to_array(a))  # two Python floats give float32, not float64
    a, b = promote(a, b, wrap=False)  # PyTorch's where refuses an int its dtype cannot hold
    if cond.dtype != np.bool_:  # by an op: a compiled step converts each call's condition
        cond = array_op(_as_bool, cond)._data
    return Where()(cond, a, b)


def _as_bool(a):
    return a.astype(bool)
