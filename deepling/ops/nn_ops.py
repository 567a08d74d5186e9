"""Ops that exist for layers: the embedding lookup (a row gather with a padding row) and
inverted dropout."""

from __future__ import annotations

import numpy as np

from .. import _backend
from ..autograd.function import Function
from ..tensor import Tensor
from ._checks import tensor_input
from .arith import mul
from .index import index_add


class Embedding(Function):
    """y = weight[indices];  dweight = gy summed into the looked-up rows (repeats add up),
    zero for the row `padding_idx`, as torch.nn.functional.embedding."""

    def __init__(self, indices, padding_idx=None):
        self.indices, self.padding_idx = indices, padding_idx

    def forward(self, weight):
        self.shape = weight.shape
        return weight[self.indices]

    def backward(self, gy):
        if self.padding_idx is not None:  # the padding row learns nothing
            gy = gy * (self.indices != self.padding_idx)[..., None]
        return index_add(gy, self.indices, self.shape)


def embedding(indices, weight, padding_idx=None) -> Tensor:
    """Rows of `weight` (num_embeddings, dim) picked by integer `indices` of any shape.

    Raises IndexError naming the first index outside [0, num_embeddings).
    """
    tensor_input(weight, "embedding")
    idx = indices._data if isinstance(indices, Tensor) else indices
    xp_idx = idx if hasattr(idx, "dtype") else np.asarray(idx)
    if xp_idx.dtype.kind not in "iu":
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar "
            f"types: Long, Int; but got {xp_idx.dtype} instead"
        )
    n = weight.shape[0]
    bad = (xp_idx < 0) | (xp_idx >= n)
    if bad.any():
        raise IndexError(
            f"index {int(xp_idx[bad].reshape(-1)[0])} is out of range in embedding "
            f"with num_embeddings={n} (valid: 0..{n - 1})"
        )
    if padding_idx is not None and padding_idx < 0:
        padding_idx += n
    return Embedding(xp_idx, padding_idx)(weight)


class _DropoutMask(Function):
    """Dropout's mask: 1/(1-p) where a uniform draw is >= p, else 0. It takes no input, so it
    has no gradient; it is an op so that the draw happens when the op runs, and a compiled
    step draws a new mask on each replay instead of keeping the one it saw."""

    pure = False  # each call draws anew

    def __init__(self, p, shape, dtype, rng):
        self.p, self.shape, self.dtype, self.rng = p, shape, dtype, rng

    def forward(self):
        keep = (self.rng or _backend.rng()).random(self.shape) >= self.p
        return keep.astype(self.dtype) * np.asarray(1.0 / (1.0 - self.p), self.dtype)

    def backward(self, gy):
        return ()


def dropout(x, p: float, *, noise_shape=None, rng=None) -> Tensor:
    """Zero each element with probability p and scale the rest by 1/(1-p) (inverted dropout):
    x times a constant mask, drawn from `rng` (the one generator by default) in `noise_shape`
    (x's shape by default; a 1 shares one draw along that dim, as Keras's noise_shape)."""
    if p == 1.0:
        return mul(x, 0.0)
    array = x._data
    shape = array.shape if noise_shape is None else noise_shape
    return mul(x, _DropoutMask(p, shape, array.dtype, rng)())
