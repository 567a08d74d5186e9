"""Rows for the everyday ops of the PyTorch face: trigonometric and hyperbolic functions,
reciprocals, log2/log10, rounding (floor, ceil, round, trunc, sign), fmod and remainder,
cumsum, einsum, det, vector norms, nan_to_num and scatter.

Not exported (no standard ONNX operator, and no short composition): inv and solve (only
onnxruntime's com.microsoft domain has Inverse). onnxruntime runs Tan, Asin, Acos, Atan, Sinh,
Cosh and Det in float32 only (a float64 model is valid ONNX that it cannot run).
"""

from __future__ import annotations

import math
import string

import numpy as np

from ..ops import compare, cumulative, index, linsolve, matrix, norms, pointwise, trig, unary


def _unary(op_type):
    return lambda g, node, x: g.op(op_type, x)


def _log_base(g, node, x):
    """log2 and log10 as log(x) / log(base)."""
    return g.op("Div", g.op("Log", x), g.scalar(math.log(node.fn.base), node.output.dtype))


def _atan2(g, node, a, b):
    """atan(a / b), moved by pi where b < 0 (toward a's sign), and pi/2 times the sign of a
    where b = 0. (Signed zeros are not told apart: atan2(-0.0, -1) gives pi, not -pi.)"""
    dtype = node.output.dtype
    zero, pi = g.scalar(0, dtype), g.scalar(math.pi, dtype)
    angle = g.op("Atan", g.op("Div", a, b))
    turn = g.op("Where", g.op("Less", a, zero), g.op("Neg", pi), pi)
    angle = g.op("Where", g.op("Less", b, zero), g.op("Add", angle, turn), angle)
    upright = g.op("Mul", g.op("Sign", a), g.scalar(math.pi / 2, dtype))
    return g.op("Where", g.op("Equal", b, zero), upright, angle)


def _step(g, node, x):
    """floor, ceil, sign and round (ONNX's Round rounds halves to even, as NumPy), round to
    `decimals` places as NumPy does it (scale, round, scale back), trunc by the sign."""
    fn, dtype = node.fn, node.output.dtype
    if fn.kind == "trunc":
        return g.op("Where", g.op("Less", x, g.scalar(0, dtype)), g.op("Ceil", x), g.op("Floor", x))
    if fn.kind != "round" or not fn.decimals:
        return g.op(
            {"floor": "Floor", "ceil": "Ceil", "round": "Round", "sign": "Sign"}[fn.kind], x
        )
    scale = g.scalar(10.0 ** abs(fn.decimals), dtype)
    into, back = ("Mul", "Div") if fn.decimals > 0 else ("Div", "Mul")
    return g.op(back, g.op("Round", g.op(into, x, scale)), scale)


def _remainder(g, node, a, b):
    """The remainder with b's sign: Mod(fmod=0) for integers; for floats C's fmod, plus b where
    it is nonzero and its sign differs from b's (as NumPy computes it)."""
    if node.output.dtype.kind in "iu":
        return g.op("Mod", a, b, fmod=0)
    zero = g.scalar(0, node.output.dtype)
    r = g.op("Mod", a, b, fmod=1)
    differ = g.op("Xor", g.op("Less", r, zero), g.op("Less", b, zero))
    fix = g.op("And", differ, g.op("Not", g.op("Equal", r, zero)))
    return g.op("Where", fix, g.op("Add", r, b), r)


def _einsum(g, node, *xs):
    """ONNX's Einsum takes lower-case letters: each letter of the equation gets one."""
    fn = node.fn
    letters = list(dict.fromkeys("".join(fn.specs) + fn.out))
    if len(letters) > 26:
        raise NotImplementedError("ONNX export: an einsum with more than 26 letters")
    lower = dict(zip(letters, string.ascii_lowercase))
    equation = ",".join(fn.specs) + "->" + fn.out
    return g.op("Einsum", *xs, equation="".join(lower.get(c, c) for c in equation))


def _vector_norm(g, node, x):
    """ReduceL1 and ReduceL2 for p = 1 and 2, else (sum |x|**p)**(1/p)."""
    fn, dtype = node.fn, node.output.dtype
    if fn.p in (1, 2):
        return g.reduce("ReduceL1" if fn.p == 1 else "ReduceL2", x, fn.axes, fn.keepdims)
    powers = g.op("Pow", g.op("Abs", x), g.scalar(fn.p, dtype))
    total = g.reduce("ReduceSum", powers, fn.axes, fn.keepdims)
    return g.op("Pow", total, g.scalar(1 / fn.p, dtype))


def _nan_to_num(g, node, x):
    """nan, inf and -inf replaced (by default by the dtype's largest and smallest numbers)."""
    fn, dtype = node.fn, node.output.dtype
    info = np.finfo(dtype)
    posinf = info.max if fn.posinf is None else fn.posinf
    neginf = info.min if fn.neginf is None else fn.neginf
    y = g.op("Where", g.op("IsNaN", x), g.scalar(fn.nan, dtype), x)
    y = g.op("Where", g.op("IsInf", x, detect_negative=0), g.scalar(posinf, dtype), y)
    return g.op("Where", g.op("IsInf", x, detect_positive=0), g.scalar(neginf, dtype), y)


def _scatter(g, node, x, src):
    fn = node.fn
    indices = g.value_name(node.attr_value(fn.key[fn.dim]))
    return g.op("ScatterElements", x, indices, src, axis=int(fn.dim))


EVERYDAY_ROWS = {
    trig.Tan: _unary("Tan"),
    trig.Asin: _unary("Asin"),
    trig.Acos: _unary("Acos"),
    trig.Atan: _unary("Atan"),
    trig.Sinh: _unary("Sinh"),
    trig.Cosh: _unary("Cosh"),
    trig.Atan2: _atan2,
    unary.Reciprocal: _unary("Reciprocal"),
    unary.Rsqrt: lambda g, node, x: g.op("Reciprocal", g.op("Sqrt", x)),
    unary.LogBase: _log_base,
    pointwise.Step: _step,
    pointwise.Fmod: lambda g, node, a, b: g.op("Mod", a, b, fmod=1),
    pointwise.Remainder: _remainder,
    cumulative.Cumsum: lambda g, n, x: g.op("CumSum", x, g.scalar(n.fn.axis, np.int64)),
    matrix.Einsum: _einsum,
    linsolve.Det: _unary("Det"),
    norms.VectorNorm: _vector_norm,
    compare.NanToNum: _nan_to_num,
    index.Scatter: _scatter,
}
