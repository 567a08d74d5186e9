"""tf.random: seeded draws, as TensorFlow's two-level seeds.

Without an op-level `seed`, draws come from deepling's one generator (the one `set_seed` and
`manual_seed` seed). With one, each op (its kind and dtype, as TF's kernels) under each
(global seed, op seed) pair has a stream of its own that goes on from call to call, so a program repeats its draws from run to run even without a
global seed (TF then uses a default one), and `set_seed` starts the streams again.
"""

from __future__ import annotations

import numpy as np

from .. import _backend
from ..tensor import Tensor as _CoreTensor
from .tensor import Tensor
from .variables import _shape, convert_to_tensor

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
        TensorShape([2, 3])
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


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=_backend.float32, seed=None, name=None):
    """Normal draws with `mean` and `stddev`, redrawn until within two stddevs of the mean."""
    dtype = _backend.to_dtype(dtype)
    rng, shape = _rng(seed, "truncated_normal", dtype), _shape(shape)
    z = rng.standard_normal(shape)
    bad = np.abs(z) > 2
    while bad.any():  # about 5% redrawn per round: a few rounds at most
        z[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(z) > 2
    return Tensor._wrap((z * _value(stddev) + _value(mean)).astype(dtype))


def shuffle(value, seed=None, name=None) -> Tensor:
    """`value` with its first dimension randomly permuted."""
    x = value if isinstance(value, _CoreTensor) else convert_to_tensor(value)
    if x.ndim == 0:
        raise ValueError("tf.random.shuffle needs a tensor of rank >= 1")
    order = _rng(seed, "shuffle", x.dtype).permutation(x.shape[0])
    return Tensor._wrap(x._data[order])


def categorical(logits, num_samples, dtype=None, seed=None, name=None) -> Tensor:
    """`num_samples` class indices per row of `logits` (batch, classes), drawn with
    probabilities softmax(logits): shape (batch, num_samples), int64 by default."""
    x = logits._data if isinstance(logits, _CoreTensor) else np.asarray(logits, np.float32)
    if x.ndim != 2:
        raise ValueError(f"logits should be a matrix (batch, classes), got shape {x.shape}")
    rng = _rng(seed, "categorical", x.dtype)
    gumbel = -np.log(-np.log(rng.random((x.shape[0], int(num_samples), x.shape[1]))))
    drawn = np.argmax(x[:, None, :] + gumbel, axis=-1)  # the Gumbel-max trick
    return Tensor._wrap(drawn.astype(_backend.to_dtype(dtype) or np.int64))


def _value(x):
    return x._data if isinstance(x, _CoreTensor) else np.asarray(x)
