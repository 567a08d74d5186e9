"""torch.nn.functional's vision names: convolutions, pooling, interpolation, padding modes,
unfold/fold and channel dropout, over deepling/ops (conv.py, pool.py, resample.py,
padding.py, fold.py)."""

from __future__ import annotations

import warnings

from ...ops import nn_ops as _nn_ops
from ...ops._checks import tensor_input
from ...ops.conv import conv1d as conv1d
from ...ops.conv import conv2d as conv2d
from ...ops.conv import conv_transpose1d as conv_transpose1d
from ...ops.conv import conv_transpose2d as conv_transpose2d
from ...ops.fold import fold as fold
from ...ops.fold import unfold as unfold
from ...ops.padding import pad as pad
from ...ops.pool import adaptive_avg_pool1d as adaptive_avg_pool1d
from ...ops.pool import adaptive_avg_pool2d as adaptive_avg_pool2d
from ...ops.pool import adaptive_max_pool1d as adaptive_max_pool1d
from ...ops.pool import adaptive_max_pool2d as adaptive_max_pool2d
from ...ops.pool import avg_pool1d as avg_pool1d
from ...ops.pool import avg_pool2d as avg_pool2d
from ...ops.pool import max_pool1d as max_pool1d
from ...ops.pool import max_pool2d as max_pool2d
from ...ops.resample import interpolate as interpolate
from ...tensor import Tensor


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=True):  # fmt: skip
    """max_pool1d returning (values, indices)."""
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=True):  # fmt: skip
    """max_pool2d returning (values, indices)."""
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated in PyTorch in favour of interpolate, which it calls (with the warning)."""
    warnings.warn(
        "`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.",
        stacklevel=2,
    )
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    warnings.warn(
        "`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.",
        stacklevel=2,
    )
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    warnings.warn(
        "`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.",
        stacklevel=2,
    )
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


def _channel_dropout(input, p, training, spatial):
    """Zero whole channels (dim 1; dim 0 for unbatched input) with probability p, the rest
    scaled by 1/(1-p): the mask has size 1 in the `spatial` trailing dims."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    batched = input.ndim == spatial + 2
    lead = input.shape[:2] if batched else input.shape[:1]
    return _nn_ops.dropout(input, p, noise_shape=tuple(lead) + (1,) * (input.ndim - len(lead)))


def dropout1d(input, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Channel-wise dropout of (N, C, L) or (C, L) input, as F.dropout1d."""
    tensor_input(input, "dropout1d")
    if input.ndim not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input. Note that "
            "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial "
            "dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D "
            "inputs)."
        )
    return _channel_dropout(input, p, training, 1)


def dropout2d(input, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Channel-wise dropout of (N, C, H, W) input, as F.dropout2d: whole feature maps are
    zeroed. A 3-D input is taken as (N, C, L), with PyTorch's warning."""
    tensor_input(input, "dropout2d")
    if input.ndim == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D "
            "dropout behavior is desired - input is interpreted as shape (N, C, L), where C is "
            "the channel dim. This behavior will change in a future release to interpret the "
            "input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D "
            "channel-wise dropout behavior, please switch to using dropout1d instead.",
            stacklevel=2,
        )
        return _channel_dropout(input, p, training, 1)
    if input.ndim != 4:
        warnings.warn(
            f"dropout2d: Received a {input.ndim}-D input to dropout2d, which is deprecated and "
            "will result in an error in a future release. To retain the behavior and silence "
            "this warning, please use dropout instead. Note that dropout2d exists to provide "
            "channel-wise dropout on inputs with 2 spatial dimensions, a channel dimension, "
            "and an optional batch dimension (i.e. 3D or 4D inputs).",
            stacklevel=2,
        )
    return _channel_dropout(input, p, training, 2)
