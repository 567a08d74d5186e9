"""The base of the layers with a kernel and an optional bias (Dense and the convolutions):
their six weight settings, as Keras objects, and the two weights made from them."""

from __future__ import annotations

from .. import constraints, initializers, regularizers
from .base import Layer


class KernelBiasLayer(Layer):
    """A Layer whose kernel and bias take Keras's initializer, regularizer and constraint."""

    def _weight_settings(self, kernel_initializer, bias_initializer, kernel_regularizer,
                         bias_regularizer, kernel_constraint, bias_constraint):  # fmt: skip
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def _kernel_weight(self, name, shape, initializer=None, regularizer=None, constraint=None):
        self.add_weight(name, shape, initializer=initializer or self.kernel_initializer,
                        regularizer=regularizer or self.kernel_regularizer,
                        constraint=constraint or self.kernel_constraint)  # fmt: skip

    def _bias_weight(self, size):
        if self.use_bias:
            self.add_weight("bias", (size,), initializer=self.bias_initializer,
                            regularizer=self.bias_regularizer, constraint=self.bias_constraint)  # fmt: skip
