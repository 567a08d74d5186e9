"""A functional model's config in Keras 3's form, and the model rebuilt from it.

Each layer is listed (in `model.layers`' order) with its `inbound_nodes`: one entry per call,
`{'args': [tensor or list of tensors, ...], 'kwargs': {...}}`, where a tensor is
`{'class_name': '__keras_tensor__', 'config': {'shape', 'dtype', 'keras_history':
[layer name, call index, output index]}}`. `input_layers`/`output_layers` name the model's
inputs and outputs the same way. tf.keras 2's form (`[[['dense', 0, 0, {}]]]`) is read too.
"""

from __future__ import annotations

from ..layers.functional import InputLayer, KerasTensor
from ..serialization_lib import deserialize_keras_object, jsonable, serialize_keras_object


def functional_config(model) -> dict:
    calls = _calls_by_layer(model)
    index = {key: i for per_layer in calls.values() for i, (key, _) in enumerate(per_layer)}

    def history(t: KerasTensor) -> list:
        return [t.layer.name, index.get((id(t.layer), t.node_index), 0), t.index or 0]

    def tensor(t: KerasTensor) -> dict:
        config = {"shape": list(t.shape), "dtype": t.dtype, "keras_history": history(t)}
        return {"class_name": "__keras_tensor__", "config": config}

    layers = []
    for layer in model.layers:
        entry = serialize_keras_object(layer)
        nodes = []
        for _, t in calls.get(id(layer), []):
            first = [tensor(p) for p in t.parents] if t.multi_input else tensor(t.parents[0])
            kwargs = {k: _jsonable_arg(v, tensor) for k, v in t.kwargs.items()}
            args = [first, *(_jsonable_arg(a, tensor) for a in t.args)]
            nodes.append({"args": args, "kwargs": kwargs})
        layers.append({**entry, "name": layer.name, "inbound_nodes": nodes})
    ins, outs = [history(t) for t in model.inputs], [history(t) for t in model.outputs]
    return {
        "name": model.name,
        "trainable": model.trainable,
        "layers": layers,
        "input_layers": ins[0] if model._single_input else ins,
        "output_layers": outs[0] if model._single_output else outs,
    }


def _calls_by_layer(model) -> dict:
    """id(layer) -> [((id(layer), node_index), first output tensor)] for the calls inside this
    model, in call order (a shared layer's other calls are not this model's)."""
    found: dict = {}
    for t in model._nodes:
        key = (id(t.layer), t.node_index)
        per_layer = found.setdefault(id(t.layer), [])
        if all(k != key for k, _ in per_layer):
            per_layer.append((key, t))
    return {k: sorted(v, key=lambda item: item[0][1]) for k, v in found.items()}


def _jsonable_arg(value, tensor):
    if isinstance(value, KerasTensor):
        return tensor(value)
    if isinstance(value, (list, tuple)) and any(isinstance(v, KerasTensor) for v in value):
        return [_jsonable_arg(v, tensor) for v in value]
    return jsonable(value)


def functional_from_config(config: dict, custom_objects=None):
    """The model a `functional_config` (or tf.keras 2's / real Keras 3's) config describes."""
    from .model import Model

    layers, outputs = {}, {}  # name -> layer; (name, call index) -> its output tensors
    pending = []
    for entry in config["layers"]:
        name = entry.get("name") or entry["config"]["name"]
        if entry["class_name"] == "InputLayer":
            layer = InputLayer.from_config(dict(entry["config"]))
            outputs[(name, 0)] = [layer.output]
        else:
            layer = deserialize_keras_object(entry, custom_objects)
            pending += [(name, node) for node in entry.get("inbound_nodes", [])]
        layers[name] = layer
    calls = {name: 0 for name in layers}
    while pending:  # a node runs once every tensor it reads exists (Keras defers the others)
        waiting = []
        for name, node in pending:
            args, kwargs = _node_arguments(node, outputs)
            if args is None:
                waiting.append((name, node))
                continue
            out = layers[name](*args, **kwargs)
            outputs[(name, calls[name])] = out if isinstance(out, list) else [out]
            calls[name] += 1
        if len(waiting) == len(pending):
            raise ValueError(f"the config's graph cannot be built: {waiting[0][0]} needs a tensor no layer makes")  # fmt: skip
        pending = waiting
    keras2 = any(isinstance(e.get("inbound_nodes"), list) and e["inbound_nodes"] and isinstance(e["inbound_nodes"][0], list) for e in config["layers"])  # fmt: skip
    ins, single_in = _endpoints(config["input_layers"], outputs, keras2)
    outs, single_out = _endpoints(config["output_layers"], outputs, keras2)
    return Model(ins[0] if single_in else ins, outs[0] if single_out else outs, name=config.get("name"))  # fmt: skip


def _endpoints(spec, outputs, keras2: bool):
    """(tensors, single) from `['dense', 0, 0]` (one) or `[['a', 0, 0], ...]` (several; one
    when tf.keras 2 wrote it, which always wrote a list)."""
    flat = bool(spec) and isinstance(spec[0], str)
    tensors = [outputs[(n, i)][j] for n, i, j in ([spec] if flat else spec)]
    return tensors, flat or (keras2 and len(tensors) == 1)


def _node_arguments(node, outputs):
    """(args, kwargs) of one saved call, or (None, None) while a tensor it reads is missing."""
    missing = object()

    def tensor_of(value):
        if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
            name, i, j = value["config"]["keras_history"]
            found = outputs.get((name, i))
            return missing if found is None else found[j]
        if isinstance(value, list):
            items = [tensor_of(v) for v in value]
            return missing if any(v is missing for v in items) else items
        return value

    if isinstance(node, dict):  # Keras 3
        args, kwargs = tensor_of(node.get("args", [])), tensor_of(list(node.get("kwargs", {}).values()))  # fmt: skip
        if args is missing or kwargs is missing:
            return None, None
        return args, dict(zip(node.get("kwargs", {}), kwargs))
    tensors = []  # tf.keras 2: [[layer name, call index, output index, kwargs], ...]
    for name, i, j, *_ in node:
        found = outputs.get((name, i))
        if found is None:
            return None, None
        tensors.append(found[j])
    kwargs = dict(node[0][3]) if node and len(node[0]) > 3 else {}
    return [tensors if len(tensors) > 1 else tensors[0]], kwargs
