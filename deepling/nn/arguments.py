"""A layer's size arguments, checked in PyTorch's error types with the argument's name."""

from __future__ import annotations

import numbers


def check_sizes(layer: str, **sizes) -> None:
    """Each size a whole number >= 0. PyTorch finds a bad one while making the weight: a
    TypeError for another type ("empty(): argument 'size' ... must be tuple of ints"), a
    RuntimeError for a negative one ("Trying to create tensor with negative dimension -1");
    here the same types, with the layer's own argument named."""
    for name, n in sizes.items():
        if not isinstance(n, numbers.Integral):
            raise TypeError(f"{layer}: argument '{name}' must be int, not {type(n).__name__}")
        if n < 0:
            raise RuntimeError(
                f"{layer}: Trying to create tensor with negative dimension {n} "
                f"(argument '{name}'={n})"
            )
