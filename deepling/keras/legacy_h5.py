"""Reading the legacy HDF5 files of tf.keras 2 and of Keras 3's `model.save("m.h5")`.

A whole-model file has the attributes `model_config` (JSON `{'class_name', 'config'}`) and
`training_config` (compile() settings and `optimizer_config`), a `model_weights` group with
one group per layer named in its `layer_names` attribute, each listing its arrays in
`weight_names`, and an `optimizer_weights` group. A weights file (`save_weights("w.h5")` in
tf.keras 2) is the `model_weights` part alone. Weights go to the layers that have weights,
in order, as Keras's legacy loader does (not by name).
"""

from __future__ import annotations

import io
import json

import numpy as np

from ..tensor import mark_changed
from . import keras_file, weights_file
from .serialization_lib import deserialize_keras_object


def _text(value) -> str:
    return value.decode("utf8") if isinstance(value, bytes) else str(value)


def _names(group, attribute: str) -> list:
    return [_text(n) for n in group.attrs.get(attribute, [])]


def _open(data: bytes, where: str):
    h5py = weights_file.h5py_module()
    try:
        return h5py.File(io.BytesIO(data), "r")
    except OSError as e:
        raise ValueError(f"{where}: not an HDF5 file ({e})") from None


def is_legacy(data: bytes, where: str) -> bool:
    """Whether an HDF5 file is in the legacy layout (not Keras 3's `.weights.h5`)."""
    with _open(data, where) as f:
        return "model_weights" in f or "layer_names" in f.attrs


def load_model(data: bytes, where: str, custom_objects=None, compile=True):  # noqa: A002
    with _open(data, where) as f:
        if "model_config" not in f.attrs:
            raise ValueError(f"{where}: an HDF5 file without a model_config, so a weights file: use load_weights")  # fmt: skip
        model = deserialize_keras_object(json.loads(_text(f.attrs["model_config"])), custom_objects)  # fmt: skip
        _load_layers(model, f["model_weights"], where)
        training = json.loads(_text(f.attrs["training_config"])) if "training_config" in f.attrs else None  # fmt: skip
        if compile and training:
            settings = {**training, "optimizer": training.get("optimizer_config")}
            keras_file.compile_from_config(model, settings, custom_objects)
            if "optimizer_weights" in f:
                group = f["optimizer_weights"]
                arrays = [np.asarray(group[n]) for n in _names(group, "weight_names")]
                weights_file.load_optimizer_arrays(model.optimizer, model.trainable_weights, arrays, where)  # fmt: skip
    return model


def load_weights(model, data: bytes, where: str) -> None:
    with _open(data, where) as f:
        _load_layers(model, f["model_weights"] if "model_weights" in f else f, where)


def _load_layers(model, group, where: str) -> None:
    """Each stored layer with weights onto the model's layers with weights, in order; counts
    and shapes are checked before any weight changes."""
    layers = [layer for layer in model.layers if layer.weights]
    stored = []
    for name in _names(group, "layer_names"):
        names = _names(group[name], "weight_names")
        if names:
            stored.append((name, [np.asarray(group[name][n]) for n in names]))
    if len(stored) != len(layers):
        raise ValueError(
            f"{where}: the file has weights for {len(stored)} layers "
            f"({[n for n, _ in stored]}), the model has {len(layers)} layers with weights"
        )
    plan = []
    for layer, (name, arrays) in zip(layers, stored):
        shapes = [tuple(w.shape) for w in layer.weights]
        if shapes != [a.shape for a in arrays]:
            raise ValueError(
                f"{where}: layer '{layer.name}' has weights of shapes {shapes}, the file's "
                f"layer '{name}' has {[a.shape for a in arrays]}"
            )
        plan += list(zip(layer.weights, arrays))
    for weight, array in plan:
        weight._data[...] = array
        mark_changed(weight)
