"""Dense, Activation, Dropout, Flatten and Reshape."""

from __future__ import annotations

import math

import numpy as np

from ... import ops
from ...ops import nn_ops
from .. import activations, constraints, initializers, regularizers
from .base import Layer, only_off
from .kernel_bias import KernelBiasLayer


class Dense(KernelBiasLayer):
    """y = activation(x @ kernel + bias), with kernel (input_dim, units) made on first call.

    Args:
        units: output size.
        activation: a name ('relu', 'sigmoid', 'softmax', ...) or a function; None is linear.
        use_bias: add a bias vector.
        kernel_initializer, bias_initializer: 'glorot_uniform' and 'zeros' by default.
        kernel_regularizer, bias_regularizer: e.g. 'l2' or keras.regularizers.l2(0.01).
        kernel_constraint, bias_constraint: e.g. keras.constraints.max_norm(3), applied by
            Keras optimizers after each update.
        input_dim: build at once for inputs with this many features (old Keras style).

    Example:
        >>> from deepling.keras.layers import Dense
        >>> Dense(3, input_dim=2).kernel.shape
        torch.Size([2, 3])
    """

    supports_masking = True  # the output keeps the input's mask

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, input_dim=None, lora_rank=None,
                 lora_alpha=None, quantization_config=None, **kwargs):  # fmt: skip
        only_off("Dense", lora_rank=lora_rank, quantization_config=quantization_config)
        if input_dim is not None and "input_shape" not in kwargs:
            kwargs["input_shape"] = (input_dim,)
        super().__init__(**kwargs)
        if not isinstance(units, int) or units <= 0:
            raise ValueError(
                f"Received an invalid value for `units`, expected a positive integer. Received: units={units}"
            )
        self.units, self.use_bias = units, use_bias
        self.activation = activations.get(activation)
        self._weight_settings(kernel_initializer, bias_initializer, kernel_regularizer,
                              bias_regularizer, kernel_constraint, bias_constraint)  # fmt: skip
        if self.input_spec_shape is not None:
            self.maybe_build(self.input_spec_shape)

    def build(self, input_shape):
        self._kernel_weight("kernel", (input_shape[-1], self.units))
        self._bias_weight(self.units)

    def call(self, inputs):
        kernel, x = self.kernel, inputs._data
        if x.dtype.kind != "f":  # integer features (e.g. seed programs' Python ints)
            inputs = inputs.float()
        if x.shape[-1] != kernel._data.shape[0]:
            raise ValueError(
                f'Input 0 of layer "{self.name}" is incompatible with the layer: expected axis -1 '
                f"of input shape to have value {kernel._data.shape[0]}, but received input with "
                f"shape {(None, *x.shape[1:])}"
            )
        y = ops.affine(inputs, kernel, self.bias if self.use_bias else None)
        return y if self.activation is activations.linear else self.activation(y)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "quantization_config": None,
        }


class Activation(Layer):
    """Applies an activation function by name or function."""

    supports_masking = True  # the output keeps the input's mask

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class Dropout(Layer):
    """Zeroes a `rate` share of inputs while training (scaling the rest by 1/(1-rate)).

    `noise_shape` shapes the mask (None takes the input's dim; a 1 shares one draw along that
    dim, e.g. `(None, 1, features)` drops whole features for every time step); `seed` gives
    the layer a generator of its own, so its masks repeat from run to run.
    """

    supports_masking = True  # the output keeps the input's mask

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate <= 1:
            raise ValueError(
                "Invalid value received for argument `rate`. Expected a float value between 0 "
                f"and 1. Received: rate={rate}"
            )
        self.rate, self.noise_shape, self.seed = rate, noise_shape, seed
        self._rng = None if seed is None else np.random.default_rng(seed)

    def call(self, inputs, training=None):
        training = self.training if training is None else training
        if not training or not self.rate:
            return inputs
        shape = None
        if self.noise_shape is not None:
            shape = tuple(n if d is None else d for d, n in zip(self.noise_shape, inputs.shape))
        return nn_ops.dropout(inputs, self.rate, noise_shape=shape, rng=self._rng)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "rate": self.rate,
            "noise_shape": self.noise_shape,
            "seed": self.seed,
        }


class Flatten(Layer):
    """(N, d1, d2, ...) -> (N, d1 * d2 * ...); with `data_format="channels_first"` the channels
    axis 1 is moved last first, so the order of features is the channels-last one (Keras)."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last", "channels_first"):
            raise ValueError(
                'The `data_format` argument must be one of "channels_first", "channels_last". '
                f"Received: {data_format}"
            )
        self.data_format = data_format or "channels_last"

    def call(self, inputs):
        if self.data_format == "channels_first" and inputs.ndim > 2:
            inputs = inputs.permute(0, *range(2, inputs.ndim), 1)
        return inputs.reshape(inputs.shape[0], -1)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        return (input_shape[0], None if None in rest else math.prod(rest))


class Reshape(Layer):
    """Reshape each sample to `target_shape` (one dim may be -1)."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)

    def call(self, inputs):
        return inputs.reshape(inputs.shape[0], *self.target_shape)

    def compute_output_shape(self, input_shape):
        target = list(self.target_shape)
        if -1 in target and None not in input_shape[1:]:
            known = math.prod(d for d in target if d != -1)
            target[target.index(-1)] = math.prod(input_shape[1:]) // known
        return (input_shape[0], *target)

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}


class Identity(Layer):
    """Returns its input unchanged (a placeholder in a model's graph)."""

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape


class Lambda(Layer):
    """Wraps a function of the inputs as a layer: `Lambda(lambda x: x ** 2)`.

    Args:
        function: called as `function(inputs, **arguments)`.
        output_shape: the output shape (without the batch dim), or a function of the input
            shape; found by running the function on zeros when not given.
        mask: accepted only as None (masks are not supported).
        arguments: extra keyword arguments for `function`.

    Example:
        >>> import numpy as np
        >>> from deepling.keras.layers import Lambda
        >>> Lambda(lambda x: x * 2)(np.ones((1, 2), np.float32)).tolist()
        [[2.0, 2.0]]
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"Lambda needs a callable, got {type(function).__name__}")
        if mask is not None:
            raise NotImplementedError("Lambda(mask=...): masks are not supported")
        self.function, self.arguments = function, dict(arguments or {})
        self._output_shape = output_shape

    def call(self, inputs, training=None):
        return self.function(inputs, **self.arguments)

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            return super().compute_output_shape(input_shape)
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        return (input_shape[0], *self._output_shape)

    def get_config(self):
        raise NotImplementedError(
            "Lambda layers hold Python code, which deepling does not serialize: rebuild the "
            "model in code and load its weights instead"
        )
