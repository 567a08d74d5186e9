"""Keras's masks: which time steps of a batch are real, carried from layer to layer.

A mask is a bool array (batch, steps) attached to a tensor, as Keras attaches `_keras_mask`.
Tensors have fixed slots, so the attachment lives here, in a table keyed by the tensor's id and
dropped when the tensor is collected. `Layer.__call__` (base.py) asks `call_with_masks` to:
1. pass the input's mask to `call(..., mask=...)` when `call` takes `mask` and none was given;
2. attach `layer.compute_mask(inputs, mask)` to the output when the layer `supports_masking`
   (the input's mask by default: Dense, Dropout, normalization keep it);
3. warn, as Keras does, when a layer that does not support masking drops a mask.
Producers (`makes_masks = True`): `Embedding(mask_zero=True)` and `Masking` (masking.py).
Consumers: the recurrent layers (a masked step keeps the state and repeats the last output),
Bidirectional, TimeDistributed, Attention and MultiHeadAttention.
"""

from __future__ import annotations

import inspect
import warnings
import weakref

import numpy as np

from ...tensor import Tensor

MASKS: dict = {}  # id(tensor) -> (weakref to it, bool array)
_TAKES_MASK: dict = {}


def get_mask(x):
    """The mask attached to tensor `x`, or None."""
    if not MASKS or not isinstance(x, Tensor):
        return None
    found = MASKS.get(id(x))
    if found is None or found[0]() is not x:
        return None
    return found[1]


def set_mask(x, mask) -> None:
    """Attach `mask` (bool, or None to detach) to tensor `x`."""
    key = id(x)
    if mask is None:
        MASKS.pop(key, None)
        return
    mask = np.asarray(mask._data if isinstance(mask, Tensor) else mask).astype(bool, copy=False)
    MASKS[key] = (weakref.ref(x, lambda _, key=key: MASKS.pop(key, None)), mask)


def as_mask(mask):
    """A mask given by a user (tensor, array, nested list) as a bool array, or None; a list
    of masks (one per input: Attention, Concatenate) as a list of them."""
    if mask is None:
        return None
    if isinstance(mask, (list, tuple)) and any(
        m is None or isinstance(m, (Tensor, np.ndarray)) for m in mask
    ):
        return [as_mask(m) for m in mask]
    return np.asarray(mask._data if isinstance(mask, Tensor) else mask).astype(bool, copy=False)


def _takes_mask(cls) -> bool:
    found = _TAKES_MASK.get(cls)
    if found is None:
        found = _TAKES_MASK[cls] = "mask" in inspect.signature(cls.call).parameters
    return found


def call_with_masks(layer, call, inputs, *args, **kwargs):
    """Run `call(inputs, *args, **kwargs)` carrying masks as the module docstring says."""
    if "mask" in kwargs:
        previous = as_mask(kwargs.pop("mask"))
        if _takes_mask(type(layer)):
            kwargs["mask"] = previous
    else:
        if isinstance(inputs, (list, tuple)):  # one mask per input (Add, Attention)
            previous = [get_mask(x) for x in inputs]
            previous = None if all(m is None for m in previous) else previous
        else:
            previous = get_mask(inputs)
        if previous is not None and _takes_mask(type(layer)):
            kwargs["mask"] = previous
    out = call(inputs, *args, **kwargs)
    if layer.supports_masking:
        masks = layer.compute_mask(inputs, kwargs.get("mask", previous))
        outs = out if isinstance(out, (list, tuple)) else [out]
        masks = masks if isinstance(masks, (list, tuple)) else [masks] + [None] * (len(outs) - 1)
        for t, m in zip(outs, masks):
            if isinstance(t, Tensor) and m is not None and get_mask(t) is None:
                set_mask(t, m)
    elif previous is not None and not _takes_mask(type(layer)):
        warnings.warn(
            f"Layer '{layer.name}' (of type {type(layer).__name__}) was passed an input with a "
            "mask attached to it. However, this layer does not support masking and will "
            "therefore destroy the mask information. Downstream layers will not see the mask.",
            stacklevel=3,
        )
    return out
