"""Names in the exported graph: PyTorch 2.13's defaults (inputs after `forward`'s parameters,
values after the op that made them: 'linear', 'relu_1', ...), Keras's layer names for Keras
models, and `dynamic_axes` read as torch.onnx.export reads it."""

from __future__ import annotations

import inspect
import re
import warnings

from .modes import is_keras

_WORDS = {"GetItem": "getitem", "Concatenate": "cat", "BroadcastTo": "expand", "Matmul": "matmul"}


def node_word(fn) -> str:
    """The base name of a node's output: its Function's name in snake case ('log_softmax')."""
    name = type(fn).__name__
    return _WORDS.get(name) or re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _parameters(model) -> list:
    """The positional parameter names of `forward` (or a Keras model's `call`)."""
    method = getattr(model, "call" if is_keras(model) else "forward", model)
    try:
        params = inspect.signature(method).parameters.values()
    except (TypeError, ValueError):
        return []
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return [p.name for p in params if p.kind in kinds]


def default_input_names(model, slots, keyword_names) -> list:
    """One name per example tensor: a Keras model's input names, else `forward`'s parameter
    names (`x_0`, `x_1`, ... for a list given as one argument), then the keywords' names."""
    count = sum(n for kind, n in slots if kind in ("tensor", "list"))
    keras_names = list(getattr(model, "input_names", None) or [])
    if is_keras(model) and len(keras_names) == count:
        return keras_names + list(keyword_names)
    params = _parameters(model)
    names = []
    for i, (kind, n) in enumerate(slots):
        base = params[i] if i < len(params) else f"input_{i}"
        if kind == "tensor":
            names.append(base)
        elif kind == "list":
            names.extend(f"{base}_{j}" for j in range(n))
    return names + list(keyword_names)


def default_output_names(model, count: int):
    """A Keras model's output layer names; None otherwise (the graph names its outputs after
    the ops that made them, as PyTorch 2.13 does)."""
    if not is_keras(model):
        return None
    names = list(getattr(model, "output_names", None) or [])
    if not names and hasattr(model, "layers") and model.layers and count == 1:
        names = [model.layers[-1].name]  # Sequential: its last layer
    return names if len(names) == count else None


def dynamic_dims(dynamic_axes, input_names, output_names, ndims) -> dict:
    """`dynamic_axes` as {name: {axis: dim name}}: a list of axes gets PyTorch's names
    `<name>_dynamic_axes_<i>`; a name that is neither an input nor an output warns, as in
    PyTorch; `ndims` gives each name's rank, to check the axes."""
    out = {}
    valid = set(input_names) | set(output_names)
    for name, axes in (dynamic_axes or {}).items():
        if name not in valid:
            warnings.warn(
                f"Provided key {name} for dynamic axes is not a valid input/output name",
                stacklevel=3,
            )
            continue
        if isinstance(axes, dict):
            pairs = list(axes.items())
        elif isinstance(axes, (list, tuple)):
            pairs = [(a, f"{name}_dynamic_axes_{i + 1}") for i, a in enumerate(axes)]
        else:
            raise ValueError(
                f"dynamic_axes[{name!r}] must be a dict {{axis: name}} or a list of axes, got "
                f"{type(axes).__name__}"
            )
        ndim = ndims[name]
        dims = {}
        for axis, dim in pairs:
            if not isinstance(axis, int) or isinstance(axis, bool):
                raise ValueError("The type of axis index is expected to be an integer")
            if not -ndim <= axis < ndim:
                raise ValueError(
                    f"dynamic_axes[{name!r}]: axis {axis} is out of range for a tensor of rank {ndim}"
                )
            dims[axis % ndim] = str(dim)
        out[name] = dims
    return out
