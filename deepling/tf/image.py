"""tf.image: resizing images with TensorFlow's rules (half-pixel centres)."""

from __future__ import annotations

import math

import numpy as np

from ..ops.resample import resize as _resize
from .math import _t
from .tensor import as_tf

_METHODS = {"bilinear": "bilinear", "nearest": "nearest", "bicubic": "bicubic"}


class ResizeMethod:
    """tf.image.ResizeMethod's names of the methods deepling has."""

    BILINEAR = "bilinear"
    NEAREST_NEIGHBOR = "nearest"
    BICUBIC = "bicubic"


def resize(images, size, method="bilinear", preserve_aspect_ratio=False, antialias=False,
           name=None):  # fmt: skip
    """Resize (batch, h, w, channels) or (h, w, channels) images to `size` (new_h, new_w), as
    tf.image.resize: 'bilinear' (default), 'nearest' or 'bicubic', half-pixel centres;
    `antialias` filters when downsampling; `preserve_aspect_ratio` fits within `size`. The
    result is float32 (nearest keeps the input's dtype).

    Example:
        >>> import numpy as np
        >>> import deepling.tf as tf
        >>> tf.image.resize(np.zeros((2, 28, 28, 1), "uint8"), (14, 14)).shape
        torch.Size([2, 14, 14, 1])
    """
    method = getattr(method, "value", method)
    if method not in _METHODS:
        raise NotImplementedError(
            f"tf.image.resize: method {method!r} is not supported here (bilinear, nearest, bicubic)"
        )
    x = _t(images)
    if x.ndim not in (3, 4):
        raise ValueError(f"'images' must have either 3 or 4 dimensions, got shape {tuple(x.shape)}")
    single = x.ndim == 3
    x = x.unsqueeze(0) if single else x
    h, w = int(size[0]), int(size[1])
    if preserve_aspect_ratio:
        scale = min(h / x.shape[1], w / x.shape[2])
        h, w = max(1, math.floor(x.shape[1] * scale)), max(1, math.floor(x.shape[2] * scale))
    if method != "nearest" and x.dtype != np.float32:
        x = x.to(np.float32)
    y = _resize(x.permute(0, 3, 1, 2), (h, w), method, antialias).permute(0, 2, 3, 1)
    return as_tf(y[0] if single else y)
