"""Recording one eager run of a step function as a flat program of array calls.

While the function runs (eagerly: its results are the eager results), the recorder writes one
line of Python per thing that touched an array:

- each core Function call: `v7 = f7.forward(v3, c2)` (the same Function object is called again,
  so its backward finds what its forward saved);
- the backward walk, planned in backward_plan.py: `g = f7.backward(v9)`, the broadcasting sums
  and casts already resolved, the gradients accumulated and committed to `.grad`;
- each state change marked by `deepling.recording.effect` (an optimizer's `step`, `zero_grad`,
  `apply_gradients`, a variable's `assign_sub`) and each in-place write (`p -= lr * g` under
  no_grad, `x[k] = v`): called again with the replayed arrays.

The lines become one generated Python function over arrays (`Program`): no Tensor per op, no
graph, no walk. Arrays are named by kind: `a<i>` the step's inputs, `v<n>` arrays the program
makes, `c<n>` arrays and objects captured from outside (parameters are captured by identity and
change in place; a guard checks each captured tensor still holds the same array).

Anything the program could not replay faithfully (a tensor's value read into Python, a view
of a traced array made outside ops, second-order gradients) makes the recorder `give_up`: the
caller then runs the function eagerly from now on. What a single recording cannot see (an
array computed with NumPy from an input, or drawn at random, outside ops, then used by an op)
`differences` finds by comparing two recordings of the same kind of call: the program keeps
only what was the same both times.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import types

import numpy as np

from .. import recording
from ..tensor import Tensor
from . import backward_plan, inplace
from .trace import _arrays_in
from .trace import _start as _start_calls
from .trace import _stop as _stop_calls

_ONCE = (zip, map, filter, types.GeneratorType)  # iterators an effect's replay needs again
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_READS = ("item", "tolist", "numpy", "__array__", "__float__", "__int__", "__bool__", "__index__")


class StepRecorder:
    """What one recording run has seen: names of arrays, lines of code, captured objects."""

    def __init__(self):
        self.names: dict = {}  # id(array) -> (array, name): inputs and arrays the program makes
        self.namespace: dict = {}  # name -> captured object, for the generated code
        self.captured: dict = {}  # id(object) -> its name in the namespace
        self.lines: list = []
        self.backward_lines: list = []  # a compiled forward's own backward (graph_program.py)
        self.initial: dict = {}  # name of a recorded op -> its attributes before its forward
        self.computed: dict = {}  # (op, attributes, arguments) -> the name of its result
        self.leaf_guards: list = []  # (tensor, array): the tensor must still hold that array
        self.modules: dict = {}  # id -> module whose __call__ ran (their train/eval is guarded)
        self.depth = 0  # > 0 inside a recorded call: its inner work is part of that call
        self.reason = None  # why the program cannot replay the function (then None is built)
        self.line = None  # where, in the user's code
        self._count = 0

    # --- names ---
    def new_name(self, prefix: str) -> str:
        self._count += 1
        return f"{prefix}{self._count}"

    def bind(self, array, name: str) -> str:
        self.names[id(array)] = (array, name)
        return name

    def traced(self, array) -> str | None:
        """The name of an input or made array, else None."""
        entry = self.names.get(id(array))
        return entry[1] if entry is not None and entry[0] is array else None

    def capture(self, obj) -> str:
        """A name in the generated code's namespace for an object taken as it is."""
        name = self.captured.get(id(obj))
        if name is None or self.namespace[name] is not obj:
            name = self.captured[id(obj)] = self.new_name("c")
            self.namespace[name] = obj
        return name

    def array_expr(self, array) -> str:
        name = self.traced(array)
        if name is not None:
            return name
        if isinstance(array, np.ndarray) and self._view_of_traced(array):
            self.give_up("a view of a traced array was made outside deepling's ops")
        return self.capture(array)

    def _view_of_traced(self, array) -> bool:
        base = array.base
        while isinstance(base, np.ndarray):
            if self.traced(base) is not None:
                return True
            base = base.base
        return False

    def expr(self, obj) -> str:
        """Python source that gives `obj` again when the program runs: traced arrays by name
        (as new Tensors over them), containers rebuilt, anything else captured."""
        if isinstance(obj, Tensor):
            name = self.traced(obj._data)
            if name is not None:
                return f"_wrap({name})"
            self.guard(obj)
            return self.capture(obj)
        if isinstance(obj, np.ndarray):
            return self.array_expr(obj)
        if type(obj) in (list, tuple):
            items = ", ".join(self.expr(o) for o in obj)
            return f"[{items}]" if type(obj) is list else f"({items}{',' if len(obj) == 1 else ''})"
        if type(obj) is dict:
            return "{" + ", ".join(f"{self.expr(k)}: {self.expr(v)}" for k, v in obj.items()) + "}"
        return self.capture(obj)

    def guard(self, tensor) -> None:
        self.leaf_guards.append((tensor, tensor._data))

    def emit(self, line: str) -> None:
        self.lines.append(line)

    def give_up(self, reason: str) -> None:
        if self.reason is None:
            self.reason, self.line = reason, user_line()

    # --- what the hooks call ---
    def record(self, original, fn, inputs):
        """A core Function call (from trace._recording_call)."""
        if self.depth:
            return original(fn, *inputs)
        args = []
        for x in inputs:
            if isinstance(x, Tensor):
                if self.traced(x._data) is None:
                    self.guard(x)
                args.append(self.array_expr(x._data))
            elif x is None or isinstance(x, np.ndarray):
                args.append("None" if x is None else self.array_expr(x))
            else:
                args.append(self.capture(x))
        fname = self.capture(fn)
        self.initial[fname] = dict(vars(fn))  # what the op was given (forward adds its own)
        for attr, value in list(vars(fn).items()):  # arrays an op holds that came from inputs
            for path, array in _arrays_in(value, ()):
                name = self.traced(array)
                if name is not None:
                    self.emit(_attr_line(fname, attr, path, name))
        self.depth += 1
        try:
            out = original(fn, *inputs)
        finally:
            self.depth -= 1
        key = _cse_key(fn, args, self.initial[fname], self)
        if key is not None and True not in fn.needs_input_grad and key in self.computed:
            self.bind(out._data, self.computed[key])  # computed before (a metric = the loss)
            return out
        name = self.bind(out._data, self.new_name("v"))
        call = f"{fname}.forward({', '.join(args)})"
        self.emit(f"{name} = {call}" if out._data.ndim else f"{name} = _asarray({call})")
        if key is not None:
            self.computed[key] = name
        return out

    def _forget_computed(self, line: str) -> None:
        """After a state change: results that read captured arrays (parameters) or the arrays
        the change was given may differ now, so they are not reused."""
        touched = set(_NAMES.findall(line))
        self.computed = {
            key: name for key, name in self.computed.items()
            if not (key[-1] & touched) and not any(n.startswith("c") for n in key[-1])
        }  # fmt: skip

    def effect(self, method, obj, args, kwargs, replay=None):
        """A state change marked by `recording.effect`: replayed as the same call (or as its
        `replay`, the call without its checks)."""
        if self.depth:
            return method(obj, *args, **kwargs)
        args = tuple(list(a) if isinstance(a, _ONCE) else a for a in args)  # zip(grads, vars)
        call_args = [self.expr(obj)] + [self.expr(a) for a in args]
        call_args += [f"{k}={self.expr(v)}" for k, v in kwargs.items()]
        self.emit(f"{self.capture(replay or method)}({', '.join(call_args)})")
        self._forget_computed(self.lines[-1])
        self.depth += 1
        try:
            return method(obj, *args, **kwargs)
        finally:
            self.depth -= 1

    def write(self, original, tensor, value, cast):
        """An in-place write into a tensor's array (tensor_inplace._write)."""
        if self.depth:
            return original(tensor, value, cast)
        self.emit(f"{self.capture(original)}({self.expr(tensor)}, {self.expr(value)}, {cast})")
        self._forget_computed(self.lines[-1])
        self.depth += 1
        try:
            return original(tensor, value, cast)
        finally:
            self.depth -= 1

    def setitem(self, original, tensor, key, value) -> None:
        if self.depth:
            return original(tensor, key, value)
        line = (
            f"{self.capture(original)}({self.expr(tensor)}, {self.expr(key)}, {self.expr(value)})"
        )
        self.emit(line)
        self._forget_computed(line)
        self.depth += 1
        try:
            return original(tensor, key, value)
        finally:
            self.depth -= 1

    def read(self, tensor, what: str) -> None:
        """A tensor's value read into Python: the program would not see it change."""
        if not self.depth and self.traced(tensor._data) is not None:
            self.give_up(f"{what}() turned a traced tensor into a Python value")

    def backward_walk(self, roots, root_grads, retain_graph, sources, window, create_graph):
        """The engine's walk, planned as array calls (see backward_plan.py)."""
        if self.depth or create_graph:
            if not self.depth:
                self.give_up("gradients of gradients (create_graph) are not compiled")
            from ..autograd.engine import _walk

            self.depth += 1
            try:
                return _walk(roots, root_grads, retain_graph, sources, window, create_graph)
            finally:
                self.depth -= 1
        return backward_plan.walk(self, roots, root_grads, retain_graph, sources, window)


_NAMES = re.compile(r"\b[acv]\d+\b")
_SIMPLE = (int, float, bool, str, type(None), np.dtype, np.generic)


def _cse_key(fn, args, attributes, rec):
    """What makes a call of a pure op give the same result again: its class, attributes and
    arguments (arrays by name); None for ops that draw, change state or hold other objects."""
    if not getattr(fn, "pure", True) or getattr(fn, "update", None) is not None:
        return None
    parts = []
    for attr, value in attributes.items():
        if attr in ("inputs", "saved", "needs_input_grad", "seq", "xp", "retained"):
            continue
        part = _hashable(value, rec)
        if part is _UNHASHABLE:
            return None
        parts.append((attr, part))
    reads = frozenset(a for a in args if _NAMES.fullmatch(a)) | frozenset(
        n for _, part in parts for n in _names_in(part)
    )
    return type(fn), tuple(parts), tuple(args), reads


_UNHASHABLE = object()


def _hashable(value, rec):
    if isinstance(value, _SIMPLE):
        return value
    if isinstance(value, np.ndarray):
        return ("array", rec.traced(value) or rec.capture(value))
    if type(value) in (tuple, list):
        items = tuple(_hashable(v, rec) for v in value)
        return _UNHASHABLE if _UNHASHABLE in items else items
    return _UNHASHABLE


def _names_in(part):
    if type(part) is tuple:
        if len(part) == 2 and part[0] == "array":
            yield part[1]
        else:
            for p in part:
                yield from _names_in(p)


def _attr_line(fname, attr, path, name) -> str:
    if not path:
        return f"{fname}.{attr} = {name}"
    return f"{fname}.{attr} = _replaced({fname}.{attr}, {path!r}, {name})"


def user_line() -> str:
    """'file:line' of the innermost frame outside deepling (the user's code)."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back
    if frame is None:
        return "<unknown>"
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


# --- hooks that are installed only while a step records ---
_lock = threading.Lock()
_active = [0]
_original_reads = {name: getattr(Tensor, name) for name in _READS}


def _reading(name):
    original = _original_reads[name]

    def read(self, *args, **kwargs):
        rec = recording.recorder_here()
        if rec is not None:
            rec.read(self, name)
        return original(self, *args, **kwargs)

    read.__name__ = name
    return read


def start(rec: StepRecorder) -> None:
    tid = threading.get_ident()
    with _lock:
        _start_calls(rec)  # Function.__call__ and the in-place hooks
        recording.recorders[tid] = rec
        if not _active[0]:
            for name in _READS:
                setattr(Tensor, name, _reading(name))
        _active[0] += 1


def stop() -> None:
    with _lock:
        _active[0] -= 1
        if not _active[0]:
            for name, original in _original_reads.items():
                setattr(Tensor, name, original)
        recording.recorders.pop(threading.get_ident(), None)
        _stop_calls()


def record_call(fn, args, kwargs, rec: StepRecorder):
    """Run `fn(*args, **kwargs)` once, eagerly, with `rec` recording."""
    start(rec)
    try:
        return fn(*args, **kwargs)
    finally:
        stop()


__all__ = ["StepRecorder", "inplace", "record_call", "start", "stop", "user_line"]
