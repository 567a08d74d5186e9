"""Keras's attention layers: Attention (dot-product, Luong style) and MultiHeadAttention.

Masks are Keras's: True means "attend". As in Keras, Attention subtracts 1e9 from excluded
scores before the softmax, and MultiHeadAttention's softmax sets them to -1e9 and their weights
to 0 after it (a query with nothing to attend to gets zero weights). The Keras
masks of query, value and key (from `Embedding(mask_zero=True)`) are read when no mask is given.
"""

from __future__ import annotations

import math

import numpy as np

from ...ops import nn_ops
from ...ops.activation import softmax
from ...ops.arith import where
from ...ops.linalg import matmul
from ...ops.unary import tanh
from ...tensor import Tensor
from .. import initializers, regularizers
from .base import Layer
from .masks import as_mask, get_mask

_LARGE = 1e9


def _masked_softmax(scores, allowed):
    """Keras's Softmax layer with a mask: excluded scores become -1e9, and their weights 0
    after the softmax (so a row with nothing allowed is all zeros)."""
    if allowed is None:
        return softmax(scores, dim=-1)
    keep = Tensor._wrap(np.asarray(allowed, bool))
    dtype = scores._data.dtype
    weights = softmax(where(keep, scores, Tensor._wrap(np.full((), -_LARGE, dtype))), dim=-1)
    return where(keep, weights, Tensor._wrap(np.zeros((), dtype)))


def _padded_softmax(scores, allowed):
    """Keras's Attention: 1e9 subtracted from excluded scores, then the softmax (a row with
    nothing allowed spreads evenly)."""
    if allowed is not None:
        scores = where(Tensor._wrap(np.asarray(allowed, bool)), scores, scores - _LARGE)
    return softmax(scores, dim=-1)


def _causal(queries, keys):
    return np.tril(np.ones((1, queries, keys), bool))


class Attention(Layer):
    """Dot-product attention: softmax(query @ key^T [* scale]) @ value.

    Args:
        use_scale: learn a scalar `scale` (initialized to 1) that multiplies the scores.
        score_mode: 'dot', or 'concat' (scores = concat_score_weight * sum(tanh(q + k))).
        dropout: dropout on the attention weights while training.
        seed: the dropout's seed.

    Call: `layer([query, value])` or `[query, value, key]`, with `mask=[query_mask,
    value_mask]`, `return_attention_scores`, `use_causal_mask`, `training`. Masked queries
    output zeros.

    Example:
        >>> import numpy as np
        >>> from deepling.keras.layers import Attention
        >>> q, v = np.ones((2, 3, 4), "float32"), np.ones((2, 5, 4), "float32")
        >>> Attention()([q, v]).shape
        torch.Size([2, 3, 4])
    """

    supports_masking = True

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError(
                "Invalid value for argument score_mode. Expected one of {'dot', 'concat'}. "
                f"Received: score_mode={score_mode}"
            )
        self.use_scale, self.score_mode, self.dropout, self.seed = (
            use_scale,
            score_mode,
            dropout,
            seed,
        )
        self._rng = None if seed is None else np.random.default_rng(seed)

    def build(self, input_shape):
        if self.use_scale:
            self.add_weight("scale", (), initializer="ones")
        if self.score_mode == "concat":
            self.add_weight("concat_score_weight", (), initializer="ones")

    def _scores(self, q, k):
        scale = self.scale if self.use_scale else None
        if self.score_mode == "dot":
            scores = matmul(q, k.transpose(-2, -1))
            return scores if scale is None else scores * scale
        pairs = q.unsqueeze(-2) + k.unsqueeze(-3)
        pairs = pairs if scale is None else pairs * scale
        return self.concat_score_weight * tanh(pairs).sum(axis=-1)

    def call(self, inputs, mask=None, training=None, return_attention_scores=False,
             use_causal_mask=False):  # fmt: skip
        if not isinstance(inputs, (list, tuple)) or len(inputs) not in (2, 3):
            raise ValueError(
                f"{type(self).__name__} layer must be called on a list of inputs, namely "
                f"[query, value] or [query, value, key]. Received: inputs={inputs}."
            )
        q, v = inputs[0], inputs[1]
        k = inputs[2] if len(inputs) > 2 else v
        q_mask, v_mask = (as_mask(mask[0]), as_mask(mask[1])) if mask else (None, None)
        scores = self._scores(q, k)
        allowed = None if v_mask is None else v_mask[:, None, :]
        if use_causal_mask:
            causal = _causal(scores.shape[-2], scores.shape[-1])
            allowed = causal if allowed is None else allowed & causal
        weights = _padded_softmax(scores, allowed)
        training = self.training if training is None else training
        dropped = weights
        if training and self.dropout > 0:
            dropped = nn_ops.dropout(weights, self.dropout, rng=self._rng)
        out = matmul(dropped, v)
        if q_mask is not None:
            out = where(
                Tensor._wrap(q_mask[..., None]), out, Tensor._wrap(np.zeros((), out._data.dtype))
            )
        return [out, weights] if return_attention_scores else out

    def compute_mask(self, inputs, mask=None):
        return as_mask(mask[0]) if isinstance(mask, (list, tuple)) and mask else None

    def compute_output_shape(self, input_shape):
        return (*input_shape[0][:-1], input_shape[1][-1])

    def get_config(self):
        return {**super().get_config(), "use_scale": self.use_scale, "score_mode": self.score_mode,
                "dropout": self.dropout, "seed": self.seed}  # fmt: skip


class MultiHeadAttention(Layer):
    """Multi-head attention (Vaswani 2017) with Keras's weights: `query_dense`, `key_dense`,
    `value_dense` kernels (dim, num_heads, key_dim) with biases (num_heads, key_dim), and an
    output kernel (num_heads, value_dim, output_dim).

    Args:
        num_heads: heads; key_dim: size of each head for query and key.
        value_dim: size of each head for value (key_dim by default).
        dropout: dropout on the attention weights while training.
        use_bias: biases in the projections.
        output_shape: last dim of the output (the query's by default).
        kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer.

    Call: `layer(query, value, key=None, attention_mask=None, return_attention_scores=False,
    training=None, use_causal_mask=False)`, with (B, T, dim) query and (B, S, dim) value;
    `attention_mask` is (B, T, S), True where a query may attend.

    Example:
        >>> import numpy as np
        >>> from deepling.keras.layers import MultiHeadAttention
        >>> x = np.ones((2, 5, 8), "float32")
        >>> MultiHeadAttention(num_heads=2, key_dim=4)(x, x).shape
        torch.Size([2, 5, 8])
    """

    supports_masking = True

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True,
                 output_shape=None, attention_axes=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 seed=None, **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        if attention_axes not in (None, 1, (1,), [1]):
            raise NotImplementedError(
                "MultiHeadAttention: attention over axes other than the time axis (1)"
            )
        self.num_heads, self.key_dim = num_heads, key_dim
        self.value_dim = value_dim if value_dim is not None else key_dim
        self.dropout, self.use_bias, self.seed = dropout, use_bias, seed
        self.output_shape, self.attention_axes = output_shape, attention_axes
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self._rng = None if seed is None else np.random.default_rng(seed)

    def maybe_build(self, input_shape):
        """Nothing yet: the weights need the value's shape too, which call() has."""

    def _dense(self, name, kernel_shape, bias_shape):
        self.add_weight(f"{name}_kernel", kernel_shape, initializer=self.kernel_initializer,
                        regularizer=self.kernel_regularizer)  # fmt: skip
        if self.use_bias:
            self.add_weight(f"{name}_bias", bias_shape, initializer=self.bias_initializer,
                            regularizer=self.bias_regularizer)  # fmt: skip

    def build(self, query_shape, value_shape=None, key_shape=None):
        value_shape = query_shape if value_shape is None else value_shape
        key_shape = value_shape if key_shape is None else key_shape
        h, kd, vd = self.num_heads, self.key_dim, self.value_dim
        out = self.output_shape or query_shape[-1]
        out = out[-1] if isinstance(out, (list, tuple)) else out
        self._dense("query", (query_shape[-1], h, kd), (h, kd))
        self._dense("key", (key_shape[-1], h, kd), (h, kd))
        self._dense("value", (value_shape[-1], h, vd), (h, vd))
        self._dense("output", (h, vd, out), (out,))

    def _project(self, x, name, heads_dim):
        kernel = getattr(self, f"{name}_kernel")
        y = matmul(x, kernel.reshape(kernel.shape[0], -1))
        if self.use_bias:
            y = y + getattr(self, f"{name}_bias").reshape(-1)
        b, t = x.shape[0], x.shape[1]
        return y.reshape(b, t, self.num_heads, heads_dim).permute(0, 2, 1, 3)

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
             attention_mask=None, return_attention_scores=False, training=None,
             use_causal_mask=False):  # fmt: skip
        key = value if key is None else key
        if not self.built:
            self.build(tuple(query.shape), tuple(value.shape), tuple(key.shape))
            self.built = True
        query_mask = _given(query_mask, query)
        value_mask, key_mask = _given(value_mask, value), _given(key_mask, key)
        allowed = _attention_mask(query_mask, value_mask, key_mask, attention_mask,
                                  use_causal_mask, query.shape[1], value.shape[1])  # fmt: skip
        q = self._project(query, "query", self.key_dim) * (1.0 / math.sqrt(self.key_dim))
        k = self._project(key, "key", self.key_dim)
        v = self._project(value, "value", self.value_dim)
        scores = matmul(q, k.transpose(-2, -1))  # (B, heads, T, S)
        weights = _masked_softmax(scores, None if allowed is None else allowed[:, None])
        training = self.training if training is None else training
        dropped = weights
        if training and self.dropout > 0:
            dropped = nn_ops.dropout(weights, self.dropout, rng=self._rng)
        out = matmul(dropped, v).permute(0, 2, 1, 3)  # (B, T, heads, value_dim)
        out = out.reshape(out.shape[0], out.shape[1], -1)
        kernel = self.output_kernel
        out = matmul(out, kernel.reshape(-1, kernel.shape[-1]))
        if self.use_bias:
            out = out + self.output_bias
        return [out, weights] if return_attention_scores else out

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        out = self.output_shape or query_shape[-1]
        return (*query_shape[:-1], out[-1] if isinstance(out, (list, tuple)) else out)

    def get_config(self):
        return {**super().get_config(), "num_heads": self.num_heads, "key_dim": self.key_dim,
                "value_dim": self.value_dim, "dropout": self.dropout, "use_bias": self.use_bias,
                "output_shape": self.output_shape, "attention_axes": self.attention_axes,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "seed": self.seed}  # fmt: skip


def _given(mask, tensor):
    return as_mask(mask) if mask is not None else get_mask(tensor)


def _attention_mask(query_mask, value_mask, key_mask, attention_mask, causal, t, s):
    """Keras's combination: query (B, T, 1) & value (B, 1, S) & key & causal & attention_mask."""
    found = None
    parts = [
        None if query_mask is None else query_mask[:, :, None],
        None if value_mask is None else value_mask[:, None, :],
        None if key_mask is None else key_mask[:, None, :],
        _causal(t, s) if causal else None,
        as_mask(attention_mask),
    ]
    for part in parts:
        if part is not None:
            found = part if found is None else found & part
    return found
