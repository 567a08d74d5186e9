"""The functional API's symbolic side: `Input`, `InputLayer`, and layers called on them.

`x = Dense(64)(inputs)` with a symbolic `inputs` builds the layer from the known shape and
returns a new symbolic tensor that remembers (layer, parents); `Model(inputs, outputs)` later
replays those calls in order on real tensors.
"""

from __future__ import annotations

import numpy as np

from .base import Layer, only_off, unique_name


class KerasTensor:
    """A placeholder with a shape (batch dim None) and the layer call that produced it."""

    def __init__(self, shape, dtype="float32", layer=None, parents=(), args=(), kwargs=None,
                 index=None, name=None, multi_input=False, node_index=0):  # fmt: skip
        self.shape = tuple(shape)
        self.multi_input = multi_input  # the layer was called on a list (Concatenate, Add)
        self.dtype = dtype
        self.layer, self.parents = layer, list(parents)
        self.args, self.kwargs = tuple(args), dict(kwargs or {})
        self.index = index  # which output of a multi-output layer call
        self.node_index = node_index  # which call of `layer` made it (Keras's keras_history)
        # symbolic tensors among the call's other arguments (MultiHeadAttention's value, an
        # RNN's initial_state): the node depends on them too
        self.extra_parents = symbolic_leaves((self.args, self.kwargs))
        self.name = name or (layer.name if layer is not None else "keras_tensor")

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"


class InputLayer(Layer):
    """The entry point of a model: holds the shape of one batch (batch dim None).

    Keras 3's arguments (`shape`, `batch_size`, `batch_shape`, `dtype`, `name`) and tf.keras
    2's (`input_shape`, `batch_input_shape`); sparse, ragged and optional inputs are not here.
    """

    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None,
                 input_tensor=None, optional=False, name=None, ragged=False, input_shape=None,
                 batch_input_shape=None, **kwargs):  # fmt: skip
        only_off("InputLayer", sparse=sparse, ragged=ragged, optional=optional)
        only_off("InputLayer", input_tensor=input_tensor)
        batch_shape = batch_shape if batch_shape is not None else batch_input_shape
        if batch_shape is not None:
            batch_size, shape = batch_shape[0], batch_shape[1:]
        shape = shape if shape is not None else input_shape
        if shape is None:
            raise ValueError("InputLayer needs a shape, e.g. InputLayer(shape=(784,))")
        super().__init__(name=name or unique_name("input_layer"), **kwargs)
        self.batch_shape = (batch_size, *tuple(shape))
        self.input_dtype = _dtype_name(dtype)
        self.output = KerasTensor(self.batch_shape, self.input_dtype, layer=self, name=self.name)
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            "batch_shape": self.batch_shape,
            "dtype": self.input_dtype,
            "sparse": False,
            "ragged": False,
            "name": self.name,
            "optional": False,
        }


def _dtype_name(dtype) -> str:
    if isinstance(dtype, dict):  # a DTypePolicy's config
        dtype = dtype.get("config", {}).get("name")
    return np.dtype(getattr(dtype, "name", dtype) or "float32").name


def Input(  # noqa: N802 (Keras's name)
    shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, name=None,
    tensor=None, optional=False, **kwargs
) -> KerasTensor:  # fmt: skip
    """A symbolic input: `inputs = Input(shape=(784,))`, then `Dense(64)(inputs)`."""
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse,
                       batch_shape=batch_shape, input_tensor=tensor, optional=optional,
                       name=name, **kwargs)  # fmt: skip
    return layer.output


def is_symbolic(x) -> bool:
    if isinstance(x, (list, tuple)):
        return bool(x) and all(isinstance(t, KerasTensor) for t in x)
    return isinstance(x, KerasTensor)


def symbolic_leaves(value) -> list:
    """The KerasTensors inside nested lists, tuples and dicts."""
    found, todo = [], [value]
    while todo:
        v = todo.pop()
        if isinstance(v, KerasTensor):
            found.append(v)
        elif isinstance(v, (list, tuple)):
            todo.extend(v)
        elif isinstance(v, dict):
            todo.extend(v.values())
    return found


def resolve(value, values: dict):
    """`value` with each KerasTensor replaced by its computed tensor (`values` by id)."""
    if isinstance(value, KerasTensor):
        return values[id(value)]
    if isinstance(value, (list, tuple)):
        return type(value)(resolve(v, values) for v in value)
    if isinstance(value, dict):
        return {k: resolve(v, values) for k, v in value.items()}
    return value


def _probe_shape(layer, inputs, args, kwargs):
    """Output shape(s) of a call whose other arguments hold symbolic tensors: the layer runs
    once on zeros (batch 1), which also builds it."""
    from ... import grad_mode
    from ...creation import zeros

    def zero(t):
        return zeros(*[1 if d is None else d for d in t.shape])

    def fill(v):
        if isinstance(v, KerasTensor):
            return zero(v)
        if isinstance(v, (list, tuple)):
            return type(v)(fill(x) for x in v)
        if isinstance(v, dict):
            return {k: fill(x) for k, x in v.items()}
        return v

    with grad_mode.no_grad():
        out = layer(fill(inputs), *fill(args), **fill(kwargs))
    if isinstance(out, (list, tuple)):
        return [(None, *o.shape[1:]) for o in out]
    return (None, *out.shape[1:])


def symbolic_call(layer, inputs, args, kwargs):
    """Build `layer` from the symbolic inputs' shapes and return its symbolic output(s)."""
    parents = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    shapes = [p.shape for p in parents] if isinstance(inputs, (list, tuple)) else inputs.shape
    if symbolic_leaves((args, kwargs)):
        out_shape = _probe_shape(layer, inputs, args, kwargs)
    else:
        layer.maybe_build(shapes)
        out_shape = layer.compute_output_shape(shapes)
    multi = isinstance(inputs, (list, tuple))
    node_index = layer.__dict__.get("_symbolic_calls", 0)  # Keras counts a layer's calls
    layer.__dict__["_symbolic_calls"] = node_index + 1
    common = dict(layer=layer, parents=parents, args=args, kwargs=kwargs, multi_input=multi,
                  node_index=node_index)  # fmt: skip
    if isinstance(out_shape, list):
        return [KerasTensor(s, index=i, **common) for i, s in enumerate(out_shape)]
    return KerasTensor(out_shape, **common)


def topological_nodes(outputs) -> list:
    """Every symbolic tensor the outputs depend on, parents before children, without recursion."""
    order, seen = [], set()
    stack = [(t, False) for t in reversed(outputs)]
    while stack:
        node, expanded = stack.pop()
        if id(node) in seen:
            continue
        if expanded:
            seen.add(id(node))
            order.append(node)
            continue
        stack.append((node, True))
        parents = node.parents + getattr(node, "extra_parents", [])
        stack.extend((p, False) for p in reversed(parents) if id(p) not in seen)
    return order
