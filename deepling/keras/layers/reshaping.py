"""Permute and RepeatVector: reshaping layers (Reshape and Flatten are in core.py)."""

from __future__ import annotations

from ... import ops
from .base import Layer


class Permute(Layer):
    """Reorder the dims of each sample: `dims` are 1-based and leave out the batch dim.

    Example:
        >>> import numpy as np
        >>> from deepling.keras.layers import Permute
        >>> Permute((2, 1))(np.zeros((4, 3, 5), np.float32)).shape
        deepling.Size([4, 5, 3])
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
        deepling.Size([2, 3, 4])
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
