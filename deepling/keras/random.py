"""keras.random: draws with Keras 3's seeds. `seed=None` draws from deepling's one generator
(seeded by `keras.utils.set_random_seed`); an int seed gives the same draws on every call; a
`SeedGenerator` gives a new, repeatable draw on each call."""

from __future__ import annotations

import numpy as np

from .. import _backend
from ..tensor import Tensor
from .ops.core import _t
from .ops.nn import dropout as dropout
from .ops.numpy import _dtype


class SeedGenerator:
    """A seed that moves on at each use: draws with it differ call to call but repeat from run
    to run.

    Example:
        >>> from deepling import keras
        >>> gen = keras.random.SeedGenerator(42)
        >>> a, b = keras.random.normal((2,), seed=gen), keras.random.normal((2,), seed=gen)
        >>> bool(keras.ops.all(a != b))
        True
    """

    def __init__(self, seed=None, name=None, **kwargs):
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
            raise ValueError(f"Argument `seed` must be an integer. Received: seed={seed!r}")
        self.name = name or "seed_generator"
        first = int(_backend.rng().integers(2**31)) if seed is None else int(seed)
        self._rng = np.random.default_rng(first)

    def next(self) -> np.random.Generator:
        return np.random.default_rng(self._rng.integers(2**63))


def _generator(seed) -> np.random.Generator:
    if seed is None:
        return _backend.rng()
    if isinstance(seed, SeedGenerator):
        return seed.next()
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return np.random.default_rng(int(seed))
    raise ValueError(f"`seed` must be None, an integer or a SeedGenerator, got {seed!r}")


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None) -> Tensor:
    """Normal draws with `mean` and `stddev` (float32 by default)."""
    draws = _generator(seed).normal(mean, stddev, tuple(shape))
    return Tensor._wrap(draws.astype(_dtype(dtype)))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None) -> Tensor:
    """Uniform draws in [minval, maxval)."""
    draws = _generator(seed).uniform(minval, maxval, tuple(shape))
    return Tensor._wrap(draws.astype(_dtype(dtype)))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None) -> Tensor:
    """Normal draws, redrawn until within two stddevs of the mean."""
    rng, shape = _generator(seed), tuple(shape)
    z = rng.standard_normal(shape)
    bad = np.abs(z) > 2
    while bad.any():
        z[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(z) > 2
    return Tensor._wrap((z * stddev + mean).astype(_dtype(dtype)))


def randint(shape, minval, maxval, dtype="int32", seed=None) -> Tensor:
    """Integers in [minval, maxval)."""
    draws = _generator(seed).integers(minval, maxval, tuple(shape))
    return Tensor._wrap(draws.astype(_dtype(dtype, np.int32)))


def shuffle(x, axis=0, seed=None) -> Tensor:
    """`x` with its entries along `axis` randomly permuted."""
    x = _t(x)
    order = _generator(seed).permutation(x.shape[axis])
    return Tensor._wrap(np.take(x._data, order, axis=axis))


def categorical(logits, num_samples, dtype="int32", seed=None) -> Tensor:
    """`num_samples` class indices per row of `logits` (batch, classes), drawn with
    probabilities softmax(logits)."""
    x = np.asarray(_t(logits)._data)
    u = _generator(seed).random((x.shape[0], int(num_samples), x.shape[1]))
    drawn = np.argmax(x[:, None, :] - np.log(-np.log(u)), axis=-1)  # the Gumbel-max trick
    return Tensor._wrap(drawn.astype(_dtype(dtype, np.int32)))
