"""Keras 3's weights layout (`.weights.h5`, and `model.weights.h5` inside a `.keras` file).

An HDF5 file with one group per layer, reached as Keras's saving walk reaches it: a model's
layers under `layers/<name>`, where the name is the snake-cased class name made unique in list
order (`dense`, `dense_1`, ...: not the layer's own name), a layer's sub-layers under the
attribute that holds them (`layers/lstm/cell`), and the optimizer under `optimizer`. Each group
has `vars` (attribute `name`: the owner's name) with datasets `0`, `1`, ...: the owner's own
weights, trainable ones first, in creation order. The optimizer's are `iteration` (int64),
`learning_rate` (unless a schedule drives it), then its per-variable slots (see
`keras.optimizers.Optimizer.keras_slots`).
"""

from __future__ import annotations

import io
import warnings

import numpy as np

from ..nn.module import Module
from ..tensor import mark_changed
from .layers.base import own_weights, snake_case

H5_EXTRA = 'pip install "deepling[h5]"'


def h5py_module():
    try:
        import h5py
    except ImportError:
        raise ImportError(
            f"Keras's .keras and .weights.h5 files are HDF5, which needs h5py: {H5_EXTRA}"
        ) from None
    return h5py


# --- where each weight lives ---
def weight_groups(model, with_optimizer: bool = True) -> dict:
    """{path: (owner, weights)} for every group of the file, in Keras's walk order."""
    found: dict = {}
    _walk(model, "", found, set())
    optimizer = getattr(model, "optimizer", None) if with_optimizer else None
    if optimizer is not None and hasattr(optimizer, "keras_slots"):
        found["optimizer"] = (optimizer, None)
    return found


def _walk(owner, path: str, found: dict, visited: set) -> None:
    if id(owner) in visited:
        return
    visited.add(id(owner))
    found[path] = (owner, own_weights(owner) if isinstance(owner, Module) else [])
    from .models import Functional, Sequential

    if isinstance(owner, (Functional, Sequential)):  # Keras walks their layer list first
        used: dict = {}
        for layer in owner.layers:
            name = _unique(snake_case(type(layer).__name__), used)
            _walk(layer, _join(path, "layers", name), found, visited)
    for attribute, child in getattr(owner, "_modules", {}).items():
        if child is not None:
            _walk(child, _join(path, attribute), found, visited)


def _unique(name: str, used: dict) -> str:
    """Keras's `_get_unique_name`: 'dense', then 'dense_1', 'dense_2', ..."""
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name


def _join(*parts: str) -> str:
    return "/".join(p for p in parts if p)


# --- the optimizer's variables ---
def optimizer_arrays(optimizer, variables: list) -> list:
    """Keras's optimizer variables for `variables` (the model's trainable weights), from the
    deepling optimizer's state; slots it has not made yet hold their starting value."""
    arrays = [np.asarray(optimizer.iterations, np.int64)]
    if getattr(optimizer, "_schedule", None) is None:
        arrays.append(np.asarray(optimizer.learning_rate, np.float32))
    for group in optimizer.keras_slots():
        for v in variables:
            state = optimizer.state.get(v, {})
            for slot in group:
                value = state.get(slot.key)
                array = np.full(v.shape, slot.fill, v._data.dtype) if value is None else value
                arrays.append(np.asarray(slot.sign * array, v._data.dtype))
    for slot in optimizer.keras_scalars:
        first = optimizer.state.get(variables[0], {}) if variables else {}
        arrays.append(np.asarray(first.get(slot.key, slot.fill), np.float32))
    return arrays


def load_optimizer_arrays(optimizer, variables: list, arrays: list, where: str) -> None:
    """Set the optimizer's step count, learning rate and slots from Keras's variables; the
    count and every shape are checked before anything changes."""
    shapes = [()] + ([()] if getattr(optimizer, "_schedule", None) is None else [])
    for group in optimizer.keras_slots():
        shapes += [tuple(v.shape) for v in variables for _ in group]
    shapes += [()] * len(optimizer.keras_scalars)
    got = [tuple(a.shape) for a in arrays]
    if got != shapes:
        raise ValueError(
            f"{where}: the optimizer's variables have shapes {got}, but {type(optimizer).__name__} "
            f"over this model's {len(variables)} trainable weights has {shapes}"
        )
    for v in variables:
        optimizer._adopt(v)
    steps = int(arrays[0])
    rest = iter(arrays[1:])
    if getattr(optimizer, "_schedule", None) is None:
        rate = next(rest)  # a float32 variable in Keras: keep the config's value if it is that
        if np.float32(optimizer.learning_rate) != rate:
            optimizer.learning_rate = float(rate)
    for group in optimizer.keras_slots():
        for v in variables:
            state = optimizer.state.setdefault(v, {})
            for slot in group:
                state[slot.key] = np.asarray(next(rest), v._data.dtype) * slot.sign
    for slot in optimizer.keras_scalars:
        value = float(next(rest))
        for v in variables:
            optimizer.state.setdefault(v, {})[slot.key] = value
    optimizer.iterations = steps
    for v in variables:
        if steps:
            optimizer.state.setdefault(v, {})["step"] = steps


# --- the file ---
def dumps(model, with_optimizer: bool = True) -> bytes:
    """The model's (and its optimizer's) weights as the bytes of a Keras `.weights.h5` file."""
    h5py = h5py_module()
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        for path, (owner, weights) in weight_groups(model, with_optimizer).items():
            if weights is None:  # the optimizer
                weights = optimizer_arrays(owner, model.trainable_weights)
            group = f.require_group(_join(path, "vars"))
            group.attrs["name"] = str(getattr(owner, "name", "") or "")
            for i, w in enumerate(weights):
                group.create_dataset(str(i), data=w._data if hasattr(w, "_data") else w)
    return buffer.getvalue()


def read_groups(data: bytes, where: str) -> dict:
    """{path: [arrays in order]} for every `vars` group of a Keras weights file."""
    h5py = h5py_module()
    found: dict = {}
    try:
        f = h5py.File(io.BytesIO(data), "r")
    except OSError as e:
        raise ValueError(f"{where}: not an HDF5 file ({e})") from None
    with f:

        def visit(name, obj):
            if isinstance(obj, h5py.Group) and (name == "vars" or name.endswith("/vars")):
                keys = sorted(obj.keys(), key=int)
                found[name[: -len("vars")].rstrip("/")] = [np.asarray(obj[k]) for k in keys]

        f.visititems(visit)
        if "vars" in f and "" not in found:
            found[""] = []
    return found


def load_into(model, data: bytes, where: str, skip_mismatch=False, with_optimizer=True) -> None:
    """Set the model's weights (and, when it has one, its optimizer's state) from a Keras
    weights file. Every group's count and shapes are checked before any weight changes; with
    `skip_mismatch`, a layer whose weights do not fit keeps its own, with a warning."""
    stored = read_groups(data, where)
    plan = []
    for path, (owner, weights) in weight_groups(model, with_optimizer=False).items():
        arrays = stored.get(path, [])
        problem = _mismatch(weights, arrays)
        if problem and skip_mismatch:
            warnings.warn(f"Skipping loading weights for {path or 'the model'}: {problem}", stacklevel=3)  # fmt: skip
        elif problem:
            name = getattr(owner, "name", path)
            raise ValueError(f"{where}: layer '{name}' (at '{path or '/'}') {problem}")
        else:
            plan += list(zip(weights, arrays))
    optimizer = getattr(model, "optimizer", None)
    if with_optimizer and optimizer is not None and "optimizer" in stored:
        if hasattr(optimizer, "keras_slots"):
            load_optimizer_arrays(optimizer, model.trainable_weights, stored["optimizer"], where)
    for weight, array in plan:
        weight._data[...] = array
        mark_changed(weight)


def _mismatch(weights: list, arrays: list) -> str | None:
    if len(weights) != len(arrays):
        return f"expected {len(weights)} variables, but received {len(arrays)} variables during loading"  # fmt: skip
    for i, (w, a) in enumerate(zip(weights, arrays)):
        if tuple(w.shape) != a.shape:
            return f"variable {i} has shape {tuple(w.shape)} but the file's has shape {a.shape}"
    return None
