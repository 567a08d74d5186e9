"""torch.nn.functional.scaled_dot_product_attention over ops/attention.py."""

from __future__ import annotations

import numpy as np

from ...autograd.function import ShapeError
from ...ops import attention as _attention
from ...ops._checks import tensor_input
from ...tensor import Tensor


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p: float = 0.0,
                                 is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:  # fmt: skip
    """softmax(query @ key^T * scale + mask) @ value, as PyTorch's.

    Args:
        query, key, value: (..., L, E), (..., S, E), (..., S, Ev).
        attn_mask: bool (True: take part) or float (added to the scores), broadcastable to
            (..., L, S). A row with nothing allowed gives zeros.
        dropout_p: dropout on the attention weights (always applied when > 0, as PyTorch's;
            pass `dropout_p if model.training else 0`).
        is_causal: a query attends to keys at its position and before (top-left aligned).
        scale: 1/sqrt(E) by default.
        enable_gqa: key and value may have fewer heads (dim -3) than query, each shared by a
            group of query heads.

    Example:
        >>> import deepling as dl
        >>> q = dl.ones(2, 4, 8)
        >>> dl.nn.functional.scaled_dot_product_attention(q, q, q, is_causal=True).shape
        torch.Size([2, 4, 8])
    """
    for name, t in (("query", query), ("key", key), ("value", value)):
        tensor_input(t, "scaled_dot_product_attention", name)
    if query.shape[-1] != key.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise ShapeError(
            f"scaled_dot_product_attention: query {list(query.shape)}, key {list(key.shape)} "
            f"and value {list(value.shape)} do not fit: query and key need the same last dim, "
            "key and value the same length (dim -2)"
        )
    if enable_gqa and key.ndim >= 3 and key.shape[-3] != query.shape[-3]:
        if query.shape[-3] % key.shape[-3]:
            raise ShapeError(
                f"scaled_dot_product_attention: {query.shape[-3]} query heads cannot be shared "
                f"among {key.shape[-3]} key heads"
            )
        heads = np.arange(query.shape[-3]) // (query.shape[-3] // key.shape[-3])
        key, value = key[..., heads, :, :], value[..., heads, :, :]
    allowed = additive = None
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError(
                "_scaled_dot_product_attention: Explicit attn_mask should not be set when "
                "is_causal=True"
            )
        allowed = _attention.causal_allowed(query.shape[-2], key.shape[-2])
    elif attn_mask is not None:
        mask = attn_mask._data if isinstance(attn_mask, Tensor) else np.asarray(attn_mask)
        if mask.dtype == bool:
            allowed = mask
        else:
            additive = attn_mask if isinstance(attn_mask, Tensor) else Tensor._wrap(mask)
    out, _ = _attention.attention(query, key, value, allowed, additive, dropout_p, scale)
    return out
