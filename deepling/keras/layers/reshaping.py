"""Keras's reshaping layers: Permute and RepeatVector, and for images UpSampling1D/2D,
ZeroPadding1D/2D, Cropping1D/2D (Reshape and Flatten are in core.py)."""

from __future__ import annotations

import numbers

from ... import ops
from ...ops.resample import resize
from ...ops.shape import pad
from . import conv_utils as cu
from .base import Layer


def _pairs(value, rank: int, name: str) -> tuple:
    """Keras's padding/cropping forms: an int, one int per axis, or (before, after) per axis."""
    if isinstance(value, numbers.Integral):
        return ((int(value), int(value)),) * rank
    if rank == 1 and len(value) == 2 and all(isinstance(v, numbers.Integral) for v in value):
        return ((int(value[0]), int(value[1])),)
    if len(value) != rank:
        raise ValueError(f"`{name}` should have {rank} elements. Received: {name}={value}.")
    out = []
    for i, v in enumerate(value):
        if isinstance(v, numbers.Integral):
            out.append((int(v), int(v)))
        else:
            pair = tuple(v)
            if len(pair) != 2:
                raise ValueError(f"`{name}[{i}]` should have 2 elements. Received: {v}.")
            out.append((int(pair[0]), int(pair[1])))
    if min(min(p) for p in out) < 0:
        raise ValueError(f"`{name}` cannot be negative. Received: {name}={value}.")
    return tuple(out)


class _Spatial(Layer):
    rank = 2

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = (
            cu.normalize_data_format(data_format) if self.rank == 2 else ("channels_last")
        )

    def build(self, input_shape):
        cu.check_rank(self, input_shape, self.rank)

    def _axes(self):
        first = 2 if self.data_format == "channels_first" else 1
        return tuple(range(first, first + self.rank))

    def get_config(self):
        config = super().get_config()
        if self.rank == 2:
            config["data_format"] = self.data_format
        return config


class UpSampling1D(_Spatial):
    """Repeat each step `size` times: (batch, steps, features) -> (batch, steps * size, ...)."""

    rank = 1

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        self.size = int(size)

    def call(self, inputs):
        cu.check_rank(self, (None, *inputs.shape[1:]), 1)
        n, steps, features = inputs.shape
        wide = inputs.reshape(n, steps, 1, features).expand(n, steps, self.size, features)
        return wide.reshape(n, steps * self.size, features)

    def compute_output_shape(self, input_shape):
        steps = input_shape[1]
        return (input_shape[0], None if steps is None else steps * self.size, input_shape[2])

    def get_config(self):
        return {**super().get_config(), "size": self.size}


class UpSampling2D(_Spatial):
    """Enlarge images by whole factors: each pixel repeated ('nearest'), or interpolated with
    tf.image.resize's half-pixel rule ('bilinear', 'bicubic'), as keras.layers.UpSampling2D.

    Example:
        >>> import numpy as np
        >>> from deepling.keras.layers import UpSampling2D
        >>> UpSampling2D((2, 3))(np.zeros((1, 4, 4, 3), "float32")).shape
        torch.Size([1, 8, 12, 3])
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(data_format, **kwargs)
        self.size = cu.normalize_tuple(size, 2, "size")
        if interpolation not in ("nearest", "bilinear", "bicubic"):
            raise ValueError(
                "`interpolation` argument should be one of: nearest, bilinear, bicubic (the "
                f"ones deepling has). Received: {interpolation!r}."
            )
        self.interpolation = interpolation

    def call(self, inputs):
        cu.check_rank(self, (None, *inputs.shape[1:]), 2)
        x = cu.to_channels_first(inputs, self.data_format)
        h, w = x.shape[2:]
        y = resize(x, (h * self.size[0], w * self.size[1]), self.interpolation)
        return cu.from_channels_first(y, self.data_format)

    def compute_output_shape(self, input_shape):
        out = list(input_shape)
        for axis, f in zip(self._axes(), self.size):
            out[axis] = None if out[axis] is None else out[axis] * f
        return tuple(out)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "interpolation": self.interpolation}


class _ZeroPadding(_Spatial):
    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(data_format, **kwargs)
        self.padding = _pairs(padding, self.rank, "padding")

    def call(self, inputs):
        cu.check_rank(self, (None, *inputs.shape[1:]), self.rank)
        widths = [0] * (2 * inputs.ndim)  # F.pad's order: the last axis first
        for axis, (lo, hi) in zip(self._axes(), self.padding):
            k = inputs.ndim - 1 - axis
            widths[2 * k], widths[2 * k + 1] = lo, hi
        return pad(inputs, widths)

    def compute_output_shape(self, input_shape):
        out = list(input_shape)
        for axis, (lo, hi) in zip(self._axes(), self.padding):
            out[axis] = None if out[axis] is None else out[axis] + lo + hi
        return tuple(out)

    def get_config(self):
        return {**super().get_config(), "padding": self.padding}


class ZeroPadding1D(_ZeroPadding):
    """Zeros before and after the steps: padding an int or (before, after)."""

    rank = 1

    def __init__(self, padding=1, **kwargs):
        super().__init__(padding, **kwargs)


class ZeroPadding2D(_ZeroPadding):
    """Rows and columns of zeros around images: padding an int, (rows, cols) or ((top,
    bottom), (left, right)), as keras.layers.ZeroPadding2D.

    Example:
        >>> import numpy as np
        >>> from deepling.keras.layers import ZeroPadding2D
        >>> ZeroPadding2D(((1, 0), (2, 2)))(np.ones((1, 3, 3, 1), "float32")).shape
        torch.Size([1, 4, 7, 1])
    """


class _Cropping(_Spatial):
    def __init__(self, cropping, data_format=None, **kwargs):
        super().__init__(data_format, **kwargs)
        self.cropping = _pairs(cropping, self.rank, "cropping")

    def _check(self, shape):
        for axis, (lo, hi) in zip(self._axes(), self.cropping):
            if shape[axis] is not None and lo + hi >= shape[axis]:
                raise ValueError(
                    f"`cropping` parameter of `{type(self).__name__}` layer must be smaller than "
                    f"the input shape. Received: inputs.shape={tuple(shape)}, and "
                    f"cropping={self.cropping}"
                )

    def build(self, input_shape):
        super().build(input_shape)
        self._check(input_shape)

    def call(self, inputs):
        shape = (None, *inputs.shape[1:])
        cu.check_rank(self, shape, self.rank)
        self._check(shape)
        key = [slice(None)] * inputs.ndim
        for axis, (lo, hi) in zip(self._axes(), self.cropping):
            key[axis] = slice(lo, inputs.shape[axis] - hi)
        return inputs[tuple(key)]

    def compute_output_shape(self, input_shape):
        out = list(input_shape)
        for axis, (lo, hi) in zip(self._axes(), self.cropping):
            out[axis] = None if out[axis] is None else out[axis] - lo - hi
        return tuple(out)

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping}


class Cropping1D(_Cropping):
    """Remove steps at the start and end: cropping an int or (start, end)."""

    rank = 1

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(cropping, **kwargs)


class Cropping2D(_Cropping):
    """Remove rows and columns at the borders: cropping an int, (rows, cols) or ((top,
    bottom), (left, right)), as keras.layers.Cropping2D.

    Example:
        >>> import numpy as np
        >>> from deepling.keras.layers import Cropping2D
        >>> Cropping2D(((2, 2), (4, 4)))(np.zeros((1, 28, 28, 3), "float32")).shape
        torch.Size([1, 24, 20, 3])
    """

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(cropping, data_format, **kwargs)


class Permute(Layer):
    """Reorder the dims of each sample: `dims` are 1-based and leave out the batch dim.

    Example:
        >>> import numpy as np
        >>> from deepling.keras.layers import Permute
        >>> Permute((2, 1))(np.zeros((4, 3, 5), np.float32)).shape
        torch.Size([4, 5, 3])
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(int(d) for d in dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(
                "Invalid permutation argument `dims` for Permute Layer. The set of indices in "
                f"`dims` must be consecutive and start from 1. Received dims={dims}"
            )

    def call(self, inputs):
        return ops.permute(inputs, 0, *self.dims)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *(input_shape[d] for d in self.dims))

    def get_config(self):
        return {**super().get_config(), "dims": self.dims}


class RepeatVector(Layer):
    """(batch, features) -> (batch, n, features): each sample repeated n times.

    Example:
        >>> import numpy as np
        >>> from deepling.keras.layers import RepeatVector
        >>> RepeatVector(3)(np.zeros((2, 4), np.float32)).shape
        torch.Size([2, 3, 4])
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(n, int) or n < 1:
            raise TypeError(f"Expected an integer value for `n`, got {n!r}.")
        self.n = n

    def call(self, inputs):
        if inputs.ndim != 2:
            raise ValueError(
                f"Input 0 of layer '{self.name}' is incompatible with the layer: expected "
                f"ndim=2, found ndim={inputs.ndim}. Full shape received: {tuple(inputs.shape)}"
            )
        batch, features = inputs.shape
        return ops.broadcast_to(ops.unsqueeze(inputs, 1), (batch, self.n, features))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        return {**super().get_config(), "n": self.n}
