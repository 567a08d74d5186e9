"""Normalization: standardize features with a mean and variance learned by `adapt(data)`."""

from __future__ import annotations

import numpy as np

from ...ops import arith
from ...tensor import Tensor
from .base import Layer
from .normalization import as_float_tensor


def _as_array(data):
    """Data for adapt() as one float64 array; an iterable of batches (a generator, a loader
    yielding `(x, y)`, a list of ragged batches) is concatenated."""
    if isinstance(data, Tensor):
        data = data._data
    if hasattr(data, "__array__") or isinstance(data, (list, tuple, int, float)):
        try:
            return np.asarray(data, np.float64)
        except (ValueError, TypeError):  # ragged: a list of batches of different sizes
            pass
    if not hasattr(data, "__iter__") or isinstance(data, (str, bytes, dict)):
        raise TypeError(f"adapt() takes arrays, tensors, lists or iterables of batches: {data!r}")
    batches = [b[0] if isinstance(b, (tuple, list)) and hasattr(b[0], "shape") else b for b in data]
    if not batches:
        raise ValueError("adapt() received an empty iterable (no batches).")
    return np.concatenate([_as_array(b) for b in batches])


class Normalization(Layer):
    """`(x - mean) / max(sqrt(variance), 1e-7)` per feature (`invert=True`: the other way),
    with `mean` and `variance` given, or computed by `adapt(data)` and kept as non-trainable
    weights (saved with the model).

    Args:
        axis: the feature axis (or axes) kept; None: one mean and variance for everything.
        mean, variance: given statistics (scalars or arrays of the features' shape).
        invert: map standardized values back to the data's scale.

    Example:
        >>> import numpy as np
        >>> from deepling.keras.layers import Normalization
        >>> layer = Normalization()
        >>> layer.adapt(np.array([[0.0, 7.0], [2.0, 9.0]]))
        >>> layer(np.array([[0.0, 7.0]], dtype="float32")).numpy()
        array([[-1., -1.]], dtype=float32)
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        self.axis = () if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
        if (mean is None) != (variance is None):
            raise ValueError(
                "When setting values directly, both `mean` and `variance` must be set. "
                f"Received: mean={mean} and variance={variance}"
            )
        if mean is not None and np.ndim(mean) > len(self.axis):
            raise ValueError(
                f"The rank of `mean` must be less than or equal to the number of axes "
                f"({len(self.axis)}). Received: mean shape {np.shape(mean)} for axis {self.axis}"
            )
        self.input_mean, self.input_variance, self.invert = mean, variance, invert
        if self.input_spec_shape is not None:
            self.maybe_build(self.input_spec_shape)

    def build(self, input_shape):
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(
                f"All `axis` values must be in the range [-ndim, ndim). Received inputs with "
                f"ndim={ndim}, while axis={self.axis}"
            )
        self._keep = tuple(sorted(a % ndim for a in self.axis))
        if any(input_shape[d] is None for d in self._keep):
            raise ValueError(
                f"All `axis` values to be kept must have a known shape. Received axis="
                f"{self.axis}, inputs.shape={input_shape}"
            )
        self._built_shape = tuple(input_shape)
        self._bshape = tuple(input_shape[d] if d in self._keep else 1 for d in range(ndim))
        shape = tuple(input_shape[d] for d in self._keep)
        if self.input_mean is None:
            self.add_weight(name="mean", shape=shape, initializer="zeros", trainable=False)
            self.add_weight(name="variance", shape=shape, initializer="ones", trainable=False)
            self.add_weight(
                name="count", shape=(), dtype="int64", initializer="zeros", trainable=False
            )
            return
        expanded = [1] * ndim  # given statistics line up with the kept axes from the right
        for i in range(1, np.ndim(self.input_mean) + 1):
            expanded[self._keep[-i]] = np.shape(self.input_mean)[-i]
        self._given = [
            np.broadcast_to(np.reshape(np.asarray(v, np.float32), expanded), self._bshape)
            for v in (self.input_mean, self.input_variance)
        ]

    def adapt(self, data) -> None:
        """Compute the mean and (biased) variance of `data` over every axis but `axis`: an
        array, a tensor, a list, or an iterable of batches; 1-D data is one feature."""
        if self.input_mean is not None:
            raise ValueError(
                f"Layer '{self.name}' was given mean and variance; adapt() cannot change them"
            )
        x = _as_array(data)
        x = x.reshape(-1, 1) if x.ndim <= 1 else x  # a column of values, as tf.keras 2 did
        if not self.built:  # known input shape: a Sequential starting here builds at once
            self.input_spec_shape = (None, *x.shape[1:])
            self.maybe_build(self.input_spec_shape)
        shape = self._built_shape
        if x.ndim != len(shape) or any(x.shape[d] != shape[d] for d in self._keep):
            raise ValueError(
                f"The layer was built with input_shape={shape}, but adapt() is being called "
                f"with data with an incompatible shape, data.shape={x.shape}"
            )
        reduce = tuple(d for d in range(x.ndim) if d not in self._keep)
        self.mean._data[...] = x.mean(axis=reduce)
        self.variance._data[...] = x.var(axis=reduce)
        self.count._data[...] = x.size // max(1, self.mean.numel())

    def _statistics(self):
        if self.input_mean is not None:
            return self._given
        if int(self.count._data) == 0:
            raise ValueError(
                f"Normalization layer '{self.name}' has no mean and variance yet: call "
                "`layer.adapt(data)` before using it, or pass `mean=` and `variance=`."
            )
        return self.mean._data.reshape(self._bshape), self.variance._data.reshape(self._bshape)

    def call(self, inputs):
        from ..backend import epsilon  # backend imports layers: load it on use

        x = as_float_tensor(inputs)
        mean, variance = self._statistics()
        if x.ndim == len(self._bshape) - 1:  # one value per sample, as 1-D data in adapt()
            mean, variance = mean[0], variance[0]
        std = np.maximum(np.sqrt(variance), epsilon()).astype(mean.dtype)
        mean, std = Tensor._wrap(mean), Tensor._wrap(std)
        if self.invert:
            return arith.add(mean, arith.mul(x, std))
        return arith.div(arith.sub(x, mean), std)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        given = (self.input_mean, self.input_variance)
        mean, var = (v if v is None or np.isscalar(v) else np.asarray(v).tolist() for v in given)
        axis = self.axis[0] if len(self.axis) == 1 else list(self.axis) or None
        return {
            **super().get_config(),
            "axis": axis,
            "mean": mean,
            "variance": var,
            "invert": self.invert,
        }
