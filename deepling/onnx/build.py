"""A Trace written as an ONNX ModelProto: graph inputs, one row per recorded node, outputs
under their names, shapes with the dynamic axes."""

from __future__ import annotations

from .. import __version__
from ..autograd.function import ArrayOp
from ..compiler import trace
from .graph import Graph
from .names import node_word
from .ops import ROWS, row_for


def _value_info(helper, g, name, array, dims):
    """A tensor's type: its dtype, and its shape with the named dims dynamic."""
    shape = [dims.get(i, n) for i, n in enumerate(array.shape)]
    return helper.make_tensor_value_info(name, g.tensor_type(array.dtype), shape)


def _emit(g, node) -> str:
    """Write one traced node: with its row, or, for a fused Function without one, as the ops
    of its `compose`. Its output takes the name of its op ('linear_1')."""
    dtype = node.output.dtype
    if isinstance(node.fn, ArrayOp):  # a comparison: a number takes the compared values' dtype
        dtype = next((v.dtype for v in node.inputs if v is not None and v.dtype is not None), dtype)
    names = [None if v is None else g.value_name(v, dtype) for v in node.inputs]
    before = len(g.nodes)
    if type(node.fn) not in ROWS and hasattr(node.fn, "compose"):
        out = _emit_composed(g, node, names)
    else:
        out = row_for(node.fn)(g, node, *names)
    made = g.nodes[before:]
    if not any(out in n.output for n in made):  # the row passed a value through unchanged
        return out
    final = g.fresh(node_word(node.fn))
    for n in made:
        _rename_in(n, out, final)
    return final


def _emit_composed(g, node, names) -> str:
    """A fused Function's `compose(*inputs)` (its forward written with ops) traced on the
    node's own input arrays, and those ops written in its place."""
    slots = [i for i, v in enumerate(node.inputs) if v is not None and hasattr(v.array, "shape")]

    def composed(*tensors):
        args = [None if v is None else v.array for v in node.inputs]
        for i, t in zip(slots, tensors):
            args[i] = t
        return node.fn.compose(*args)

    sub = trace(composed, *[node.inputs[i].array.copy() for i in slots])
    for i, v in zip(slots, sub.inputs):
        g.names[id(v)] = names[i]
    for inner in sub.nodes:
        g.names[id(inner.output)] = _emit(g, inner)
    return g.value_name(sub.outputs[0])


def _rename_in(n, old, new) -> None:
    for field in (n.input, n.output):
        for i, name in enumerate(field):
            if name == old:
                field[i] = new


def _name_outputs(g, trace, output_names) -> list:
    """The graph's output names: those asked for (the node's output renamed, or an Identity
    when it is an input, a parameter, or already another output), else the nodes' own."""
    finals = []
    for i, v in enumerate(trace.outputs):
        current = g.value_name(v)
        want = output_names[i] if i < len(output_names) else None
        movable = v.kind == "node" and current not in finals
        if want is None and movable:
            finals.append(current)
            continue
        want = want or g.fresh("output")
        if movable:
            for n in g.nodes:
                _rename_in(n, current, want)
            g.names[id(v)] = want
        else:
            g.nodes.append(g.helper.make_node("Identity", [current], [want]))
        finals.append(want)
    return finals


def _live(trace) -> list:
    """The nodes the outputs depend on, in call order (max's unused indices are left out)."""
    needed, stack = set(), list(trace.outputs)
    while stack:
        v = stack.pop()
        if v.node is not None and id(v.node) not in needed:
            needed.add(id(v.node))
            stack.extend(v.node.reads())
    return [n for n in trace.nodes if id(n) in needed]


def build_model(onnx, trace, opset, input_names, output_names, dims, export_params,
                keep_initializers_as_inputs):  # fmt: skip
    """The ModelProto of `trace` (names and dims already checked by the exporter)."""
    helper = onnx.helper
    g = Graph(onnx, opset, export_params)
    for name in [*input_names, *output_names]:
        g.take(name)
    for name, v in zip(input_names, trace.inputs):
        g.names[id(v)] = name
    for node in _live(trace):
        g.names[id(node.output)] = _emit(g, node)
    finals = _name_outputs(g, trace, output_names)
    inputs = [
        _value_info(helper, g, name, v.array, dims.get(name, {}))
        for name, v in zip(input_names, trace.inputs)
    ]
    inputs += [_value_info(helper, g, name, a, {}) for name, a in g.parameter_inputs]
    if keep_initializers_as_inputs:
        inputs += [
            helper.make_tensor_value_info(t.name, t.data_type, list(t.dims)) for t in g.initializers
        ]
    outputs = [
        _value_info(helper, g, name, v.array, dims.get(name, {}))
        for name, v in zip(finals, trace.outputs)
    ]
    for i, n in enumerate(g.nodes):
        n.name = f"node_{n.output[0]}" if n.output else f"node_{i}"
    graph = helper.make_graph(g.nodes, "main_graph", inputs, outputs, g.initializers)
    opsets = [helper.make_opsetid("", opset)]
    proto = helper.make_model(graph, opset_imports=opsets, producer_name="deepling",
                              producer_version=__version__)  # fmt: skip
    proto.ir_version = helper.find_min_ir_version_for(opsets)
    if any(dims.values()):
        proto = _infer_output_dims(onnx, proto, dims, finals)
    return proto


def _infer_output_dims(onnx, proto, dims, finals):
    """With dynamic inputs, an output dim that shape inference finds symbolic (or cannot find)
    is written so, unless `dynamic_axes` names it; static dims stay."""
    bare = onnx.ModelProto()
    bare.CopyFrom(proto)
    for out in bare.graph.output:
        out.type.tensor_type.ClearField("shape")
    inferred = onnx.shape_inference.infer_shapes(bare)
    found = {o.name: o.type.tensor_type for o in inferred.graph.output}
    for out in proto.graph.output:
        tt = found.get(out.name)
        if tt is None or not tt.HasField("shape"):
            continue
        named = dims.get(out.name, {})
        for i, (dim, guess) in enumerate(zip(out.type.tensor_type.shape.dim, tt.shape.dim)):
            if i in named:
                continue
            if guess.HasField("dim_param"):
                dim.dim_param = guess.dim_param
            elif not guess.HasField("dim_value"):
                dim.Clear()
    return proto
