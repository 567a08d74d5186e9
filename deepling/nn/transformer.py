"""nn.TransformerEncoderLayer and nn.TransformerEncoder with PyTorch's parameters and order."""

from __future__ import annotations

import copy

from ..ops.activation import gelu, relu
from .container import ModuleList
from .dropout import Dropout
from .linear import Linear
from .module import Module
from .multihead_attention import MultiheadAttention
from .normalization import LayerNorm

_ACTIVATIONS = {"relu": relu, "gelu": gelu}


class TransformerEncoderLayer(Module):
    """Self-attention and a feed-forward block, each with a residual connection and LayerNorm:
    post-norm `x = norm1(x + sa(x)); x = norm2(x + ff(x))` or, with norm_first,
    `x = x + sa(norm1(x)); x = x + ff(norm2(x))`; ff = linear2(dropout(act(linear1(x)))).

    Args:
        d_model: features per position; nhead: attention heads.
        dim_feedforward: the feed-forward block's width (2048).
        dropout: after attention, inside and after the feed-forward block (0.1).
        activation: 'relu', 'gelu' or a function.
        layer_norm_eps, batch_first, norm_first, bias: as PyTorch.

    Call: `layer(src, src_mask=None, src_key_padding_mask=None, is_causal=False)`.

    Example:
        >>> import deepling as dl
        >>> layer = dl.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, batch_first=True)
        >>> layer(dl.ones(3, 5, 8)).shape
        torch.Size([3, 5, 8])
    """

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation="relu",
                 layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True,
                 device=None, dtype=None):  # fmt: skip
        super().__init__()
        if isinstance(activation, str) and activation not in _ACTIVATIONS:
            raise RuntimeError(f"activation should be relu/gelu, not {activation}")
        kw = {"device": device, "dtype": dtype}
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                            batch_first=batch_first, **kw)  # fmt: skip
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **kw)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **kw)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.dropout1, self.dropout2 = Dropout(dropout), Dropout(dropout)
        self.activation = _ACTIVATIONS.get(activation, activation)

    def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            return x + self._ff_block(self.norm2(x))
        x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
        return self.norm2(x + self._ff_block(x))

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal):
        out = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                             need_weights=False, is_causal=is_causal)[0]  # fmt: skip
        return self.dropout1(out)

    def _ff_block(self, x):
        return self.dropout2(self.linear2(self.dropout(self.activation(self.linear1(x)))))


class TransformerEncoder(Module):
    """`num_layers` copies of `encoder_layer`, one after another, then an optional `norm`.

    `enable_nested_tensor` is PyTorch's fast path for padded batches in eval mode, which writes
    zeros at padded positions; here every position is computed as in training (PyTorch with
    enable_nested_tensor=False), so outputs at padded positions differ from that fast path's.

    Example:
        >>> import deepling as dl
        >>> layer = dl.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16)
        >>> dl.nn.TransformerEncoder(layer, num_layers=2)(dl.ones(5, 3, 8)).shape
        torch.Size([5, 3, 8])
    """

    def __init__(self, encoder_layer, num_layers, norm=None, enable_nested_tensor=True,
                 mask_check=True):  # fmt: skip
        super().__init__()
        self.layers = ModuleList([copy.deepcopy(encoder_layer) for _ in range(num_layers)])
        self.num_layers, self.norm = num_layers, norm
        self.enable_nested_tensor, self.mask_check = enable_nested_tensor, mask_check

    def forward(self, src, mask=None, src_key_padding_mask=None, is_causal=None):
        x = src
        for layer in self.layers:
            x = layer(x, src_mask=mask, src_key_padding_mask=src_key_padding_mask,
                      is_causal=bool(is_causal))  # fmt: skip
        return x if self.norm is None else self.norm(x)
