"""DepthwiseConv2D and SeparableConv2D: Keras's depthwise kernel layout (kh, kw, in,
depth_multiplier), over the core's grouped convolution (see convolutional.py)."""

from __future__ import annotations

import numbers

from ...ops.shape import permute
from .. import constraints, initializers, regularizers
from .convolutional import _BaseConv


class DepthwiseConv2D(_BaseConv):
    """One kh x kw filter per input channel (depth_multiplier of them), as
    keras.layers.DepthwiseConv2D: depthwise_kernel (kh, kw, in_channels, depth_multiplier);
    output channel c * depth_multiplier + m comes from input channel c.

    Example:
        >>> import numpy as np
        >>> from deepling.keras.layers import DepthwiseConv2D
        >>> DepthwiseConv2D(3, padding="same")(np.zeros((1, 8, 8, 4), "float32")).shape
        torch.Size([1, 8, 8, 4])
    """

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, depthwise_constraint=None,
                 bias_constraint=None, **kwargs):  # fmt: skip
        if not isinstance(depth_multiplier, numbers.Integral) or depth_multiplier <= 0:
            raise ValueError(
                "Invalid value for argument `depth_multiplier`. Expected a strictly positive "
                f"value. Received depth_multiplier={depth_multiplier}."
            )
        self.depth_multiplier = int(depth_multiplier)
        super().__init__(None, kernel_size, strides, padding, data_format, dilation_rate, 1,
                         activation, use_bias, depthwise_initializer, bias_initializer,
                         depthwise_regularizer, bias_regularizer, depthwise_constraint,
                         bias_constraint, **kwargs)  # fmt: skip

    def build(self, input_shape):
        channels = self._channels(input_shape)
        shape = (*self.kernel_size, channels, self.depth_multiplier)
        self._check_output(input_shape, shape)
        self.input_channels = channels
        self._kernel_weight("depthwise_kernel", shape)
        self._bias_weight(channels * self.depth_multiplier)

    def _out_channels(self):
        return self.input_channels * self.depth_multiplier

    def _depthwise(self, x, bias):
        kh, kw, c, m = self.depthwise_kernel.shape
        weight = permute(self.depthwise_kernel.reshape(kh, kw, c * m), (2, 0, 1)).reshape(
            c * m, 1, kh, kw
        )
        return self._convolve(x, weight, bias, c)

    def call(self, inputs):
        x = self._prepare(inputs)
        return self._finish(self._depthwise(x, self.bias if self.use_bias else None))

    @property
    def kernel(self):
        return self.depthwise_kernel

    def get_config(self):
        config = super().get_config()
        for key in ("filters", "groups"):
            del config[key]
        config["depth_multiplier"] = self.depth_multiplier
        for kind in ("initializer", "regularizer", "constraint"):
            config[f"depthwise_{kind}"] = config.pop(f"kernel_{kind}")
        return config


class SeparableConv2D(DepthwiseConv2D):
    """A depthwise convolution, then a 1x1 convolution mixing the channels (fewer weights than
    Conv2D), as keras.layers.SeparableConv2D: depthwise_kernel (kh, kw, in, depth_multiplier),
    pointwise_kernel (1, 1, in * depth_multiplier, filters), bias (filters,).

    Example:
        >>> import numpy as np
        >>> from deepling.keras.layers import SeparableConv2D
        >>> SeparableConv2D(16, 3)(np.zeros((1, 8, 8, 4), "float32")).shape
        torch.Size([1, 6, 6, 16])
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):  # fmt: skip
        if not isinstance(filters, numbers.Integral) or filters <= 0:
            raise ValueError(
                "Invalid value for argument `filters`. Expected a strictly positive value. "
                f"Received filters={filters}."
            )
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.pointwise_constraint = constraints.get(pointwise_constraint)
        self._filters = int(filters)
        super().__init__(kernel_size, strides, padding, depth_multiplier, data_format,
                         dilation_rate, activation, use_bias, depthwise_initializer,
                         bias_initializer, depthwise_regularizer, bias_regularizer,
                         depthwise_constraint, bias_constraint, **kwargs)  # fmt: skip

    def build(self, input_shape):
        channels = self._channels(input_shape)
        shape = (*self.kernel_size, channels, self.depth_multiplier)
        self._check_output(input_shape, shape)
        self.input_channels, self.filters = channels, self._filters
        self._kernel_weight("depthwise_kernel", shape)
        self._kernel_weight("pointwise_kernel", (1, 1, channels * self.depth_multiplier,
                            self.filters), self.pointwise_initializer, self.pointwise_regularizer,
                            self.pointwise_constraint)  # fmt: skip
        self._bias_weight(self.filters)

    def _out_channels(self):
        return self._filters

    def call(self, inputs):
        x = self._depthwise(self._prepare(inputs), None)
        weight = permute(self.pointwise_kernel, (3, 2, 0, 1))  # (1, 1, in, out) -> (out, in, 1, 1)
        y = self._convolve(x, weight, self.bias if self.use_bias else None, 1, (1, 1), (1, 1),
                           "valid")  # fmt: skip
        return self._finish(y)

    def get_config(self):
        config = super().get_config()
        config["filters"] = self._filters
        config["pointwise_initializer"] = initializers.serialize(self.pointwise_initializer)
        config["pointwise_regularizer"] = regularizers.serialize(self.pointwise_regularizer)
        config["pointwise_constraint"] = constraints.serialize(self.pointwise_constraint)
        return config
