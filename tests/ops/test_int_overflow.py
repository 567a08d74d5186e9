"""Python ints out of an integer tensor's range, as PyTorch 2.13: + - * and comparisons wrap the
int modulo 2**bits (NumPy 2 raises OverflowError instead), true division reads it as a float,
`where` and a `**` exponent refuse it, ints beyond int64/uint64 are an OverflowError. Expected
numbers were read from torch 2.13 and are compared with torch again when it is installed."""

import operator

import numpy as np
import pytest

import deepling as dl
from tests.helpers import HAS_TORCH

OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}
OPS.update({"**": operator.pow, "<": operator.lt, "==": operator.eq, ">": operator.gt})

# (dtype, data, op, python int, reflected, expected values)
WRAPS = [
    ("uint8", [250, 3], "+", 300, False, [38, 47]),
    ("uint8", [250, 3], "+", 300, True, [38, 47]),
    ("uint8", [250, 3], "-", 300, False, [206, 215]),
    ("uint8", [250, 3], "-", 300, True, [50, 41]),
    ("uint8", [250, 3], "*", 300, False, [248, 132]),
    ("uint8", [250, 3], "+", -300, False, [206, 215]),
    ("uint8", [250, 3], "+", 2**64 - 1, False, [249, 2]),  # read as uint64, then wrapped
    ("int8", [120, 3], "+", 300, False, [-92, 47]),
    ("int8", [120, 3], "-", 300, True, [-76, 41]),
    ("int8", [120, 3], "*", -300, False, [96, 124]),
    ("int16", [250, 3], "+", 2**31 + 5, False, [255, 8]),
    ("int16", [250, 3], "*", 300, False, [9464, 900]),
    ("int32", [250, 3], "+", 2**31 + 5, False, [-2147483393, -2147483640]),
    ("int32", [250, 3], "-", -(2**40), False, [250, 3]),
    ("int64", [250, 3], "+", 2**63, False, [-9223372036854775558, -9223372036854775805]),
    ("int64", [250, 3], "+", 2**64 - 1, False, [249, 2]),
    ("uint8", [250, 3], "<", 300, False, [False, True]),  # 300 is 44 in uint8
    ("uint8", [250, 3], "==", 250 + 256, False, [True, False]),
    ("uint8", [250, 3], ">", -1, False, [False, False]),  # -1 is 255
    ("uint8", [250, 3], "/", 300, False, [250 / 300, 3 / 300]),  # a float, never wrapped
    ("int8", [120, 3], "/", 2**63 - 1, False, [120 / (2**63 - 1), 3 / (2**63 - 1)]),
    ("uint8", [250, 3], "**", 300, True, [0, 192]),  # the base wraps
    ("int16", [250, 3], "**", 2, False, [-3036, 9]),
]


def _apply(lib, dtype, data, op, k, reflected):
    x = lib.tensor(data, dtype=getattr(lib, dtype))
    return OPS[op](k, x) if reflected else OPS[op](x, k)


@pytest.mark.parametrize("dtype, data, op, k, reflected, expected", WRAPS)
def test_python_ints_wrap_as_pytorch(dtype, data, op, k, reflected, expected):
    y = _apply(dl, dtype, data, op, k, reflected)
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-6)
    if op in "+-*":
        assert y.dtype == getattr(dl, dtype)
    if HAS_TORCH:
        import torch

        t = _apply(torch, dtype, data, op, k, reflected)
        np.testing.assert_allclose(y.numpy(), t.numpy(), rtol=1e-6)
        assert str(t.dtype) == str(y.dtype)


def test_tensor_plus_tensor_wraps():
    u8 = lambda v: dl.tensor(v, dtype=dl.uint8)  # noqa: E731
    assert (u8([250]) + u8([10])).tolist() == [4]
    assert (u8([3]) - u8([10])).tolist() == [249]
    assert (dl.tensor([120], dtype=dl.int8) + dl.tensor([10], dtype=dl.int8)).tolist() == [-126]
    t = u8([250])
    t += 300
    assert t.tolist() == [38] and t.dtype == dl.uint8


# (make operands, error type, words) as torch 2.13 raises them
REFUSED = [
    (lambda lib: lib.tensor([250, 3], dtype=lib.uint8) + 2**64, OverflowError, "int too big"),
    (lambda lib: lib.tensor([1.0]) * 2**70, OverflowError, "int too big"),
    (lambda lib: lib.tensor([1]) - (-(2**70)), OverflowError, "negative int to unsigned"),
    (lambda lib: lib.tensor([1]) / 2**64, OverflowError, "int too big"),
    (
        lambda lib: lib.tensor([250], dtype=lib.uint8) ** 300,
        RuntimeError,
        "uint8_t without overflow",
    ),
    (lambda lib: lib.tensor([250], dtype=lib.int16) ** -3, RuntimeError, "negative integer powers"),
    (
        lambda lib: lib.where(lib.tensor([True]), lib.tensor([1], dtype=lib.uint8), 300),
        RuntimeError,
        "uint8_t without overflow",
    ),
    (lambda lib: lib.tensor([True]) + 2**63, RuntimeError, "Promotion for uint16, uint32, uint64"),
    (lambda lib: lib.tensor([3]) - True, RuntimeError, "with a bool tensor is not supported"),
    (lambda lib: lib.tensor([True]) - lib.tensor([True]), RuntimeError, "with two bool tensors"),
    (lambda lib: -lib.tensor([True]), RuntimeError, "Negation, the `-` operator, on a bool tensor"),
]


@pytest.mark.parametrize("make, error, words", REFUSED)
def test_refused_as_pytorch(make, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(")):
        make(dl)
    if HAS_TORCH:
        import torch

        with pytest.raises(error, match=words.replace("(", r"\(")):
            make(torch)
