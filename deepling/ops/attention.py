"""Attention: a stable softmax on the last axis that skips excluded entries, and scaled
dot-product attention composed over it.

Masks here are `allowed` (True: attend), the convention of PyTorch's scaled_dot_product_attention
and of Keras; a face flips PyTorch's MultiheadAttention masks (True: ignore) before calling.
"""

from __future__ import annotations

import math

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor
from .activation import softmax
from .arith import where
from .linalg import matmul
from .nn_ops import dropout


class SafeSoftmax(Function):
    """y = softmax(x) on the last axis over the entries that are not -inf; a row with none
    gives zeros (PyTorch's safe softmax, not NaN);  dx = y (gy - sum(gy y)), as softmax."""

    def forward(self, x):
        top = x.max(axis=-1, keepdims=True)
        empty = top == -np.inf
        e = self.xp.exp(x - self.xp.where(empty, 0, top))
        total = e.sum(axis=-1, keepdims=True)
        y = e / self.xp.where(empty, 1, total)
        self.save_for_backward(y)
        return y

    def backward(self, gy):
        (y,) = self.saved
        gyy = gy * y
        return gyy - y * gyy.sum(axis=-1, keepdims=True)


def safe_softmax(x) -> Tensor:
    """Softmax on the last axis where -inf entries take no part and all -inf rows give zeros."""
    return SafeSoftmax()(x)


def causal_allowed(queries: int, keys: int) -> np.ndarray:
    """(queries, keys) bool, True on and below the diagonal: a query sees no later key."""
    return np.tril(np.ones((queries, keys), bool))


def attention(query, key, value, allowed=None, additive=None, dropout_p: float = 0.0,
              scale: float | None = None, safe: bool = True, rng=None):  # fmt: skip
    """softmax(query @ key^T * scale + additive, excluding entries where not `allowed`) @ value.

    Args:
        query, key, value: (..., L, E), (..., S, E), (..., S, Ev) tensors.
        allowed: bool array broadcastable to (..., L, S): False entries are excluded.
        additive: a float tensor or array added to the scores (PyTorch's float masks).
        dropout_p: dropout on the weights (the caller passes 0 outside training).
        scale: 1/sqrt(E) by default.
        safe: rows with nothing allowed give zero weights; else NaN, as a plain softmax does.

    Returns:
        (output (..., L, Ev), weights (..., L, S)).
    """
    scale = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = matmul(query, key.transpose(-2, -1)) * scale
    if additive is not None:
        scores = scores + additive
    if allowed is not None:
        minus_inf = Tensor._wrap(np.full((), -np.inf, scores._data.dtype))
        scores = where(Tensor._wrap(np.asarray(allowed, bool)), scores, minus_inf)
    if safe:
        weights = safe_softmax(scores)
    else:
        weights = softmax(scores, dim=-1)
    dropped = dropout(weights, dropout_p, rng=rng) if dropout_p > 0 else weights
    return matmul(dropped, value), weights
