"""The ONNX graph under construction: nodes, initializers, fresh names, and the small helpers
the op rows share (constants, casts, reduction axes by opset)."""

from __future__ import annotations

import numpy as np

INT64_MAX = np.iinfo(np.int64).max


class Graph:
    """Nodes and initializers of one ONNX graph; rows add nodes through `op`.

    Args:
        onnx: the `onnx` module (imported by the exporter, so this file needs no import).
        opset: the default domain's opset version.
    """

    def __init__(self, onnx, opset: int, export_params: bool = True):
        self.onnx, self.helper, self.opset = onnx, onnx.helper, opset
        self.export_params = export_params
        self.nodes: list = []
        self.initializers: list = []
        self.names: dict = {}  # id(Value) -> its ONNX name
        self.parameter_inputs: list = []  # (name, array): parameters given as graph inputs
        self._counts: dict = {}
        self._taken: set = set()
        self._constants: dict = {}  # (dtype, shape, bytes) -> name

    def fresh(self, base: str) -> str:
        """A name not used yet: `base`, then `base_1`, `base_2`, ... (PyTorch's style)."""
        n = self._counts.get(base, 0)
        while True:
            name = base if n == 0 else f"{base}_{n}"
            n += 1
            if name not in self._taken:
                self._counts[base] = n
                self._taken.add(name)
                return name

    def take(self, name: str) -> str:
        """Reserve a name chosen by the user or the model (inputs, parameters)."""
        if name in self._taken:
            raise ValueError(f"the name {name!r} is used twice in the exported graph")
        self._taken.add(name)
        return name

    def op(self, op_type: str, *inputs, outputs: int = 1, **attrs):
        """Add one node; returns its output name (a list of names when `outputs` > 1)."""
        names = [self.fresh(f"{op_type.lower()}_out") for _ in range(outputs)]
        ins = ["" if i is None else i for i in inputs]
        while ins and ins[-1] == "":  # trailing optional inputs are left out
            ins.pop()
        self.nodes.append(self.helper.make_node(op_type, ins, names, **attrs))
        return names[0] if outputs == 1 else names

    def value_name(self, value, dtype=None) -> str:
        """The ONNX name of a traced Value: a parameter becomes an initializer under its name
        (a graph input with export_params=False), a constant an initializer (a Python number
        takes `dtype`: NumPy treats it as weak)."""
        name = self.names.get(id(value))
        if name is not None:
            return name
        if value.kind == "parameter":
            name = self.take(value.name)
            if self.export_params:
                self.initializer(value.array, name)
            else:
                self.parameter_inputs.append((name, value.array))
        elif value.kind == "constant":
            if not isinstance(value.array, np.ndarray):
                return self.const(value.array, dtype)
            name = self.const(value.array)
        else:
            raise KeyError(f"{value!r} has no name yet: the trace is out of order")
        self.names[id(value)] = name
        return name

    # --- constants ---
    def initializer(self, array, name: str) -> str:
        array = np.asarray(array)  # (ascontiguousarray would make a 0-d array 1-d)
        tensor = self.onnx.numpy_helper.from_array(array.copy(order="C"), name)
        self.initializers.append(tensor)
        return name

    def const(self, array, dtype=None) -> str:
        """An initializer holding `array` (a NumPy array or a Python number, as `dtype`); equal
        constants are stored once."""
        array = np.asarray(array, dtype=dtype)
        key = (array.dtype.str, array.shape, array.tobytes())
        name = self._constants.get(key)
        if name is None:
            name = self._constants[key] = self.initializer(array, self.fresh("const"))
        return name

    def ints(self, values) -> str:
        """A 1-D int64 constant (shapes, axes, pads, slice bounds)."""
        return self.const(np.asarray(list(values), np.int64))

    def scalar(self, value, dtype) -> str:
        return self.const(np.asarray(value, dtype=dtype))

    # --- shared pieces of rows ---
    def cast(self, name: str, from_dtype, to_dtype) -> str:
        if np.dtype(from_dtype) == np.dtype(to_dtype):
            return name
        return self.op("Cast", name, to=self.tensor_type(to_dtype))

    def tensor_type(self, dtype) -> int:
        return self.helper.np_dtype_to_tensor_dtype(np.dtype(dtype))

    def reduce(self, op_type: str, x: str, axes, keepdims: bool) -> str:
        """A Reduce* node over `axes` (None: all). ReduceSum takes axes as an input from opset
        13, the others from opset 18; before that they are an attribute."""
        keep = int(bool(keepdims))
        if axes is not None and not isinstance(axes, (tuple, list)):
            axes = (axes,)
        if axes is not None and len(axes) == 0:  # NumPy's sum over no axes changes nothing
            return self.op("Identity", x)
        if axes is None:
            return self.op(op_type, x, keepdims=keep)
        axes = [int(a) for a in axes]
        if op_type == "ReduceSum" or self.opset >= 18:
            return self.op(op_type, x, self.ints(axes), keepdims=keep)
        return self.op(op_type, x, axes=axes, keepdims=keep)
