"""Padding by mode, as F.pad: 'constant' (the Pad op), and 'reflect', 'replicate' and
'circular', which pick border pixels again: an indexing op with one index array per padded
axis (np.pad of the positions gives it), so the gradient adds back into the picked pixels."""

from __future__ import annotations

import numpy as np

from ..autograd.function import ShapeError
from ..tensor import Tensor
from ._checks import tensor_input
from .shape import pad as constant_pad

_NUMPY_MODE = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def _check(x, pad, mode):
    if len(pad) % 2:
        raise ShapeError("Padding length must be divisible by 2")
    dims = len(pad) // 2
    if dims not in (1, 2, 3) or x.ndim not in (dims + 1, dims + 2):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {x.ndim}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)"
        )
    for i in range(dims):
        lo, hi = pad[2 * i], pad[2 * i + 1]
        axis = x.ndim - 1 - i
        n = x.shape[axis]
        if min(lo, hi) < 0:
            raise ShapeError(f"{mode} padding does not take negative sizes, got {tuple(pad)}")
        if mode == "reflect" and max(lo, hi) >= n:
            raise ShapeError(
                "Argument #4: Padding size should be less than the corresponding input dimension, "
                f"but got: padding ({lo}, {hi}) at dimension {axis} of input {list(x.shape)}"
            )
        if mode == "circular" and max(lo, hi) > n:
            raise ShapeError("Padding value causes wrapping around more than once.")
        if mode == "replicate" and n == 0 and (lo or hi):
            raise ShapeError(f"replicate padding of an empty dimension {axis}: {list(x.shape)}")


def pad(input, pad, mode: str = "constant", value=None) -> Tensor:
    """Pad the last dims of `input`: `pad` is (left, right) of the last dim, then (top, bottom)
    of the one before, ... as F.pad.

    Args:
        mode: 'constant' (with `value`, 0 by default), 'reflect' (mirror without repeating the
            edge), 'replicate' (repeat the edge) or 'circular' (wrap around).

    Example:
        >>> import deepling as dl
        >>> dl.nn.functional.pad(dl.tensor([[[1.0, 2.0, 3.0]]]), (2, 1), mode="reflect").tolist()
        [[[3.0, 2.0, 1.0, 2.0, 3.0, 2.0]]]
    """
    tensor_input(input, "pad")
    pad = tuple(int(p) for p in pad)
    if mode == "constant":
        return constant_pad(input, pad, value=0.0 if value is None else value)
    if mode not in _NUMPY_MODE:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise ValueError(f'Padding mode "{mode}" doesn\'t take in value argument')
    _check(input, pad, mode)
    dims = len(pad) // 2
    index = []
    for axis in range(input.ndim - dims, input.ndim):
        i = input.ndim - 1 - axis
        widths = (pad[2 * i], pad[2 * i + 1])
        index.append(np.pad(np.arange(input.shape[axis]), widths, mode=_NUMPY_MODE[mode]))
    shaped = []
    for k, idx in enumerate(index):  # open-mesh index arrays, one per padded axis
        shape = [1] * dims
        shape[k] = idx.size
        shaped.append(idx.reshape(shape))
    return input[(Ellipsis, *shaped)]
