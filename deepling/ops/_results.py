"""PyTorch's named tuples of results (`torch.return_types.max(values=..., indices=...)`)."""

from __future__ import annotations

from collections import namedtuple


def result_type(name: str, fields=("values", "indices")):
    """A named tuple class printed as PyTorch prints its return types."""
    base = namedtuple(name, fields)

    def _repr(self) -> str:
        inner = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"torch.return_types.{name}(\n{inner})"

    return type(name, (base,), {"__slots__": (), "__repr__": _repr})
