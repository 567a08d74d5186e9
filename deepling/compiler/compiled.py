"""A compiled step: a function that records itself once per kind of call and replays the record.

`CompiledFunction(fn)` is what `deepling.compile`, `tf.function` and Keras's `fit` build on.
Each call is keyed as PyTorch's compiler guards it: the tensors' shapes and dtypes, the other
arguments' values, grad mode, and train/eval of the modules the step ran. An unseen key runs
`fn` eagerly while step.py records it; two recordings alike (the second call confirms what the
first saw: no value computed outside ops changed) become the generated `Program`; a seen key
runs the program (after checking that the captured parameters still hold the arrays it
captured, or records again). If a recording gives up (a value read into Python, ...), `fn` runs eagerly from
then on, with one warning naming the line: the results are always the eager results.
"""

from __future__ import annotations

import functools
import threading
import warnings

import numpy as np

from .. import grad_mode, recording
from ..tensor import Tensor, clock
from .differences import differences
from .generated import Generated
from .graph_program import GraphProgram
from .graph_program import plan as plan_graph
from .step import StepRecorder, record_call

_MAX_PROGRAMS = 32  # keys kept per function (each shape of the inputs is one)
_TRIES = 3  # recordings of one key that may differ (a first call builds layers) before eager


class CompileWarning(UserWarning):
    """A compiled function runs eagerly from now on (the warning says why and where)."""


class Program(Generated):
    """The generated step of one recording: `run(*arrays)` replays it."""

    def __init__(self, rec: StepRecorder, input_count: int, result_expr: str, name: str):
        header = f"def step({', '.join(f'a{i}' for i in range(input_count))}):"
        body = [f"    {line}" for line in rec.lines] + [f"    return {result_expr}"]
        super().__init__(rec, "\n".join([header, *body]) + "\n", name)
        self.run = self.namespace["step"]

    def __call__(self, args, arrays):
        return self.run(*arrays)


class CompiledFunction:
    """`fn` compiled: called as `fn`; `programs` holds one Program per key seen."""

    def __init__(self, fn, *, name=None, fullgraph: bool = False, wrap_arrays: bool = False):
        self.fn = fn
        self.name = name or getattr(fn, "__qualname__", type(fn).__name__)
        self.fullgraph = fullgraph  # torch.compile(fullgraph=True): refuse to run eagerly
        self.wrap_arrays = wrap_arrays  # tf.function: NumPy arguments become tensors
        self.programs: dict = {}
        self.pending: dict = {}  # key -> (first recording, tries): a program needs two alike
        self.modules: dict = {}  # id -> module seen by any recording (train/eval is keyed)
        self.eager_reason = None  # set when a recording gave up: run eagerly from then on
        self.traces = 0  # how many recordings ran (tests and `reduce_retracing` read it)
        self._lock = threading.Lock()
        functools.update_wrapper(self, fn, updated=())

    def __call__(self, *args, **kwargs):
        if self.eager_reason is not None or (recording.recorders and recording.recorder_here()):
            return self.fn(*args, **kwargs)  # eager, or inside another recording: inline
        quick = None if kwargs else _quick_key(args, self.wrap_arrays)
        if quick is not None:  # the usual calls: tensors, arrays, lists of them, None
            arrays, base = quick
        else:
            leaves, key = [], []
            args, kwargs = _flatten((args, kwargs), leaves, key, self.wrap_arrays)
            key.append(grad_mode.state.enabled)
            base = ("nested", *key)
            arrays = [x._data if isinstance(x, Tensor) else x for x in leaves]
        with self._lock:  # one call at a time: a program reuses its recorded ops' state
            program = self.programs.get(self._keyed(base) if self.modules else base)
            if program is not None and program.holds():
                return program(args, arrays)
            return self._record(base, arrays, args, kwargs)

    def _keyed(self, base: tuple) -> tuple:
        if not self.modules:
            return base
        return (*base, *[m.training for m in self.modules.values()])

    def _record(self, base, arrays, args, kwargs):
        rec = StepRecorder()
        for i, array in enumerate(arrays):
            rec.bind(array, f"a{i}")
        self.traces += 1
        start = next(clock.ticks)  # the ops recorded now come after this tick
        result = record_call(self.fn, args, kwargs, rec)
        graph = None
        if rec.reason is None and _graph_escapes(result):
            # the caller walks the returned graph later (torch.compile(model), then backward):
            # one op for the whole forward, whose backward is the recorded walk
            if not (isinstance(result, Tensor) and not kwargs
                    and all(isinstance(a, Tensor) for a in args)):  # fmt: skip
                self.eager_reason = "it returns a graph in a structure that is not one tensor"
                return result  # legal, and eager: no warning
            graph = plan_graph(rec, result, start, args)
            if graph is not None:
                rec.backward_lines = graph[0]
        result_expr = rec.expr(result) if rec.reason is None else None
        for m in rec.modules.values():
            self.modules.setdefault(id(m), m)
        if rec.reason is not None:
            self._give_up(rec)
            return result
        key = self._keyed(base)
        first, tries = self.pending.pop(key, (None, 0))
        why = "first call" if first is None else differences(first, rec)
        if why is not None:  # keep this one and compare the next call's recording with it
            if tries >= _TRIES:
                rec.reason, rec.line = why, "its recorded ops"
                self._give_up(rec)
            else:
                self.pending[key] = (rec, tries + 1)
            return result
        if len(self.programs) >= _MAX_PROGRAMS:
            self.programs.pop(next(iter(self.programs)))
        if graph is not None:
            out_name = rec.traced(result._data)
            self.programs[key] = GraphProgram(rec, out_name, *graph, args, self.name)
        else:
            self.programs[key] = Program(rec, len(arrays), result_expr, self.name)
        return result

    def _give_up(self, rec) -> None:
        message = f"{self.name} runs eagerly from now on: {rec.reason} (at {rec.line})"
        if self.fullgraph:
            raise RuntimeError(f"fullgraph=True: {message}")
        self.eager_reason = rec.reason
        warnings.warn(message, CompileWarning, stacklevel=4)

    def __get__(self, instance, owner=None):
        """As a method: compiled once per instance, bound to it."""
        if instance is None:
            return self
        bound = instance.__dict__.get(f"_compiled_{self.name}")
        if bound is None:
            bound = CompiledFunction(
                self.fn.__get__(instance, owner), name=self.name, fullgraph=self.fullgraph,
                wrap_arrays=self.wrap_arrays,
            )  # fmt: skip
            instance.__dict__[f"_compiled_{self.name}"] = bound
        return bound

    def __repr__(self) -> str:
        return f"<compiled {self.name}: {len(self.programs)} programs>"


def _graph_escapes(result) -> bool:
    """Whether a returned tensor still has a graph that a later backward could walk."""
    if isinstance(result, Tensor):
        fn = result.grad_fn
        return fn is not None and fn.inputs is not None
    if isinstance(result, (list, tuple)):
        return any(_graph_escapes(r) for r in result)
    if isinstance(result, dict):
        return any(_graph_escapes(r) for r in result.values())
    return False


def _quick_key(args, wrap_arrays: bool):
    """(leaves, key) for positional tensors, arrays (unless `wrap_arrays`), None, and flat
    lists of tensors and arrays; None for any other call (then `_flatten` keys it)."""
    leaves, key = [], [grad_mode.state.enabled]  # leaves: the arrays
    for a in args:
        if isinstance(a, Tensor):
            leaves.append(a._data)
            key.append((a._data.shape, a._data.dtype, a.requires_grad))
        elif type(a) is np.ndarray and not wrap_arrays:
            leaves.append(a)
            key.append((a.shape, a.dtype))
        elif a is None:
            key.append(None)
        elif type(a) is list:
            key.append(len(a))
            for x in a:
                if type(x) is np.ndarray and not wrap_arrays:
                    key.append((x.shape, x.dtype))
                    leaves.append(x)
                elif isinstance(x, Tensor):
                    key.append((x._data.shape, x._data.dtype, x.requires_grad))
                    leaves.append(x._data)
                else:
                    return None
        else:
            return None
    return leaves, tuple(key)


def _flatten(obj, leaves: list, key: list, wrap_arrays: bool):
    """`obj` with its tensors (and arrays) listed in `leaves`, and the key of the call: shapes
    and dtypes of tensors, values of other hashable arguments (TF retraces on those too)."""
    if isinstance(obj, Tensor):
        leaves.append(obj)
        key.append((obj._data.shape, obj._data.dtype, obj.requires_grad))
        return obj
    if isinstance(obj, np.ndarray):
        obj = Tensor._wrap(obj) if wrap_arrays else obj
        leaves.append(obj)
        key.append((obj.shape, obj.dtype))
        return obj
    if type(obj) in (list, tuple):
        key.append((type(obj), len(obj)))
        return type(obj)(_flatten(o, leaves, key, wrap_arrays) for o in obj)
    if type(obj) is dict:
        key.append(tuple(obj))
        return {k: _flatten(v, leaves, key, wrap_arrays) for k, v in obj.items()}
    try:
        hash(obj)
        key.append((type(obj), obj))
    except TypeError:
        key.append(id(obj))
    return obj


class CompiledModule:
    """`torch.compile(module)`: calls run the module's `__call__` compiled; every other
    attribute is the module's own (`_orig_mod` is the module, as PyTorch names it)."""

    def __init__(self, module, fullgraph: bool):
        self.__dict__["_orig_mod"] = module
        self.__dict__["_compiled_call"] = CompiledFunction(
            module.__call__, name=type(module).__name__, fullgraph=fullgraph
        )

    def __call__(self, *args, **kwargs):
        return self._compiled_call(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.__dict__["_orig_mod"], name)

    def __setattr__(self, name, value) -> None:
        setattr(self._orig_mod, name, value)

    def __repr__(self) -> str:
        return f"OptimizedModule(\n  (_orig_mod): {self._orig_mod!r}\n)"


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None,  # noqa: A001
            options=None, disable=False):  # fmt: skip
    """`torch.compile`: `model` (a function or a Module) recorded once per kind of call and
    replayed as flat array calls (see this module's docstring). Usable as `compile(fn)`,
    `@compile` and `@compile(mode=...)`.

    Args:
        model: a function (a whole training step may be one: forward, `loss.backward()`,
            `optimizer.step()`) or an `nn.Module`.
        fullgraph: raise instead of running eagerly when the function cannot be replayed.
        dynamic, backend, mode, options: how PyTorch's compiler works; accepted, no effect.
        disable: return `model` itself.

    Example:
        >>> import deepling as dl
        >>> step = dl.compile(lambda x: (x * 2).sum())
        >>> float(step(dl.ones(3))), float(step(dl.ones(3)))
        (6.0, 6.0)
    """

    def decorate(fn):
        if disable:
            return fn
        if hasattr(fn, "parameters") and hasattr(fn, "forward"):
            return CompiledModule(fn, fullgraph)
        return CompiledFunction(fn, fullgraph=fullgraph)

    return decorate if model is None else decorate(model)
