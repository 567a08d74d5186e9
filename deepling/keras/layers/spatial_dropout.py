"""SpatialDropout1D/2D: Dropout that drops whole feature maps (channels) at once."""

from __future__ import annotations

from . import conv_utils as cu
from .core import Dropout


class _SpatialDropout(Dropout):
    rank = 2

    def __init__(self, rate, data_format=None, seed=None, **kwargs):
        fmt = cu.normalize_data_format(data_format) if self.rank == 2 else "channels_last"
        ones = (1,) * self.rank  # one draw per sample and channel (None: the input's size)
        shape = (None, None, *ones) if fmt == "channels_first" else (None, *ones, None)
        super().__init__(rate, noise_shape=shape, seed=seed, **kwargs)
        self.data_format = fmt

    def build(self, input_shape):
        cu.check_rank(self, input_shape, self.rank)

    def call(self, inputs, training=None):
        cu.check_rank(self, (None, *inputs.shape[1:]), self.rank)
        return super().call(inputs, training)

    def get_config(self):
        config = super().get_config()
        del config["noise_shape"]
        if self.rank == 2:
            config["data_format"] = self.data_format
        return config


class SpatialDropout1D(_SpatialDropout):
    """Drops whole features of (batch, steps, features) input while training."""

    rank = 1

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(rate, seed=seed, **kwargs)


class SpatialDropout2D(_SpatialDropout):
    """Drops whole channels of (batch, h, w, channels) input while training (neighbouring
    pixels are correlated, so dropping single pixels hardly regularizes); the kept ones are
    scaled by 1 / (1 - rate), as keras.layers.SpatialDropout2D.

    Example:
        >>> import numpy as np
        >>> from deepling.keras.layers import SpatialDropout2D
        >>> SpatialDropout2D(0.5)(np.ones((1, 2, 2, 3), "float32")).shape  # inference: identity
        torch.Size([1, 2, 2, 3])
    """
