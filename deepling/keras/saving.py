"""Saving Keras models: weights, and architecture (from `get_config`) plus weights.

Both go through `deepling.save`: one safetensors file, written to a temporary name and renamed,
with no pickle. A `.keras` file here holds the config as metadata next to the weights; it is
deepling's own format (no HDF5), read back by `keras.models.load_model`.
"""

from __future__ import annotations

import os
import warnings

import numpy as np

from .. import serialization
from ..tensor import Tensor


def proceed_with_overwrite(filepath, overwrite: bool) -> bool:
    """Keras's rule for an existing file with `overwrite=False`: ask on the console."""
    if overwrite or not os.path.exists(filepath):
        return True
    answer = input(f"[WARNING] {filepath} already exists - overwrite? [y/n]").strip().lower()
    while answer not in ("y", "n"):
        answer = input('Enter "y" (overwrite) or "n" (cancel).').strip().lower()
    if answer == "n":
        return False
    print("[TIP] Next time specify overwrite=True!")
    return True


def save_weights(model, filepath, overwrite=True) -> None:
    """Save `model.weights` in order (`*.weights.safetensors` by convention)."""
    if not proceed_with_overwrite(filepath, overwrite):
        return
    weights = model.weights
    if not weights:
        raise ValueError(
            f"Model '{model.name}' has no weights yet: build it (call it on data) first"
        )
    serialization.save(
        {"format": "deepling.keras.weights", "weights": [w.detach() for w in weights]}, filepath
    )


def load_weights(model, filepath, skip_mismatch=False) -> None:
    """Load weights saved by `save_weights` (or `save`); counts and shapes are checked first.
    With `skip_mismatch`, a weight whose shape differs keeps its value (with a warning)."""
    stored = serialization.load(filepath)
    if not isinstance(stored, dict) or "weights" not in stored:
        raise ValueError(f"{filepath} does not hold deepling Keras weights")
    arrays = [w._data for w in stored["weights"]]
    if skip_mismatch:
        mine = model.get_weights()
        if len(arrays) != len(mine):
            raise ValueError(
                f"{filepath} holds {len(arrays)} weights; model '{model.name}' has {len(mine)}"
            )
        for i, (a, w) in enumerate(zip(arrays, mine)):
            if a.shape != w.shape:
                warnings.warn(
                    f"Skipping weight {i} of model '{model.name}': the file's shape {a.shape} "
                    f"does not match the model's {w.shape}",
                    stacklevel=3,
                )
                arrays[i] = w
    model.set_weights(arrays)


def save_model(model, filepath, overwrite=True) -> None:
    """Architecture (`get_config`), weights, and the compile() settings when they are names,
    in one file, e.g. `model.save('m.keras')`."""
    if not proceed_with_overwrite(filepath, overwrite):
        return
    config = {"class_name": type(model).__name__, "config": model.get_config()}
    stored = {
        "format": "deepling.keras.model",
        "model": _jsonable(config),
        "weights": [w.detach() for w in model.weights],
    }
    compiled = compile_config(model)
    if compiled is not None:
        stored["compile"] = compiled
    serialization.save(stored, filepath)


def load_model(filepath, custom_objects=None, compile=True):  # noqa: A002 (Keras's name)
    """Re-create a model saved with `model.save(path)`: same layers, same weights, and, with
    `compile=True`, compiled as it was (a fresh optimizer from the saved one's config)."""
    stored = serialization.load(filepath)
    if not isinstance(stored, dict) or stored.get("format") != "deepling.keras.model":
        raise ValueError(f"{filepath} is not a model saved by deepling's model.save()")
    model = layer_from_config(stored["model"], custom_objects)
    model.set_weights([w._data for w in stored["weights"]])
    if compile and stored.get("compile"):
        from .optimizers import OPTIMIZERS

        settings = dict(stored["compile"])
        optimizer = settings.pop("optimizer")
        opt = OPTIMIZERS.lookup(optimizer["class_name"].lower()).from_config(optimizer["config"])
        model.compile(optimizer=opt, **settings)
    return model


def compile_config(model) -> dict | None:
    """compile()'s settings as JSON when they are names (strings) and a Keras optimizer's
    config, else None (a model compiled with a function, a loss object or a PyTorch optimizer
    loads uncompiled)."""
    compiled = getattr(model, "_compiled", None)
    if compiled is None:
        return None
    settings = {
        "loss": compiled.loss_spec,
        "metrics": compiled.metric_spec,
        "loss_weights": compiled.loss_weights,
        "weighted_metrics": compiled.weighted_spec,
    }
    get_config = getattr(model.optimizer, "get_config", None)
    if get_config is None:
        return None
    settings["optimizer"] = {"class_name": type(model.optimizer).__name__, "config": get_config()}
    if not all(e is None or isinstance(e, (str, int, float)) for e in _leaves(settings)):
        return None
    return _jsonable(settings)


def _leaves(value) -> list:
    if isinstance(value, dict):
        return [e for v in value.values() for e in _leaves(v)]
    if isinstance(value, (list, tuple)):
        return [e for v in value for e in _leaves(v)]
    return [value]


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
        ],
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
    return Model(
        [tensors[i] for i in config["inputs"]],
        outputs[0] if config["single_output"] else outputs,
        name=config["name"],
    )


def _jsonable(value):
    """Tuples become lists and NumPy scalars plain numbers, so the config is JSON."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (np.generic, Tensor)):
        return value.item()
    return value
