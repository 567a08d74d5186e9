"""tf.random: seeded draws from deepling's one generator (the same one `manual_seed` seeds).

TensorFlow also takes an op-level `seed` argument; deepling has a single generator, so that
argument is accepted for compatibility and reproducibility comes from `set_seed` alone.
"""

from __future__ import annotations

import numpy as np

from .. import _backend
from ..tensor import Tensor
from .variables import _shape


def set_seed(seed: int) -> None:
    """Seed every random draw in deepling (weights, dropout, shuffling, tf.random.*)."""
    _backend.manual_seed(seed)


def normal(shape, mean=0.0, stddev=1.0, dtype=_backend.float32, seed=None, name=None) -> Tensor:
    """Draws from a normal distribution with `mean` and `stddev`.

    Example:
        >>> import deepling.tf as tf
        >>> tf.random.normal([2, 3]).shape
        deepling.Size([2, 3])
    """
    array = _backend.rng().normal(_value(mean), _value(stddev), _shape(shape))
    return Tensor._wrap(array.astype(_backend.to_dtype(dtype)))


def uniform(shape, minval=0, maxval=None, dtype=_backend.float32, seed=None, name=None) -> Tensor:
    """Uniform draws in [minval, maxval); for floats `maxval` defaults to 1, ints need it."""
    dtype = _backend.to_dtype(dtype)
    if _backend.is_floating(dtype):
        low, high = _value(minval), 1.0 if maxval is None else _value(maxval)
        array = _backend.rng().uniform(low, high, _shape(shape))
    else:
        if maxval is None:
            raise ValueError(f"Must specify maxval for integer dtype {dtype}")
        array = _backend.rng().integers(_value(minval), _value(maxval), _shape(shape))
    return Tensor._wrap(array.astype(dtype))


def _value(x):
    return x.data if isinstance(x, Tensor) else np.asarray(x)
