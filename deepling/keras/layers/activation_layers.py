"""Softmax as a layer (Activation, which takes any activation by name, is in core.py)."""

from __future__ import annotations

from ... import ops
from .base import Layer


class Softmax(Layer):
    """exp(x) / sum(exp(x)) along `axis` (the last by default).

    Example:
        >>> import numpy as np
        >>> from deepling.keras.layers import Softmax
        >>> Softmax()(np.zeros((1, 4), np.float32)).tolist()
        [[0.25, 0.25, 0.25, 0.25]]
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs, mask=None):
        if mask is not None:
            raise NotImplementedError("Softmax(mask=...): masks are not supported")
        if isinstance(self.axis, (list, tuple)):
            return ops.exp(inputs - ops.logsumexp(inputs, axis=tuple(self.axis), keepdims=True))
        return ops.softmax(inputs, axis=self.axis)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
