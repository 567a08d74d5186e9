"""Keras's pooling layers: MaxPooling1D/2D, AveragePooling1D/2D (padding 'valid' or 'same',
TensorFlow's: the odd pixel after, padded cells left out of averages) and the global poolings."""

from __future__ import annotations

from ...ops import arith, reduce
from ...ops.pool import pool_with_pads
from ...tensor import Tensor
from . import conv_utils as cu
from .base import Layer


class _Pooling(Layer):
    rank = 2
    kind = "max"

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        r = self.rank
        self.pool_size = cu.normalize_tuple(pool_size, r, "pool_size")
        self.strides = cu.normalize_tuple(self.pool_size if strides is None else strides, r,
                                          "strides")  # fmt: skip
        self.padding = cu.normalize_padding(padding)
        self.data_format = cu.normalize_data_format(data_format)

    def _sizes(self, spatial):
        return tuple(
            cu.output_size(n, k, s, 1, self.padding)
            for n, k, s in zip(spatial, self.pool_size, self.strides)
        )

    def build(self, input_shape):
        cu.check_rank(self, input_shape, self.rank)
        self._check_sizes(input_shape)

    def _check_sizes(self, shape):
        spatial, _ = cu.spatial_and_channels(shape, self.data_format)
        if any(n is not None and n <= 0 for n in self._sizes(spatial)):
            raise ValueError(
                f"Computed output size would be negative. Received: `inputs.shape={tuple(shape)}` "
                f"and `pool_size={self.pool_size}`."
            )

    def call(self, inputs):
        x = inputs if inputs.dtype.kind == "f" or self.kind == "max" else inputs.float()
        shape = (None, *x.shape[1:])
        cu.check_rank(self, shape, self.rank)
        self._check_sizes(shape)
        x = cu.to_channels_first(x, self.data_format)
        pairs = cu.pads(x.shape[2:], self.pool_size, self.strides, (1,) * self.rank, self.padding)
        y = pool_with_pads(self.kind, x, self.rank, self.pool_size, self.strides, pairs, False)
        return cu.from_channels_first(y, self.data_format)

    def compute_output_shape(self, input_shape):
        spatial, channels = cu.spatial_and_channels(input_shape, self.data_format)
        return cu.with_channels(input_shape[0], self._sizes(spatial), channels, self.data_format)

    def get_config(self):
        return {
            **super().get_config(),
            "pool_size": self.pool_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
        }


class MaxPooling1D(_Pooling):
    """The largest value of each window over (batch, steps, features); strides default to
    pool_size."""

    rank = 1


class MaxPooling2D(_Pooling):
    """The largest value of each pool_size window, as keras.layers.MaxPooling2D.

    Args:
        pool_size: the window, an int or a pair (2 by default).
        strides: defaults to pool_size.
        padding: 'valid' or 'same' (output ceil(size / strides); padding never wins).
        data_format: 'channels_last' (default) or 'channels_first'.

    Example:
        >>> import numpy as np
        >>> from deepling.keras.layers import MaxPooling2D
        >>> MaxPooling2D()(np.zeros((1, 24, 24, 6), "float32")).shape
        torch.Size([1, 12, 12, 6])
    """


class AveragePooling1D(_Pooling):
    """The mean of each window over (batch, steps, features)."""

    rank, kind = 1, "avg"


class AveragePooling2D(_Pooling):
    """The mean of each pool_size window; with 'same' padding, padded cells are left out of
    the mean (TensorFlow's rule, unlike PyTorch's default count_include_pad=True)."""

    kind = "avg"


class _GlobalPooling(Layer):
    rank = 2
    kind = "avg"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = cu.normalize_data_format(data_format)
        self.keepdims = keepdims

    def _axes(self):
        first = 2 if self.data_format == "channels_first" else 1
        return tuple(range(first, first + self.rank))

    def build(self, input_shape):
        cu.check_rank(self, input_shape, self.rank)

    def call(self, inputs, mask=None):
        cu.check_rank(self, (None, *inputs.shape[1:]), self.rank)
        axes = self._axes()
        if self.kind == "max":
            return reduce.amax(inputs, dim=axes, keepdim=self.keepdims)
        x = inputs if inputs.dtype.kind == "f" else inputs.float()
        if mask is None:
            return reduce.mean(x, dim=axes, keepdim=self.keepdims)
        return self._masked_mean(x, mask, axes)

    def _masked_mean(self, x, mask, axes):
        """The mean over the steps the (batch, steps) mask keeps (GlobalAveragePooling1D)."""
        keep = mask._data if isinstance(mask, Tensor) else mask
        keep = Tensor._wrap((keep != 0).astype(x.dtype)[..., None])
        if self.data_format == "channels_first":
            keep = Tensor._wrap(keep._data.transpose(0, 2, 1))
        total = reduce.sum(arith.mul(x, keep), dim=axes, keepdim=self.keepdims)
        return arith.div(total, reduce.sum(keep, dim=axes, keepdim=self.keepdims))

    def compute_output_shape(self, input_shape):
        axes = self._axes()
        if self.keepdims:
            return tuple(1 if i in axes else d for i, d in enumerate(input_shape))
        return tuple(d for i, d in enumerate(input_shape) if i not in axes)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}


class GlobalAveragePooling1D(_GlobalPooling):
    """The mean over the steps: (batch, steps, features) -> (batch, features); a (batch,
    steps) `mask` in the call leaves masked steps out."""

    rank = 1


class GlobalAveragePooling2D(_GlobalPooling):
    """The mean over height and width: (batch, h, w, channels) -> (batch, channels).

    Example:
        >>> import numpy as np
        >>> from deepling.keras.layers import GlobalAveragePooling2D
        >>> GlobalAveragePooling2D()(np.ones((2, 5, 5, 3), "float32")).shape
        torch.Size([2, 3])
    """

    def call(self, inputs):
        return super().call(inputs)


class GlobalMaxPooling1D(_GlobalPooling):
    """The largest value over the steps: (batch, steps, features) -> (batch, features)."""

    rank, kind = 1, "max"

    def call(self, inputs):
        return super().call(inputs)


class GlobalMaxPooling2D(_GlobalPooling):
    """The largest value over height and width: (batch, h, w, channels) -> (batch, channels)."""

    kind = "max"

    def call(self, inputs):
        return super().call(inputs)


MaxPool1D, MaxPool2D, AvgPool1D, AvgPool2D = MaxPooling1D, MaxPooling2D, AveragePooling1D, AveragePooling2D  # fmt: skip
GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D
GlobalMaxPool1D, GlobalMaxPool2D = GlobalMaxPooling1D, GlobalMaxPooling2D
