"""An optimizer's checkpoint as PyTorch lays it out: what `Optimizer.state_dict` saves and
the checks `load_state_dict` makes before anything changes."""

from __future__ import annotations

import numpy as np

from .._backend import array_module
from ..tensor import Tensor

_SCALAR_STATE = ("step", "mu_product")  # counters kept as Python numbers, not arrays


def saved(value):
    return Tensor._wrap(value.copy()) if hasattr(value, "shape") else value


def saved_groups(state_dict) -> list:
    """The saved param_groups, each a dict with a 'params' list, or a clear error."""
    if not isinstance(state_dict, dict) or not {"state", "param_groups"} <= state_dict.keys():
        raise ValueError(
            "an optimizer state_dict is a dict with 'state' and 'param_groups', got "
            f"{type(state_dict).__name__}"
            + (f" with keys {sorted(state_dict)}" if isinstance(state_dict, dict) else "")
        )
    saved = state_dict["param_groups"]
    if not isinstance(saved, (list, tuple)) or not all(
        isinstance(s, dict) and isinstance(s.get("params"), (list, tuple)) for s in saved
    ):
        raise ValueError("loaded state dict's param_groups must be dicts with a 'params' list")
    return saved


def index(i) -> int:
    try:
        return int(i)  # a file's keys may be strings ("0")
    except (TypeError, ValueError):
        raise ValueError(f"loaded state dict names a parameter {i!r}, not an index") from None


def loaded(key: str, value, p: Tensor, index):
    """A saved state entry as this optimizer keeps it: counters as numbers, arrays as p's."""
    if key in _SCALAR_STATE:
        return float(value) if key == "mu_product" else int(float(value))
    value = value._data if isinstance(value, Tensor) else np.asarray(value)
    if value.shape != p._data.shape:
        raise ValueError(
            f"loaded state of parameter {index}: {key!r} has shape {list(value.shape)}, but the "
            f"parameter has shape {list(p._data.shape)}"
        )
    return array_module(p._data).array(value, dtype=p._data.dtype)
