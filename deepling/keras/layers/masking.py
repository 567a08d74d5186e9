"""Masking: mark the padded time steps of a batch of sequences, for the layers after it."""

from __future__ import annotations

import numpy as np

from ...ops import arith
from ...tensor import Tensor
from .base import Layer


class Masking(Layer):
    """Masks the time steps whose features all equal `mask_value` (and zeroes them).

    Args:
        mask_value: the value of padded steps.

    Example:
        >>> import numpy as np
        >>> from deepling.keras.layers import Masking
        >>> from deepling.keras.layers.masks import get_mask
        >>> out = Masking()(np.array([[[1.0], [0.0]]], dtype="float32"))
        >>> get_mask(out)
        array([[ True, False]])
    """

    supports_masking = makes_masks = True

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value

    def compute_mask(self, inputs, mask=None):
        return np.any(inputs._data != self.mask_value, axis=-1)

    def call(self, inputs):
        keep = self.compute_mask(inputs)
        return arith.mul(inputs, Tensor._wrap(keep[..., None].astype(inputs._data.dtype)))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}
