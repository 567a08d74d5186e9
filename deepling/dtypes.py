"""PyTorch's dtype objects (`torch.float32`, what `tensor.dtype` gives): NumPy's dtypes that
print as PyTorch's, so `print(x.dtype)` shows `torch.float32` as the tutorials do.

A `dtype` stands for one NumPy dtype: it equals it (and its type, `np.float32`, and its name),
hashes as it, has its attributes (`kind`, `itemsize`, ...), and NumPy accepts it wherever it
takes a dtype (`np.zeros(3, x.dtype)`, through its `dtype` attribute). The core works with
NumPy's dtypes (`_backend`); this is what the PyTorch face hands out.
"""

from __future__ import annotations

import numpy as np


class dtype:  # noqa: N801 (PyTorch's name)
    """A tensor's dtype as PyTorch names and prints it.

    Example:
        >>> import deepling as dl
        >>> x = dl.ones(2)
        >>> x.dtype, x.dtype == dl.float32, x.dtype.is_floating_point
        (torch.float32, True, True)
    """

    __slots__ = ("dtype", "kind", "name", "itemsize", "type", "char", "is_floating_point",
                 "is_complex", "is_signed")  # fmt: skip

    def __init__(self, d):
        d = np.dtype(d)
        self.dtype, self.kind, self.name, self.itemsize = d, d.kind, d.name, d.itemsize
        self.type, self.char = d.type, d.char
        self.is_floating_point, self.is_complex = d.kind == "f", d.kind == "c"
        self.is_signed = d.kind in "fic"

    def __eq__(self, other) -> bool:
        if isinstance(other, dtype):
            return self.dtype == other.dtype
        try:
            return self.dtype == other
        except TypeError:
            return False

    def __hash__(self) -> int:
        return hash(self.dtype)

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self):
        return (dtype, (self.name,))

    def __getattr__(self, name):
        if name.startswith("__"):  # `issubclass(d, ...)` asks for __bases__: fail fast
            raise AttributeError(name)
        return getattr(object.__getattribute__(self, "dtype"), name)


_ALL = {}


def of(d) -> dtype:
    """PyTorch's dtype object for NumPy's dtype `d` (one object per dtype)."""
    found = _ALL.get(d)
    if found is None:
        found = _ALL[np.dtype(d)] = dtype(d)
    return found


float16 = half = of(np.float16)
float32 = of(np.float32)
float64 = double = of(np.float64)
int8 = of(np.int8)
uint8 = of(np.uint8)
int16 = short = of(np.int16)
int32 = of(np.int32)
int64 = long = of(np.int64)
bool_ = of(np.bool_)
