"""tf.random: seeded draws, as TensorFlow's two-level seeds.

Without an op-level `seed`, draws come from deepling's one generator (the one `set_seed` and
`manual_seed` seed). With one, each op (its kind and dtype, as TF's kernels) under each
(global seed, op seed) pair has a stream of its own that goes on from call to call, so a program repeats its draws from run to run even without a
global seed (TF then uses a default one), and `set_seed` starts the streams again.
"""

from __future__ import annotations

import numpy as np

from .. import _backend
from ..tensor import Tensor
from .variables import _shape

_DEFAULT_GLOBAL_SEED = 87654321  # TF's, when only an op seed is given
_streams: dict = {}  # (global seed, op seed, op, dtype) -> its generator


def set_seed(seed: int) -> None:
    """Seed every random draw in deepling (weights, dropout, shuffling, tf.random.*)."""
    _backend.manual_seed(seed)
    _streams.clear()


def _rng(seed, op: str, dtype):
    """The one generator, or the stream of this op and dtype under the two seeds."""
    if seed is None:
        return _backend.rng()
    key = (_backend.initial_seed(), int(seed), op, str(dtype))
    found = _streams.get(key)
    if found is None:
        first = _DEFAULT_GLOBAL_SEED if key[0] is None else key[0]
        found = _streams[key] = np.random.default_rng([first, key[1]])
    return found


def normal(shape, mean=0.0, stddev=1.0, dtype=_backend.float32, seed=None, name=None) -> Tensor:
    """Draws from a normal distribution with `mean` and `stddev`.

    Example:
        >>> import deepling.tf as tf
        >>> tf.random.normal([2, 3]).shape
        torch.Size([2, 3])
    """
    dtype = _backend.to_dtype(dtype)
    array = _rng(seed, "normal", dtype).normal(_value(mean), _value(stddev), _shape(shape))
    return Tensor._wrap(array.astype(dtype))


def uniform(shape, minval=0, maxval=None, dtype=_backend.float32, seed=None, name=None) -> Tensor:
    """Uniform draws in [minval, maxval); for floats `maxval` defaults to 1, ints need it."""
    dtype = _backend.to_dtype(dtype)
    if _backend.is_floating(dtype):
        low, high = _value(minval), 1.0 if maxval is None else _value(maxval)
        array = _rng(seed, "uniform", dtype).uniform(low, high, _shape(shape))
    else:
        if maxval is None:
            raise ValueError(f"Must specify maxval for integer dtype {dtype}")
        rng = _rng(seed, "uniform", dtype)
        array = rng.integers(_value(minval), _value(maxval), _shape(shape))
    return Tensor._wrap(array.astype(dtype))


def _value(x):
    return x._data if isinstance(x, Tensor) else np.asarray(x)
