"""The one argument check most wrappers share: a tensor where a tensor is required."""

from __future__ import annotations

from ..tensor import Tensor


def tensor_input(x, name: str, argument: str = "input") -> None:
    """PyTorch's TypeError for `torch.sum(None)`, rather than an AttributeError (`.ndim`) from
    inside the wrapper. Costs one isinstance on the hot path."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}(): argument '{argument}' must be Tensor, not {type(x).__name__}")
