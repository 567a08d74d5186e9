"""Conv1D, Conv2D and Conv2DTranspose (DepthwiseConv2D, SeparableConv2D: depthwise.py), with
Keras's kernel layouts ((kh, kw, in/groups, filters); (kh, kw, filters, in) transposed), so
get_weights/set_weights exchange weights with real Keras.

The math is the core's channels-first convolution: a channels_last input is seen through a
transposed view, the kernel through a permuted one, and the result transposed back."""

from __future__ import annotations

import numbers

from ...ops._windows import geometry
from ...ops.conv import Conv, ConvTranspose
from ...ops.shape import permute
from .. import activations, constraints, initializers, regularizers
from . import conv_utils as cu
from .kernel_bias import KernelBiasLayer


class _BaseConv(KernelBiasLayer):
    """Arguments, checks, weights and the call that every Keras convolution shares."""

    rank = 2
    _paddings = ("valid", "same")

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        r = self.rank
        if filters is not None and (not isinstance(filters, numbers.Integral) or filters <= 0):
            raise ValueError(
                "Invalid value for argument `filters`. Expected a strictly positive value. "
                f"Received filters={filters}."
            )
        if not isinstance(groups, numbers.Integral) or groups <= 0:
            raise ValueError(
                "The number of groups must be a positive integer. Received: groups={groups}."
            )
        if filters is not None and filters % groups:
            raise ValueError(
                "The number of filters must be evenly divisible by the number of groups. "
                f"Received: groups={groups}, filters={filters}."
            )
        self.filters, self.groups = filters, int(groups)
        self.kernel_size = cu.normalize_tuple(kernel_size, r, "kernel_size")
        self.strides = cu.normalize_tuple(strides, r, "strides")
        self.dilation_rate = cu.normalize_tuple(dilation_rate, r, "dilation_rate")
        self.padding = cu.normalize_padding(padding, self._paddings)
        self.data_format = cu.normalize_data_format(data_format)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                "`strides > 1` not supported in conjunction with `dilation_rate > 1`. "
                f"Received: strides={self.strides} and dilation_rate={self.dilation_rate}"
            )
        self.activation, self.use_bias = activations.get(activation), use_bias
        self._weight_settings(kernel_initializer, bias_initializer, kernel_regularizer,
                              bias_regularizer, kernel_constraint, bias_constraint)  # fmt: skip
        if self.input_spec_shape is not None:
            self.maybe_build(self.input_spec_shape)

    # --- building ---
    def _channels(self, input_shape) -> int:
        cu.check_rank(self, input_shape, self.rank)
        _, channels = cu.spatial_and_channels(input_shape, self.data_format)
        if channels is None:
            raise ValueError(
                "The channel dimension of the inputs should be defined. The input_shape "
                f"received is {tuple(input_shape)}, where axis "
                f"{1 if self.data_format == 'channels_first' else -1} is the channel dimension, "
                "which found to be `None`."
            )
        return channels

    def build(self, input_shape):
        channels = self._channels(input_shape)
        if channels % self.groups:
            raise ValueError(
                "The number of input channels must be evenly divisible by the number of groups. "
                f"Received groups={self.groups}, but the input has {channels} channels (full "
                f"input shape is {tuple(input_shape)})."
            )
        self._check_output(input_shape, (*self.kernel_size, channels // self.groups, self.filters))
        self.input_channels = channels
        self._kernel_weight("kernel", (*self.kernel_size, channels // self.groups, self.filters))
        self._bias_weight(self.filters)

    def _check_output(self, input_shape, kernel_shape):
        spatial, _ = cu.spatial_and_channels(input_shape, self.data_format)
        sizes = self._output_sizes(spatial)
        if any(n is not None and n <= 0 for n in sizes):
            raise ValueError(
                f"Computed output size would be negative. Received `inputs shape="
                f"{tuple(input_shape)}`, `kernel shape={tuple(kernel_shape)}`, "
                f"`dilation_rate={self.dilation_rate}`."
            )

    def _output_sizes(self, spatial) -> tuple:
        return tuple(
            cu.output_size(n, k, s, d, self.padding)
            for n, k, s, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate)
        )

    def compute_output_shape(self, input_shape):
        spatial, _ = cu.spatial_and_channels(input_shape, self.data_format)
        return cu.with_channels(input_shape[0], self._output_sizes(spatial), self._out_channels(),
                                self.data_format)  # fmt: skip

    def _out_channels(self):
        return self.filters

    # --- calling ---
    def _prepare(self, inputs):
        """The float input, checked against the built layer, and its channels-first view."""
        x = inputs if inputs.dtype.kind == "f" else inputs.float()
        shape = (None, *x.shape[1:])
        cu.check_rank(self, shape, self.rank)
        cu.check_channels(self, shape, self.input_channels, self.data_format)
        self._check_output(shape, tuple(self.kernel.shape))
        return cu.to_channels_first(x, self.data_format)

    def _convolve(self, x, weight, bias, groups, strides=None, dilation=None, padding=None):
        """The core convolution of the channels-first x with a (O, C/groups, *k) weight."""
        strides = strides or self.strides
        dilation = dilation or self.dilation_rate
        kernel = tuple(weight.shape[2:])
        spatial = tuple(x.shape[2:])
        pairs = cu.pads(spatial, kernel, strides, dilation, padding or self.padding)
        one = ((1,), ((0, 0),)) if self.rank == 1 else ((), ())
        g = geometry(one[0] + spatial, one[0] + kernel, one[0] + strides, one[0] + dilation,
                     one[1] + pairs, self.rank)  # fmt: skip
        fn = Conv(g, groups)
        return fn(x, weight) if bias is None else fn(x, weight, bias)

    def _finish(self, y):
        y = cu.from_channels_first(y, self.data_format)
        return y if self.activation is activations.linear else self.activation(y)

    def call(self, inputs):
        x = self._prepare(inputs)
        order = (self.rank + 1, self.rank, *range(self.rank))  # (*k, in, out) -> (out, in, *k)
        y = self._convolve(x, permute(self.kernel, order), self.bias if self.use_bias else None,
                           self.groups)  # fmt: skip
        return self._finish(y)

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "groups": self.groups,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),  # always
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        }


class Conv1D(_BaseConv):
    """1-D convolution over (batch, steps, channels) (channels_last) input: kernel
    (kernel_size, in/groups, filters). padding 'valid', 'same' or 'causal' (output t sees
    inputs up to t only: the padding all goes before)."""

    rank = 1
    _paddings = ("valid", "same", "causal")


class Conv2D(_BaseConv):
    """2-D convolution: `activation(conv2d(inputs, kernel) + bias)`, as keras.layers.Conv2D.

    Args:
        filters: the number of output channels.
        kernel_size, strides, dilation_rate: an int or a pair.
        padding: 'valid' (no padding) or 'same' (output ceil(size / strides); the odd padding
            pixel goes at the bottom/right, as TensorFlow).
        data_format: 'channels_last' (batch, height, width, channels), Keras's default, or
            'channels_first'.
        groups: split the input channels into groups; activation, use_bias, initializers,
            regularizers and constraints as for Dense.

    The kernel is (kh, kw, in_channels / groups, filters), glorot-uniform; the bias zeros.

    Example:
        >>> import numpy as np
        >>> from deepling.keras.layers import Conv2D
        >>> Conv2D(6, 5, activation="relu")(np.zeros((2, 28, 28, 1), "float32")).shape
        torch.Size([2, 24, 24, 6])
    """


class Conv2DTranspose(_BaseConv):
    """Transposed 2-D convolution (the gradient of Conv2D in its input), as
    keras.layers.Conv2DTranspose: kernel (kh, kw, filters, in_channels); the output size is
    size * strides for 'same', size * strides + max(kernel - strides, 0) for 'valid', or
    (size - 1) * strides + kernel - 2 * pad + output_padding when output_padding is given.

    Example:
        >>> import numpy as np
        >>> from deepling.keras.layers import Conv2DTranspose
        >>> Conv2DTranspose(3, 3, strides=2, padding="same")(np.zeros((1, 7, 7, 8), "f4")).shape
        torch.Size([1, 14, 14, 3])
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", output_padding=None,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):  # fmt: skip
        self.output_padding = None
        if output_padding is not None:
            self.output_padding = cu.normalize_tuple(output_padding, 2, "output_padding", True)
            strides_t = cu.normalize_tuple(strides, 2, "strides")
            if any(p >= s for p, s in zip(self.output_padding, strides_t)):
                raise ValueError(
                    "Strides must be greater than output padding. Received strides="
                    f"{strides_t}, output_padding={self.output_padding}."
                )
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate, 1,
                         activation, use_bias, kernel_initializer, bias_initializer,
                         kernel_regularizer, bias_regularizer, kernel_constraint,
                         bias_constraint, **kwargs)  # fmt: skip

    def build(self, input_shape):
        channels = self._channels(input_shape)
        self.input_channels = channels
        self._kernel_weight("kernel", (*self.kernel_size, self.filters, channels))
        self._bias_weight(self.filters)

    def _check_output(self, input_shape, kernel_shape):
        return None  # a transposed convolution only grows

    def _output_sizes(self, spatial) -> tuple:
        extra = self.output_padding or (None,) * 2
        out = []
        for n, k, s, d, e in zip(spatial, self.kernel_size, self.strides, self.dilation_rate,
                                 extra):  # fmt: skip
            span = d * (k - 1) + 1
            if n is None:
                out.append(None)
            elif e is None:
                out.append(n * s if self.padding == "same" else n * s + max(span - s, 0))
            else:
                pad = span // 2 if self.padding == "same" else 0
                out.append((n - 1) * s + span - 2 * pad + e)
        return tuple(out)

    def call(self, inputs):
        x = self._prepare(inputs)
        spatial = tuple(x.shape[2:])
        sizes = self._output_sizes(spatial)
        pairs = cu.pads(sizes, self.kernel_size, self.strides, self.dilation_rate, self.padding)
        g = geometry(sizes, self.kernel_size, self.strides, self.dilation_rate, pairs, 2, spatial)
        forward = geometry(sizes, self.kernel_size, self.strides, self.dilation_rate, pairs, 2)
        if forward.out != spatial:
            raise ValueError(
                f'Layer "{self.name}": output_padding={self.output_padding} gives an output of '
                f"size {sizes}, which a convolution with these strides and padding maps to "
                f"{forward.out}, not to the input's {spatial}"
            )
        weight = permute(self.kernel, (3, 2, 0, 1))  # (kh, kw, out, in) -> (in, out, kh, kw)
        fn = ConvTranspose(g, 1, (x.shape[0], self.filters, *sizes))
        y = fn(x, weight, self.bias) if self.use_bias else fn(x, weight)
        return self._finish(y)

    def get_config(self):
        config = super().get_config()
        del config["groups"]
        return {**config, "output_padding": self.output_padding}


Convolution1D, Convolution2D, Convolution2DTranspose = Conv1D, Conv2D, Conv2DTranspose
