"""trace(fn, *example_inputs): run `fn` once and record every core Function call, in order.

A value is identified by its array (`tensor._data`), not by its Tensor: some Functions take the
model's input as an attribute array rather than as a Tensor input (the indices of `Embedding`,
an integer key of `GetItem`), and `detach()`/`.data` make new Tensors over the same array. The
Trace keeps every array it saw alive, so no id is reused while it exists.

Recording swaps `Function.__call__` (which `ViewFunction.__call__` calls too) for a recording
wrapper only while a trace runs, and records only calls made by the tracing thread: the normal
path carries no check at all. Calls made inside a recorded call (the ops of a custom Function's
forward run under its `apply`, not inside `__call__`, so they are recorded; a Function whose
forward calls other Functions is recorded once, as itself) are not recorded twice.
"""

from __future__ import annotations

import threading

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor
from . import inplace

INPUT, PARAMETER, NODE, CONSTANT = "input", "parameter", "node", "constant"


class TraceError(RuntimeError):
    """A function the trace cannot record as a graph of Functions."""


class Value:
    """One array the trace read or made: a graph input (`index` is its position), a parameter
    or buffer (`name` is its path), a node's output (`node`), or a constant captured by value
    (a Python number is kept as it is: NumPy treats it as weak in promotion)."""

    __slots__ = ("array", "kind", "name", "node", "index")

    def __init__(self, array, kind, name=None, node=None, index=None):
        self.array, self.kind, self.name, self.node, self.index = array, kind, name, node, index

    @property
    def shape(self) -> tuple:
        return np.shape(self.array)

    @property
    def dtype(self):
        return getattr(self.array, "dtype", None)

    def __repr__(self) -> str:
        what = self.name or (self.node.op if self.node else None) or self.index
        return f"<Value {self.kind} {what} {self.shape}>"


class Node:
    """One recorded Function call: the Function (its attributes as they were after the call),
    its input Values (None where the call passed None), the Values of the arrays found among its
    attributes before the call (`attrs`: a list of (attribute, path into nested tuples, Value)),
    and its output Value."""

    __slots__ = ("fn", "inputs", "attrs", "output", "index")

    def __init__(self, fn, inputs, attrs, index):
        self.fn, self.inputs, self.attrs, self.index = fn, inputs, attrs, index
        self.output = None

    @property
    def op(self) -> str:
        return type(self.fn).__name__

    def attr_value(self, array) -> Value:
        """The Value of an array held in one of the Function's attributes."""
        for _, _, value in self.attrs:
            if value.array is array:
                return value
        raise KeyError(f"{self.op}: the array is not among its recorded attributes")

    def reads(self):
        """Every Value the call read: its inputs, then the arrays among its attributes."""
        for v in self.inputs:
            if v is not None:
                yield v
        for _, _, v in self.attrs:
            yield v

    def __repr__(self) -> str:
        return f"<Node {self.index} {self.op}>"


class Trace:
    """The record of one call of a function: graph inputs, nodes in call order, outputs."""

    def __init__(self, inputs, nodes, outputs, values, structure):
        self.inputs, self.nodes, self.outputs = inputs, nodes, outputs
        self.values = values  # every Value, in the order first seen
        self.structure = structure  # "tensor", "tuple" or "list": how fn returned its outputs

    def _of_kind(self, kind) -> list:
        return [v for v in self.values if v.kind == kind]

    @property
    def parameters(self) -> list:
        """The named parameters and buffers the graph reads, in the order first read."""
        return self._of_kind(PARAMETER)

    @property
    def constants(self) -> list:
        return self._of_kind(CONSTANT)

    def __repr__(self) -> str:
        ops = ", ".join(n.op for n in self.nodes[:8]) + (", ..." if len(self.nodes) > 8 else "")
        return f"<Trace {len(self.inputs)} inputs, {len(self.nodes)} nodes ({ops})>"


class _Recorder:
    """What one trace has seen so far: the Value of each array id (its newest version)."""

    def __init__(self, names):
        self.names = names  # id(array) -> parameter or buffer name
        self.known: dict = {}
        self.values: list = []
        self.nodes: list = []
        self.depth = 0

    def add(self, value) -> Value:
        self.known[id(value.array)] = (value.array, value)
        self.values.append(value)
        return value

    def alias(self, array, value) -> None:
        """From now on `array` holds `value` (after `x += y` copied it into x's array)."""
        self.known[id(array)] = (array, value)

    def lookup(self, array):
        entry = self.known.get(id(array))
        return entry[1] if entry is not None and entry[0] is array else None

    def value(self, obj):
        """The Value of an input or attribute of a call; a new one for an array not seen yet."""
        if obj is None:
            return None
        array = obj._data if isinstance(obj, Tensor) else obj
        v = self.lookup(array)
        if v is None:
            name = self.names.get(id(array))
            v = self.add(Value(array, PARAMETER if name else CONSTANT, name))
        return v

    def attrs(self, fn) -> list:
        found = []
        for attr, obj in vars(fn).items():
            for path, array in _arrays_in(obj, ()):
                found.append((attr, path, self.value(array)))
        return found

    def record(self, original, fn, inputs):
        self.depth += 1
        try:
            if self.depth > 1:  # inside a recorded call: part of that call
                return original(fn, *inputs)
            ins = [self.value(x) for x in inputs]
            node = Node(fn, ins, self.attrs(fn), len(self.nodes))
            out = original(fn, *inputs)
        finally:
            self.depth -= 1
        node.output = self.add(Value(out._data, NODE, node=node))
        self.nodes.append(node)
        return out


def _arrays_in(obj, path):
    """(path, array) for each array in `obj`, looking into tuples and lists (indexing keys)."""
    if isinstance(obj, np.ndarray):
        yield path, obj
    elif isinstance(obj, Tensor):
        yield path, obj._data
    elif isinstance(obj, (tuple, list)):
        for i, item in enumerate(obj):
            yield from _arrays_in(item, (*path, i))


# --- swapping Function.__call__ while any thread traces ---
_recorders: dict = {}  # thread id -> _Recorder
_lock = threading.Lock()
_original_call = Function.__call__


def _recording_call(self, *inputs):
    rec = _recorders.get(threading.get_ident())
    if rec is None:  # another thread's call during a trace: not recorded
        return _original_call(self, *inputs)
    return rec.record(_original_call, self, inputs)


def _start(rec) -> None:
    with _lock:
        if threading.get_ident() in _recorders:
            raise TraceError("trace() inside a trace on the same thread is not supported")
        if not _recorders:
            Function.__call__ = _recording_call
            inplace.install(_recorders)
        _recorders[threading.get_ident()] = rec


def _stop() -> None:
    with _lock:
        del _recorders[threading.get_ident()]
        if not _recorders:
            Function.__call__ = _original_call
            inplace.uninstall()


def trace(fn, *example_inputs, names=None) -> Trace:
    """Run `fn(*example_inputs)` once and record each core Function call.

    Args:
        fn: a callable taking the inputs and returning a Tensor, or a tuple or list of them.
        *example_inputs: Tensors (or NumPy arrays, wrapped without a copy): the graph inputs.
        names: a mapping from parameter or buffer name to Tensor (`named_arrays(model)`), so
            the Values of those arrays carry their names; other arrays read are constants.

    Returns:
        A `Trace`: inputs, nodes in call order, outputs.

    Raises:
        TraceError: an output that does not depend on any input through recorded Functions,
            an input passed twice, or an in-place change the trace cannot follow.

    Example:
        >>> import deepling as dl
        >>> t = trace(lambda x: (x * 2).relu(), dl.ones(3))
        >>> [n.op for n in t.nodes]
        ['Mul', 'Relu']
    """
    tensors = [x if isinstance(x, Tensor) else Tensor._wrap(x) for x in example_inputs]
    by_id = {id(t._data): name for name, t in (names or {}).items()}
    rec = _Recorder(by_id)
    inputs = []
    for i, t in enumerate(tensors):
        if rec.lookup(t._data) is not None:
            raise TraceError(f"input {i} is the same array as an earlier input")
        inputs.append(rec.add(Value(t._data, INPUT, index=i)))
    _start(rec)
    try:
        result = fn(*tensors)
    finally:
        _stop()
    outs, structure = _flatten(result)
    outputs = [rec.value(o) for o in outs]
    _check_depends(outputs)
    return Trace(inputs, rec.nodes, outputs, rec.values, structure)


def _flatten(result):
    if isinstance(result, Tensor):
        return [result], "tensor"
    if isinstance(result, (tuple, list)) and result and all(isinstance(r, Tensor) for r in result):
        return list(result), type(result).__name__
    raise TraceError(
        f"the traced function must return a Tensor or a tuple/list of Tensors, got "
        f"{type(result).__name__}"
    )


def _check_depends(outputs) -> None:
    """Each output must reach a graph input through recorded nodes."""
    for i, out in enumerate(outputs):
        stack, seen = [out], set()
        found = False
        while stack and not found:
            v = stack.pop()
            if id(v) in seen:
                continue
            seen.add(id(v))
            found = v.kind == INPUT
            if v.kind == NODE:
                stack.extend(v.node.reads())
        if not found:
            raise TraceError(
                f"output {i} does not depend on the inputs through recorded ops: it was computed "
                "outside deepling's ops (from .numpy(), .item(), a comparison, argmax, an integer "
                "cast, or a new tensor), so it would be a constant"
            )


def named_arrays(model) -> dict:
    """Parameter and buffer names of a model, for `trace(..., names=)`: PyTorch's paths from
    `named_parameters()`/`named_buffers()` ('fc1.weight'), and for Keras layers Keras's
    variable paths ('dense/kernel')."""
    names = {}
    if not hasattr(model, "named_parameters"):  # a plain function: nothing is named
        return names
    for name, t in [*model.named_parameters(), *model.named_buffers()]:
        names.setdefault(name, t)
    keras = {}
    for module in model.modules():
        if hasattr(module, "_weight_trainable") and isinstance(getattr(module, "name", None), str):
            for pname, t in module._parameters.items():  # a Keras layer: layer/weight
                if t is not None:
                    keras[id(t)] = f"{module.name}/{pname}"
    if keras:
        names = {keras.get(id(t), name): t for name, t in names.items()}
    return names
