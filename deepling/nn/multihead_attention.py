"""nn.MultiheadAttention with PyTorch's parameters (`in_proj_weight` (3E, E), `in_proj_bias`,
`out_proj`; or `q_proj_weight`, `k_proj_weight`, `v_proj_weight` when kdim/vdim differ) and
masks (True: ignore this key / this pair; float masks are added to the scores)."""

from __future__ import annotations

import numpy as np

from .. import _backend
from ..creation import empty
from ..ops import attention as _attention
from ..ops.linalg import linear
from ..tensor import Tensor
from . import init
from .linear import Linear
from .module import Module, Parameter


class NonDynamicallyQuantizableLinear(Linear):
    """PyTorch's name for MultiheadAttention's output projection: a Linear."""


class MultiheadAttention(Module):
    """Attention with `num_heads` heads: softmax(Q K^T / sqrt(head_dim) + masks) V per head,
    heads concatenated and projected by `out_proj`.

    Args:
        embed_dim: size of the queries (and of the output).
        num_heads: heads; embed_dim must be divisible by it.
        dropout: dropout on the attention weights while training.
        bias: biases of the input and output projections.
        kdim, vdim: sizes of keys and values (embed_dim by default).
        batch_first: inputs are (N, L, E) instead of (L, N, E).

    Call: `attn_output, attn_weights = mha(query, key, value, key_padding_mask=None,
    need_weights=True, attn_mask=None, average_attn_weights=True, is_causal=False)`.
    A query whose keys are all masked gives NaN, as PyTorch.

    Example:
        >>> import deepling as dl
        >>> mha = dl.nn.MultiheadAttention(8, 2, batch_first=True)
        >>> x = dl.ones(3, 5, 8)
        >>> out, w = mha(x, x, x)
        >>> out.shape, w.shape
        (torch.Size([3, 5, 8]), torch.Size([3, 5, 5]))
    """

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False,
                 add_zero_attn=False, kdim=None, vdim=None, batch_first=False, device=None,
                 dtype=None):  # fmt: skip
        super().__init__()
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(
                f"embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} "
                f"and num_heads={num_heads} instead"
            )
        if embed_dim % num_heads:
            raise AssertionError("embed_dim must be divisible by num_heads")
        if add_bias_kv or add_zero_attn:
            raise NotImplementedError("MultiheadAttention: add_bias_kv and add_zero_attn")
        self.embed_dim, self.num_heads, self.dropout = embed_dim, num_heads, dropout
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.head_dim, self.batch_first = embed_dim // num_heads, batch_first
        dtype = _backend.to_dtype(dtype) or _backend.default_float
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(empty(3 * embed_dim, embed_dim, dtype=dtype))
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.q_proj_weight = Parameter(empty(embed_dim, embed_dim, dtype=dtype))
            self.k_proj_weight = Parameter(empty(embed_dim, self.kdim, dtype=dtype))
            self.v_proj_weight = Parameter(empty(embed_dim, self.vdim, dtype=dtype))
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(empty(3 * embed_dim, dtype=dtype))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias,
                                                        device=device, dtype=dtype)  # fmt: skip
        self.bias_k = self.bias_v = None
        self.add_zero_attn = False
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        """Xavier-uniform projections and zero biases, as PyTorch."""
        for w in (self.in_proj_weight, self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
            if w is not None:
                init.xavier_uniform_(w)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)

    def _projections(self, query, key, value):
        e, b = self.embed_dim, self.in_proj_bias
        bq, bk, bv = (None, None, None) if b is None else (b[:e], b[e : 2 * e], b[2 * e :])
        if self._qkv_same_embed_dim:
            w = self.in_proj_weight
            wq, wk, wv = w[:e], w[e : 2 * e], w[2 * e :]
        else:
            wq, wk, wv = self.q_proj_weight, self.k_proj_weight, self.v_proj_weight
        return linear(query, wq, bq), linear(key, wk, bk), linear(value, wv, bv)

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True,
                attn_mask=None, average_attn_weights=True, is_causal=False):  # fmt: skip
        unbatched = query.ndim == 2
        if unbatched:
            query, key, value = (t.unsqueeze(1) for t in (query, key, value))
            if key_padding_mask is not None:
                key_padding_mask = key_padding_mask.unsqueeze(0)
        elif self.batch_first:  # work time-major, as PyTorch does
            query, key, value = (t.transpose(0, 1) for t in (query, key, value))
        self._check(query, key, value)
        length, batch = query.shape[0], query.shape[1]
        source = key.shape[0]
        if is_causal and attn_mask is None:
            raise RuntimeError("Need attn_mask if specifying the is_causal hint.")
        q, k, v = self._projections(query, key, value)
        # (L, N, E) -> (N, heads, L, head_dim)
        q, k, v = (t.reshape(t.shape[0], batch, self.num_heads, self.head_dim).permute(1, 2, 0, 3)
                   for t in (q, k, v))  # fmt: skip
        allowed, additive = _masks(attn_mask, key_padding_mask, batch, self.num_heads, length,
                                   source, q._data.dtype)  # fmt: skip
        p = self.dropout if self.training else 0.0
        out, weights = _attention.attention(q, k, v, allowed, additive, p, safe=False)
        out = out.permute(2, 0, 1, 3).reshape(length, batch, self.embed_dim)
        out = self.out_proj(out)
        if unbatched:
            out = out.squeeze(1)
        elif self.batch_first:
            out = out.transpose(0, 1)
        if not need_weights:
            return out, None
        if average_attn_weights:
            weights = weights.mean(dim=1)
        return out, (weights.squeeze(0) if unbatched else weights)

    def _check(self, query, key, value) -> None:
        if query.shape[-1] != self.embed_dim:
            raise AssertionError(
                f"was expecting embedding dimension of {self.embed_dim}, but got {query.shape[-1]}"
            )
        if key.shape[0] != value.shape[0] or key.shape[1] != value.shape[1]:
            raise AssertionError(
                f"key shape {tuple(key.shape)} does not match value shape {tuple(value.shape)}"
            )
        if key.shape[1] != query.shape[1]:
            raise AssertionError(
                f"query, key and value batch sizes differ: {query.shape[1]} and {key.shape[1]}"
            )


def _masks(attn_mask, key_padding_mask, batch, heads, length, source, dtype):
    """PyTorch's masks (True: ignore, or float: add) as `allowed` and `additive` for
    (N, heads, L, S) scores."""
    allowed = np.ones((batch, heads, length, source), bool)
    additive = None
    for mask, kind in ((attn_mask, "attn"), (key_padding_mask, "key")):
        if mask is None:
            continue
        array = mask._data if isinstance(mask, Tensor) else np.asarray(mask)
        if kind == "key":
            if array.shape != (batch, source):
                raise AssertionError(
                    f"expecting key_padding_mask shape of {(batch, source)}, but got {array.shape}"
                )
            array = array[:, None, None, :]
        elif array.ndim == 2:
            if array.shape != (length, source):
                raise RuntimeError(
                    f"The shape of the 2D attn_mask is {array.shape}, but should be "
                    f"{(length, source)}."
                )
        elif array.shape == (batch * heads, length, source):
            array = array.reshape(batch, heads, length, source)
        else:
            raise RuntimeError(
                f"The shape of the 3D attn_mask is {array.shape}, but should be "
                f"{(batch * heads, length, source)}."
            )
        if array.dtype == bool:
            allowed = allowed & ~array
        else:
            part = Tensor._wrap(np.asarray(array, dtype)) if not isinstance(mask, Tensor) else mask
            part = part.reshape(array.shape)
            additive = part if additive is None else additive + part
    return (None if allowed.all() else allowed), additive
