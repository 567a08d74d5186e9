"""In-place changes during a trace. deepling writes into an array in two places of
tensor_inplace.py: `_write` (every in-place method: zero_, fill_, copy_, add_, ..., normal_,
and `x += y` outside grad mode) and `Tensor.__setitem__`. Neither is a Function, so the trace
cannot see them as ops. While a trace runs both are swapped for checks:

- `x += y` (and -=, *=, /=) computes `x + y` with a recorded op and copies the result into x's
  array: the trace follows it by making that op's output the newest version of x's array, when
  x's array is not a view and no traced value is a view of it;
- any other in-place change of an array the trace has read or made, or a write of a traced
  value into an array, raises TraceError naming the op, before anything changes.
"""

from __future__ import annotations

import sys
import threading

import numpy as np

from .. import tensor_inplace
from ..tensor import Tensor

_original_write = tensor_inplace._write
_original_setitem = Tensor.__setitem__
_recorders: dict = {}


def _op_name() -> str:
    """The method the user called (`add_`, `__iadd__`, ...), found on the stack."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_name in _PLUMBING:
        frame = frame.f_back
    return frame.f_code.co_name if frame is not None else "an in-place op"


def _touches(rec, array) -> bool:
    """Whether `array` shares memory with any array the trace has read or made."""
    for v in rec.values:
        if isinstance(v.array, np.ndarray) and np.may_share_memory(v.array, array):
            return True
    return False


def _refuse(op, what) -> None:
    from .trace import TraceError

    raise TraceError(
        f"{op} {what} in place during the trace; in-place changes are not recorded as ops "
        "(write `y = x + 1` instead of `x.add_(1)`, or build the tensor with torch.cat/where)"
    )


_PLUMBING = ("_write", "_iop", "_checked_write", "_draw")


def _checked_write(self, value, cast: bool = False):
    rec = _recorders.get(threading.get_ident())
    if rec is None:
        return _original_write(self, value, cast)
    if hasattr(rec, "write"):  # a compiled step records the write to replay it
        return rec.write(_original_write, self, value, cast)
    op, target = _op_name(), self._data
    new = rec.lookup(value._data) if isinstance(value, Tensor) else None
    if new is not None and new.kind in ("node", "input"):
        if not (op in _AUGMENTED and new.kind == "node" and _follows(rec, target)):
            _refuse(op, "wrote a traced value into an array")
        old = rec.lookup(target)
        if old is not None and old.kind == "constant":  # read before: keep the values it had
            old.array = target.copy()
        out = _original_write(self, value, cast)
        rec.alias(target, new)  # x += y: the recorded x + y is x's newest version
        return out
    if _touches(rec, target):
        _refuse(op, "changed a value of the traced graph")
    return _original_write(self, value, cast)


def _follows(rec, target) -> bool:
    """Whether the trace can follow a new version of `target`: it is not a view, and no traced
    value is a view of it."""
    if target.base is not None:
        return False
    return not any(isinstance(v.array, np.ndarray) and v.array.base is target for v in rec.values)


def _checked_setitem(self, key, value) -> None:
    rec = _recorders.get(threading.get_ident())
    if hasattr(rec, "setitem"):  # a compiled step records the write to replay it
        return rec.setitem(_original_setitem, self, key, value)
    if rec is not None:
        if _touches(rec, self._data):
            _refuse("__setitem__ (x[...] = ...)", "changed a value of the traced graph")
        if isinstance(value, Tensor) and rec.lookup(value._data) is not None:
            _refuse("__setitem__ (x[...] = v)", "wrote a traced value into an array")
    _original_setitem(self, key, value)


_AUGMENTED = ("__iadd__", "__isub__", "__imul__", "__itruediv__")


def install(recorders) -> None:
    global _recorders
    _recorders = recorders
    tensor_inplace._write = _checked_write
    Tensor.__setitem__ = _checked_setitem


def uninstall() -> None:
    tensor_inplace._write = _original_write
    Tensor.__setitem__ = _original_setitem
