"""keras.ops core names: conversions, casts, shapes and stop_gradient."""

from __future__ import annotations

import numpy as np

from ... import _backend, ops
from ...tensor import Tensor, to_array


def convert_to_tensor(x, dtype=None, sparse=None) -> Tensor:
    """`x` as a tensor (Python floats float32, ints int32, as Keras's default backend)."""
    if sparse:
        raise NotImplementedError("sparse tensors are not supported")
    dtype = _backend.to_dtype(dtype)
    if isinstance(x, Tensor):
        return x if dtype is None or x.dtype == dtype else ops.cast(x, dtype)
    array = to_array(x, dtype)
    if dtype is None and array.dtype == np.int64 and not isinstance(x, (np.ndarray, np.generic)):
        array = array.astype(np.int32)
    return Tensor._wrap(array)


_t = convert_to_tensor


def convert_to_numpy(x) -> np.ndarray:
    return np.asarray(x.numpy() if isinstance(x, Tensor) else x)


def cast(x, dtype) -> Tensor:
    return ops.cast(_t(x), _backend.to_dtype(dtype))


def shape(x) -> tuple:
    return tuple(_t(x).shape)


def stop_gradient(variable) -> Tensor:
    """The value as a constant: no gradient flows back through it."""
    return Tensor._wrap(_t(variable)._data)
