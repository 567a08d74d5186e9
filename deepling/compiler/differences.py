"""Whether two recordings of the same kind of call give the same program.

A single recording cannot see an array computed with NumPy from an input or a parameter
outside ops, or drawn at random: a replay would keep it as it was. Two recordings of the same
kind of call can: their lines must be the same and every captured value equal (a recorded op
compared by the attributes it was given), or the difference says what changed and where.
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor


def differences(first, second) -> str | None:
    """Why two recordings of the same kind of call would not give the same program (None when
    they would): other lines, or a captured value that changed (then computed outside ops
    from the inputs or the parameters, or drawn at random, and a replay would keep it)."""
    if first.lines != second.lines or first.backward_lines != second.backward_lines:
        return (
            "it did different things on two calls with the same kinds of arguments (Python "
            f"control flow on values?{_first_difference(first, second)})"
        )
    for name, a in first.namespace.items():
        b = second.namespace.get(name)
        if name in first.initial and type(a) is type(b):  # an op: compare what it was given
            a, b = first.initial[name], second.initial.get(name)
        if not _same(a, b, first, second):
            return (
                "a value it uses changed between calls although computed outside ops "
                f"({_what(first.namespace[name])}{_used_by(first, name)})"
            )
    return None


def _used_by(rec, name) -> str:
    """', used by <Op>': the op whose recorded call reads the captured `name`."""
    for line in rec.lines:
        if f"({name}" in line or f" {name}," in line or f" {name})" in line:
            callee = line.split("= ")[-1].split(".")[0].split("(")[0]
            target = rec.namespace.get(callee)
            what = type(target).__name__ if isinstance(target, Function) else callee
            return f", used by {getattr(target, '__qualname__', what)}"
    return ""


def _same(a, b, first, second) -> bool:
    if a is b:
        return True
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        named = first.traced(a), second.traced(b)
        if named[0] is not None or named[1] is not None:
            return named[0] == named[1]
        return (
            a.shape == b.shape
            and a.dtype == b.dtype
            and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
        )
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        return _same(a._data, b._data, first, second)
    if type(a) in (list, tuple) and type(a) is type(b):
        return len(a) == len(b) and all(_same(x, y, first, second) for x, y in zip(a, b))
    if type(a) is dict and type(b) is dict:
        return a.keys() == b.keys() and all(_same(a[k], b[k], first, second) for k in a)
    if callable(a) and type(a) is type(b):
        return True  # closures made per call (batch norm's update): their code is the same
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def _what(obj) -> str:
    if isinstance(obj, Function):
        return f"in {type(obj).__name__}"
    if isinstance(obj, (np.ndarray, Tensor)):
        return f"an array of shape {tuple(obj.shape)}"
    return type(obj).__name__


def _first_difference(first, second) -> str:
    """', first at <Op>': the op of the first recorded line that differs, if an op."""
    ours, theirs = first.lines + first.backward_lines, second.lines + second.backward_lines
    for a, b in zip([*ours, ""], [*theirs, ""]):
        if a != b:
            for rec, line in ((first, a), (second, b)):
                target = rec.namespace.get(line.split("= ")[-1].split(".")[0].split("(")[0])
                if isinstance(target, Function):
                    return f" first at {type(target).__name__}"
            return ""
    return ""
