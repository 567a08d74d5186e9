"""Saving Keras models: weights, and architecture (from `get_config`) plus weights.

Both go through `deepling.save`: one safetensors file, written to a temporary name and renamed,
with no pickle. A `.keras` file here holds the config as metadata next to the weights; it is
deepling's own format (no HDF5), read back by `keras.models.load_model`.
"""

from __future__ import annotations

import numpy as np

from .. import serialization
from ..tensor import Tensor


def save_weights(model, filepath) -> None:
    """Save `model.weights` in order (`*.weights.safetensors` by convention)."""
    weights = model.weights
    if not weights:
        raise ValueError(
            f"Model '{model.name}' has no weights yet: build it (call it on data) first"
        )
    serialization.save(
        {"format": "deepling.keras.weights", "weights": [w.detach() for w in weights]}, filepath
    )


def load_weights(model, filepath) -> None:
    """Load weights saved by `save_weights` (or `save`); counts and shapes are checked first."""
    stored = serialization.load(filepath)
    if not isinstance(stored, dict) or "weights" not in stored:
        raise ValueError(f"{filepath} does not hold deepling Keras weights")
    model.set_weights([w.numpy() for w in stored["weights"]])


def save_model(model, filepath) -> None:
    """Architecture (`get_config`) and weights in one file, e.g. `model.save('m.keras')`."""
    config = {"class_name": type(model).__name__, "config": model.get_config()}
    serialization.save(
        {
            "format": "deepling.keras.model",
            "model": _jsonable(config),
            "weights": [w.detach() for w in model.weights],
        },
        filepath,
    )


def load_model(filepath, custom_objects=None, compile=True):  # noqa: A002 (Keras's name)
    """Re-create a model saved with `model.save(path)`: same layers, same weights."""
    stored = serialization.load(filepath)
    if not isinstance(stored, dict) or stored.get("format") != "deepling.keras.model":
        raise ValueError(f"{filepath} is not a model saved by deepling's model.save()")
    model = layer_from_config(stored["model"], custom_objects)
    model.set_weights([w.numpy() for w in stored["weights"]])
    return model


def _classes(custom_objects=None) -> dict:
    from . import layers
    from .models import Functional, Sequential

    found = {
        name: getattr(layers, name)
        for name in dir(layers)
        if isinstance(getattr(layers, name), type)
    }
    found.update(Sequential=Sequential, Functional=Functional, Model=Functional)
    found.update(custom_objects or {})
    return found


def layer_config(layer) -> dict:
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def layer_from_config(entry: dict, custom_objects=None):
    cls = _classes(custom_objects).get(entry["class_name"])
    if cls is None:
        raise ValueError(f"Unknown layer class '{entry['class_name']}': pass it in custom_objects")
    return cls.from_config(dict(entry["config"]))


def functional_config(model) -> dict:
    """Layers with their parents' names, in call order, and the model's inputs and outputs."""
    from .layers.functional import topological_nodes

    nodes = topological_nodes(model.outputs)
    ids = {id(n): i for i, n in enumerate(nodes)}
    return {
        "name": model.name,
        "nodes": [
            {
                "layer": layer_config(n.layer),
                "parents": [ids[id(p)] for p in n.parents],
                "multi_input": n.multi_input,
                "index": n.index,
            }
            for n in nodes
        ],  # fmt: skip
        "inputs": [ids[id(t)] for t in model.inputs],
        "outputs": [ids[id(t)] for t in model.outputs],
        "single_output": model._single_output,
    }


def functional_from_config(config: dict, custom_objects=None):
    from .layers.functional import Input
    from .models import Model

    tensors, layers = [], {}
    for node in config["nodes"]:
        cfg = node["layer"]
        if cfg["class_name"] == "InputLayer":
            c = cfg["config"]
            tensors.append(
                Input(shape=tuple(c["shape"]), batch_size=c.get("batch_size"), name=c["name"])
            )
            continue
        key = cfg["config"]["name"]
        layer = layers.get(key) or layers.setdefault(key, layer_from_config(cfg, custom_objects))
        parents = [tensors[i] for i in node["parents"]]
        out = layer(parents if node["multi_input"] else parents[0])
        tensors.append(out if node["index"] is None else out[node["index"]])
    outputs = [tensors[i] for i in config["outputs"]]
    return Model([tensors[i] for i in config["inputs"]], outputs[0] if config["single_output"] else outputs,
                 name=config["name"])  # fmt: skip


def _jsonable(value):
    """Tuples become lists and NumPy scalars plain numbers, so the config is JSON."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (np.generic, Tensor)):
        return value.item()
    return value
