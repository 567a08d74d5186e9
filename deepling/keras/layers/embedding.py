"""Embedding: integer indices -> rows of a trainable (input_dim, output_dim) matrix."""

from __future__ import annotations

import warnings

import numpy as np

from ...ops.nn_ops import embedding
from ...tensor import Tensor
from .. import constraints, initializers, regularizers
from .base import Layer, only_off


class Embedding(Layer):
    """Turns indices in [0, input_dim) into dense vectors: shape `s` -> `s + (output_dim,)`.

    Args:
        input_dim: vocabulary size (largest index + 1).
        output_dim: size of each vector.
        embeddings_initializer: 'uniform' (±0.05) by default, as Keras.
        embeddings_regularizer, embeddings_constraint: as Dense's kernel ones.
        mask_zero: index 0 is padding: the output carries a mask (indices != 0) that the
            layers after it read (recurrent layers keep their state on masked steps); then
            input_dim must leave room for index 0.
        weights: optional initial matrix (input_dim, output_dim), e.g. pretrained vectors.
        input_length: old Keras 2 argument (Keras 3 warns and drops it); here it builds the
            layer for inputs of shape (batch, input_length), so `summary()` works at once.

    Example:
        >>> import numpy as np
        >>> from deepling.keras.layers import Embedding
        >>> Embedding(10, 4)(np.array([[1, 2, 3]])).shape
        torch.Size([1, 3, 4])
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 weights=None, lora_rank=None, lora_alpha=None, quantization_config=None,
                 input_length=None, **kwargs):  # fmt: skip
        only_off("Embedding", lora_rank=lora_rank, quantization_config=quantization_config)
        if input_length is not None and "input_shape" not in kwargs:
            kwargs.setdefault("batch_input_shape", (None, input_length))
        super().__init__(**kwargs)
        for arg, value in (("input_dim", input_dim), ("output_dim", output_dim)):
            if not isinstance(value, (int, np.integer)) or value <= 0:
                raise ValueError(
                    f"Received an invalid value for argument `{arg}`. Expected a positive "
                    f"integer. Received: {arg}={value!r}"
                )
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero, self.input_length = mask_zero, input_length
        self.supports_masking = self.makes_masks = bool(mask_zero)
        if weights is not None:  # Keras builds at once and sets them
            self.maybe_build((None,) if self.input_spec_shape is None else self.input_spec_shape)
            self.set_weights(weights if isinstance(weights, (list, tuple)) else [weights])
        elif self.input_spec_shape is not None:
            self.maybe_build(self.input_spec_shape)
        if input_length is not None:
            warnings.warn("Argument `input_length` is deprecated. Just remove it.", stacklevel=2)

    def build(self, input_shape):
        self.add_weight(
            name="embeddings",
            shape=(self.input_dim, self.output_dim),
            initializer=self.embeddings_initializer,
            regularizer=self.embeddings_regularizer,
            constraint=self.embeddings_constraint,
        )

    def call(self, inputs):
        return embedding(self._indices(inputs), self.embeddings)

    def _indices(self, inputs):
        """Integer indices as an array, checked: whole numbers within [0, input_dim)."""
        idx = inputs._data if isinstance(inputs, Tensor) else np.asarray(inputs)
        if idx.dtype.kind == "f":
            if (idx != idx.round()).any():
                bad = idx[idx != idx.round()].reshape(-1)[0]
                raise ValueError(
                    f"Embedding layer '{self.name}' expects integer indices, but received "
                    f"{inputs.dtype} input holding the non-integer value {bad}"
                )
            idx = idx.astype(np.int64)
        elif idx.dtype.kind not in "iu":
            raise TypeError(
                f"Embedding layer '{self.name}' expects integer indices; got dtype {idx.dtype}"
            )
        bad = (idx < 0) | (idx >= self.input_dim)
        if bad.any():
            where = tuple(int(i[0]) for i in bad.nonzero())
            raise ValueError(
                f"Embedding layer '{self.name}': indices{list(where)} = {int(idx[where])} is not "
                f"in [0, {self.input_dim}); every index must be below input_dim={self.input_dim}"
            )
        return idx

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return (inputs._data if isinstance(inputs, Tensor) else np.asarray(inputs)) != 0

    def compute_output_shape(self, input_shape):
        return (*input_shape, self.output_dim)

    def get_config(self):
        return {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
            "quantization_config": None,
        }
