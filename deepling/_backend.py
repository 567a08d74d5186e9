"""The array module (NumPy, or CuPy once loaded), dtype names, and the one random generator."""

from __future__ import annotations

import numpy as np

from . import dtypes
from .devices import check as check_device  # noqa: F401 (the one place that decides)

# CuPy is loaded on first use of a CUDA device (never at import time), so NumPy-only runs stay light.
cupy = None

# --- dtypes: PyTorch's names for NumPy's dtypes ---
float16 = half = np.dtype("float16")
float32 = np.dtype("float32")
float64 = double = np.dtype("float64")
int8 = np.dtype("int8")
uint8 = np.dtype("uint8")
int16 = short = np.dtype("int16")
int32 = np.dtype("int32")
int64 = long = np.dtype("int64")
bool_ = np.dtype("bool")

default_float = float32  # Python floats become float32, as in PyTorch and TensorFlow


def get_default_dtype() -> dtypes.dtype:
    """The dtype Python floats and float factories (`zeros`, `randn`) give: torch.float32
    unless `set_default_dtype` changed it."""
    return dtypes.of(default_float)


def set_default_dtype(d) -> None:
    """Make `d` (float16, float32 or float64) the dtype of Python floats and float factories,
    as torch.set_default_dtype.

    Example:
        >>> import deepling as dl
        >>> dl.set_default_dtype(dl.float64)
        >>> dl.tensor([1.5]).dtype, dl.zeros(1).dtype
        (torch.float64, torch.float64)
        >>> dl.set_default_dtype(dl.float32)
    """
    global default_float
    d = to_dtype(d)
    if d not in (float16, float32, float64):
        raise TypeError("only floating-point types are supported as the default type")
    default_float = d


def array_module(*arrays):
    """NumPy, or CuPy when any of `arrays` lives on the GPU."""
    if cupy is not None:
        for a in arrays:
            if isinstance(a, cupy.ndarray):
                return cupy
    return np


def to_dtype(dtype) -> np.dtype | None:
    """Accept numpy dtypes, Python types and strings ('float32'); None stays None."""
    if dtype is None:
        return None
    if dtype is float:  # torch.tensor(..., dtype=float) is float64; keep NumPy's reading
        return float64
    return np.dtype(dtype)


def is_floating(dtype) -> bool:
    kind = getattr(dtype, "kind", None)  # NumPy's dtypes and PyTorch's dtype objects: fast
    return kind == "f" if type(kind) is str else np.issubdtype(dtype, np.floating)


# --- randomness: one generator behind every random draw ---
class _Random:
    generator = None  # made on the first draw: importing numpy.random costs ~10 ms at startup
    seed = None  # the last manual_seed, or None


def manual_seed(seed: int) -> None:
    """Seed the one generator behind all randomness (weights, dropout, shuffling)."""
    _Random.seed = int(seed)
    _Random.generator = np.random.default_rng(_Random.seed)


def initial_seed():
    """The seed last given to `manual_seed`, or None."""
    return _Random.seed


def rng() -> np.random.Generator:
    if _Random.generator is None:
        _Random.generator = np.random.default_rng()
    return _Random.generator
