"""Keras initializers: callables `init(shape, dtype)` returning arrays, drawn from deepling's
one generator. Fans follow Keras: a Dense kernel (in, out) has fan_in = in, fan_out = out."""

from __future__ import annotations

import math

import numpy as np

from .. import _backend
from .registry import Registry


def _fans(shape, input_axes=None, output_axes=None):
    """(fan_in, fan_out): products over the given axes, else Keras's rule for dense and
    convolution kernels (..., in, out): the receptive field times `in` and times `out`."""
    if input_axes is not None:
        return math.prod(shape[a] for a in input_axes), math.prod(shape[a] for a in output_axes)
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = math.prod(shape[:-2]) if len(shape) > 2 else 1
    return shape[-2] * receptive, shape[-1] * receptive


class Initializer:
    def __call__(self, shape, dtype=None):
        return self.sample(tuple(shape)).astype(dtype or "float32")

    def sample(self, shape) -> np.ndarray:
        raise NotImplementedError

    def get_config(self) -> dict:
        return dict(vars(self))


class Zeros(Initializer):
    def sample(self, shape):
        return np.zeros(shape)


class Ones(Initializer):
    def sample(self, shape):
        return np.ones(shape)


class Constant(Initializer):
    def __init__(self, value=0.0):
        self.value = value

    def sample(self, shape):
        return np.full(shape, self.value, dtype=np.float64)


class RandomUniform(Initializer):
    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval, self.maxval, self.seed = minval, maxval, seed

    def sample(self, shape):
        return _rng(self.seed).uniform(self.minval, self.maxval, shape)


class RandomNormal(Initializer):
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def sample(self, shape):
        return _rng(self.seed).normal(self.mean, self.stddev, shape)


class TruncatedNormal(RandomNormal):
    """Normal draws, redrawn until within two standard deviations of the mean."""

    def sample(self, shape):
        return self.mean + self.stddev * _truncated(_rng(self.seed), shape)


class VarianceScaling(Initializer):
    """Draws with variance scale / fan (fan_in, fan_out or their average)."""

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 input_axes=None, output_axes=None):  # fmt: skip
        if scale <= 0.0:
            raise ValueError(f"Argument `scale` must be positive float. Received: scale={scale}")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"Invalid `mode` argument: {mode!r}")
        if distribution not in ("truncated_normal", "untruncated_normal", "uniform", "normal"):
            raise ValueError(f"Invalid `distribution` argument: {distribution!r}")
        distribution = "truncated_normal" if distribution == "normal" else distribution
        if (input_axes is None) != (output_axes is None):
            raise ValueError("input_axes and output_axes are given together, or neither")
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, seed
        self.input_axes, self.output_axes = input_axes, output_axes

    def sample(self, shape):
        fan_in, fan_out = _fans(shape, self.input_axes, self.output_axes)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        variance = self.scale / max(1.0, fan)
        rng = _rng(self.seed)
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            return rng.uniform(-limit, limit, shape)
        if self.distribution == "untruncated_normal":
            return rng.normal(0.0, math.sqrt(variance), shape)
        # the truncated normal's std is 0.8796 of the untruncated one's: undo that shrink
        return math.sqrt(variance) / 0.87962566103423978 * _truncated(rng, shape)


def _named(scale, mode, distribution, doc):
    class Named(VarianceScaling):
        __doc__ = doc

        def __init__(self, seed=None, input_axes=None, output_axes=None):
            super().__init__(scale, mode, distribution, seed, input_axes, output_axes)

        def get_config(self) -> dict:
            return {
                "seed": self.seed,
                "input_axes": self.input_axes,
                "output_axes": self.output_axes,
            }

    return Named


GlorotUniform = _named(
    1.0, "fan_avg", "uniform", "Uniform in ±sqrt(6 / (fan_in + fan_out)): Dense's default."
)
GlorotNormal = _named(
    1.0, "fan_avg", "truncated_normal", "Truncated normal, std sqrt(2 / (fan_in + fan_out))."
)
HeUniform = _named(2.0, "fan_in", "uniform", "Uniform in ±sqrt(6 / fan_in).")
HeNormal = _named(2.0, "fan_in", "truncated_normal", "Truncated normal, std sqrt(2 / fan_in).")
LecunUniform = _named(1.0, "fan_in", "uniform", "Uniform in ±sqrt(3 / fan_in).")
LecunNormal = _named(1.0, "fan_in", "truncated_normal", "Truncated normal, std sqrt(1 / fan_in).")
for _cls, _n in [
    (GlorotUniform, "GlorotUniform"),
    (GlorotNormal, "GlorotNormal"),
    (HeUniform, "HeUniform"),
    (HeNormal, "HeNormal"),
    (LecunUniform, "LecunUniform"),
    (LecunNormal, "LecunNormal"),
]:
    _cls.__name__ = _cls.__qualname__ = _n


class Orthogonal(Initializer):
    """A (semi-)orthogonal matrix times `gain`: QR of a normal draw, signs fixed by diag(R);
    shapes of rank > 2 are flattened to (prod(shape[:-1]), shape[-1])."""

    def __init__(self, gain=1.0, seed=None):
        self.gain, self.seed = gain, seed

    def sample(self, shape):
        if len(shape) < 2:
            raise ValueError(
                f"The tensor to initialize must be at least two-dimensional. Received: shape={shape} of rank {len(shape)}."
            )
        rows, cols = math.prod(shape[:-1]), shape[-1]
        q, r = np.linalg.qr(_rng(self.seed).standard_normal((max(rows, cols), min(rows, cols))))
        q = q * np.sign(np.diag(r))
        return self.gain * (q.T if rows < cols else q).reshape(shape)


class Identity(Initializer):
    """`gain` times the identity matrix (2-D shapes only)."""

    def __init__(self, gain=1.0):
        self.gain = gain

    def sample(self, shape):
        if len(shape) != 2:
            raise ValueError(
                f"Identity matrix initializer can only be used for 2D matrices. Received: shape={shape} of rank {len(shape)}."
            )
        return self.gain * np.eye(*shape)


def _rng(seed):
    return _backend.rng() if seed is None else np.random.default_rng(seed)


def _truncated(rng, shape):
    draws = rng.standard_normal(shape)
    bad = np.abs(draws) > 2
    while bad.any():
        draws[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(draws) > 2
    return draws


INITIALIZERS = Registry("initializer")  # the names add_weight(initializer=...) and get() accept
INITIALIZERS.update(
    zeros=Zeros,
    ones=Ones,
    constant=Constant,
    uniform=RandomUniform,
    random_uniform=RandomUniform,
    normal=RandomNormal,
    random_normal=RandomNormal,
    truncated_normal=TruncatedNormal,
    glorot_uniform=GlorotUniform,
    glorot_normal=GlorotNormal,
    he_uniform=HeUniform,
    he_normal=HeNormal,
    lecun_uniform=LecunUniform,
    lecun_normal=LecunNormal,
    orthogonal=Orthogonal,
    identity=Identity,
    variance_scaling=VarianceScaling,
)


def get(identifier) -> Initializer:
    """An initializer from a name ('glorot_uniform', 'GlorotUniform'), a class, an instance,
    a function, or a config dict (Keras 3's or tf.keras 2's form)."""
    if isinstance(identifier, str):
        cls = INITIALIZERS.class_named(identifier)
        return (cls or INITIALIZERS.lookup(identifier.lower()))()
    if isinstance(identifier, dict):
        return INITIALIZERS.deserialize(identifier)
    if isinstance(identifier, type):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret initializer identifier: {identifier!r}")


def serialize(init) -> str | dict:
    """Keras 3's form `{'module': 'keras.initializers', 'class_name', 'config', ...}` (a plain
    function: its name)."""
    return INITIALIZERS.serialize(init)


def deserialize(config, custom_objects=None):
    if isinstance(config, dict):
        return INITIALIZERS.deserialize(config, custom_objects)
    return get(config)
