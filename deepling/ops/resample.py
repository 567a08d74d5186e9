"""Resampling: F.interpolate's modes as compositions of ops (no new Function).

Nearest modes pick pixels (an indexing op, or a broadcast for whole-number factors); linear,
bilinear and bicubic interpolation (and their antialiased forms) are products with a constant
(out, in) matrix per axis, built here with PyTorch's source-index rules; 'area' is adaptive
average pooling. Each is differentiable to any order through the ops it uses.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from ..autograd.function import ShapeError
from ..tensor import Tensor
from ._checks import tensor_input
from .linalg import matmul
from .pool import adaptive_avg_pool1d, adaptive_avg_pool2d
from .shape import broadcast_to, reshape

_MODES = ("nearest", "linear", "bilinear", "bicubic", "trilinear", "area", "nearest-exact")
_RANKS = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}


def _scale(n_in, n_out, align_corners, scale):
    """PyTorch's area_pixel_compute_scale: input pixels per output pixel."""
    if align_corners:
        return (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    return 1.0 / scale if scale is not None and scale > 0 else n_in / n_out


def nearest_index(n_in, n_out, scale, exact):
    """Source pixel of each output pixel: floor(i * s) ('nearest', PyTorch's legacy rule, s =
    1 / scale_factor when one is given) or floor((i + 0.5) * s) ('nearest-exact')."""
    if not exact and n_out in (n_in, 2 * n_in):  # PyTorch's kernel special-cases these sizes
        return np.arange(n_out) * n_in // n_out
    s = np.float32(1.0 / scale if scale is not None and scale > 0 else n_in / n_out)
    i = np.arange(n_out, dtype=np.float32) + (np.float32(0.5) if exact else np.float32(0))
    return np.minimum(np.floor(i * s).astype(np.int64), n_in - 1)


def linear_matrix(n_in, n_out, align_corners, scale):
    """(n_out, n_in): each output a blend of its two nearest inputs (PyTorch's rule: source
    (i + 0.5) * s - 0.5 clamped at 0, or i * s with align_corners)."""
    s, i = _scale(n_in, n_out, align_corners, scale), np.arange(n_out)
    src = i * s if align_corners else np.maximum((i + 0.5) * s - 0.5, 0.0)
    i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    lam = np.clip(src - i0, 0.0, 1.0)
    i1 = i0 + (i0 < n_in - 1)
    out = np.zeros((n_out, n_in))
    np.add.at(out, (i, i0), 1.0 - lam)
    np.add.at(out, (i, i1), lam)
    return out


def _cubic(t, a):
    """Keys' cubic convolution kernel at distances t (a = -0.75 in PyTorch, -0.5 in PIL)."""
    t = np.abs(t)
    near = ((a + 2) * t - (a + 3)) * t * t + 1
    far = ((t - 5) * t + 8) * t * a - 4 * a
    return np.where(t < 1, near, np.where(t < 2, far, 0.0))


def cubic_matrix(n_in, n_out, align_corners, scale, a=-0.75, renormalize=False):
    """(n_out, n_in): bicubic weights over four neighbours, indices clamped at the borders
    (PyTorch), or with neighbours outside the image dropped and the rest renormalized
    (`renormalize`, TensorFlow's resize with a = -0.5)."""
    s, i = _scale(n_in, n_out, align_corners, scale), np.arange(n_out)
    src = i * s if align_corners else (i + 0.5) * s - 0.5
    base = np.floor(src).astype(np.int64)
    out = np.zeros((n_out, n_in))
    for k in range(-1, 3):  # the four taps of the kernel, not pixels
        w = _cubic(src - (base + k), a)
        if renormalize:
            w = np.where((base + k >= 0) & (base + k < n_in), w, 0.0)
        np.add.at(out, (i, np.clip(base + k, 0, n_in - 1)), w)
    if renormalize:
        out /= out.sum(axis=1, keepdims=True)
    return out


def antialias_matrix(n_in, n_out, align_corners, scale, cubic):
    """(n_out, n_in): PyTorch's antialiased weights (PIL's filters, widened by the downscale
    factor and normalized), for bilinear (triangle) or bicubic (a = -0.5)."""
    s = _scale(n_in, n_out, align_corners, scale)
    half = 2.0 if cubic else 1.0
    support = half * s if s >= 1.0 else half
    inv = 1.0 / s if s >= 1.0 else 1.0
    center = s * (np.arange(n_out) + 0.5)
    lo = np.maximum((center - support + 0.5).astype(np.int64), 0)
    hi = np.minimum((center + support + 0.5).astype(np.int64), n_in)
    j = np.arange(n_in)
    t = (j - center[:, None] + 0.5) * inv
    w = _cubic(t, -0.5) if cubic else np.maximum(1.0 - np.abs(t), 0.0)
    w = np.where((j >= lo[:, None]) & (j < hi[:, None]), w, 0.0)
    total = w.sum(axis=1, keepdims=True)
    return w / np.where(total == 0, 1.0, total)


def _sizes(input, size, scale_factor, recompute_scale_factor):
    """(output sizes, scales handed to the kernels) as F.interpolate computes them."""
    dims = input.ndim - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        size = [size] * dims if isinstance(size, numbers.Integral) else list(size)
        if len(size) != dims:
            raise ValueError(
                "Input and output must have the same number of spatial dimensions, but got "
                f"input with spatial dimensions of {list(input.shape[2:])} and output size of "
                f"{size}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                "output size in (o1, o2, ...,oK) format."
            )
        return [int(n) for n in size], [None] * dims
    if scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    scales = [scale_factor] * dims if isinstance(scale_factor, numbers.Real) else list(scale_factor)
    if len(scales) != dims:
        raise ValueError(
            "Input and scale_factor must have the same number of spatial dimensions, but got "
            f"input with spatial dimensions of {list(input.shape[2:])} and scale_factor of "
            f"shape {scales}."
        )
    out = [math.floor(float(n * s)) for n, s in zip(input.shape[2:], scales)]
    return out, ([None] * dims if recompute_scale_factor else [float(s) for s in scales])


def _along(x, matrices):
    """x with each (out, in) matrix applied along its spatial axis (the last one first)."""
    dtype = x.dtype
    *lead, last = matrices
    y = matmul(x, Tensor._wrap(last.T.astype(dtype)))
    if lead:
        y = matmul(Tensor._wrap(lead[0].astype(dtype)), y)
    return y


def _nearest(x, out, scales, exact):
    size = x.shape[2:]
    index = [nearest_index(n, o, s, exact) for n, o, s in zip(size, out, scales)]
    factors = [o // n if n and o % n == 0 else 0 for n, o in zip(size, out)]
    if all(f and np.array_equal(i, np.arange(o) // f) for f, i, o in zip(factors, index, out)):
        # whole-number factors: each pixel repeated, a broadcast (cheaper than a gather)
        spread = x.reshape(x.shape[:2] + tuple(d for n in size for d in (n, 1)))
        wide = x.shape[:2] + tuple(d for n, f in zip(size, factors) for d in (n, f))
        return reshape(broadcast_to(spread, wide), tuple(x.shape[:2]) + tuple(out))
    if len(index) == 1:
        return x[..., index[0]]
    return x[..., index[0][:, None], index[1][None, :]]


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False) -> Tensor:  # fmt: skip
    """Resample (N, C, L) or (N, C, H, W) input to `size` or by `scale_factor`, as
    F.interpolate.

    Args:
        mode: 'nearest' (PyTorch's floor(i / scale) rule), 'nearest-exact' (pixel centres),
            'linear' (3-D), 'bilinear', 'bicubic' (4-D) or 'area' (adaptive averaging).
        align_corners: for the linear modes, map corner pixels onto corner pixels.
        recompute_scale_factor: use in/out sizes instead of the given scale_factor.
        antialias: low-pass filter when downsampling (bilinear and bicubic, 4-D input).

    Example:
        >>> import deepling as dl
        >>> x = dl.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])
        >>> dl.nn.functional.interpolate(x, scale_factor=2).shape
        torch.Size([1, 1, 4, 4])
    """
    tensor_input(input, "interpolate")
    if mode not in _MODES:
        raise NotImplementedError(
            "Input Error: Only 3D, 4D and 5D input Tensors supported (got "
            f"{input.ndim}D) for the modes: {' | '.join(_MODES[:-1])} | nearest-exact (got {mode})"
        )
    if align_corners is not None and mode in ("nearest", "area", "nearest-exact"):
        raise ValueError(
            "align_corners option can only be set with the interpolating modes: "
            "linear | bilinear | bicubic | trilinear"
        )
    need = _RANKS.get(mode)
    if need is not None and input.ndim != need + 2:
        raise NotImplementedError(
            f"Got {input.ndim}D input, but {mode} mode needs {need + 2}D input"
        )
    if input.ndim not in (3, 4):
        raise NotImplementedError(
            f"interpolate: {input.ndim}D input is not supported here (3-D and 4-D input only)"
        )
    if antialias and not (mode in ("bilinear", "bicubic") and input.ndim == 4):
        raise ValueError(
            "Anti-alias option is restricted to bilinear and bicubic modes and requires a 4-D "
            "tensor as input"
        )
    out, scales = _sizes(input, size, scale_factor, recompute_scale_factor)
    if min(out) <= 0 or min(input.shape[2:]) <= 0:
        raise ShapeError(
            f"Input and output sizes should be greater than 0, but got input {list(input.shape[2:])}"
            f" output {out}"
        )
    if mode in ("nearest", "nearest-exact"):
        return _nearest(input, out, scales, mode == "nearest-exact")
    if mode == "area":
        pool = adaptive_avg_pool1d if input.ndim == 3 else adaptive_avg_pool2d
        return pool(input, tuple(out))
    align = bool(align_corners)
    if antialias:
        cubic = mode == "bicubic"
        build = lambda n, o, s: antialias_matrix(n, o, align, s, cubic)  # noqa: E731
    else:
        maker = cubic_matrix if mode == "bicubic" else linear_matrix
        build = lambda n, o, s: maker(n, o, align, s)  # noqa: E731
    matrices = [build(n, o, s) for n, o, s in zip(input.shape[2:], out, scales)]
    x = input if input.dtype.kind == "f" else input.float()
    return _along(x, matrices)


def resize(input, size, method="bilinear", antialias=False) -> Tensor:
    """Resize batched channels-first images to `size` (h, w) with tf.image.resize's rules
    (half-pixel centres): 'bilinear', 'nearest' (PyTorch's 'nearest-exact'), 'bicubic'
    (Keys' a = -0.5, outside neighbours dropped); `antialias` widens the filter when
    downsampling (bilinear and bicubic). For the TensorFlow and Keras faces."""
    out = [int(n) for n in size]
    if min(out) <= 0:
        raise ValueError(f"The output size must be positive, got size={tuple(size)}")
    if method == "nearest":
        return _nearest(input, out, [None, None], True)
    if method not in ("bilinear", "bicubic"):
        raise NotImplementedError(
            f"resize: method {method!r} is not supported here (bilinear, nearest, bicubic)"
        )
    sizes = input.shape[2:]
    cubic = method == "bicubic"
    if antialias and any(o < n for n, o in zip(sizes, out)):
        matrices = [antialias_matrix(n, o, False, None, cubic) for n, o in zip(sizes, out)]
    elif cubic:
        matrices = [cubic_matrix(n, o, False, None, -0.5, True) for n, o in zip(sizes, out)]
    else:
        matrices = [linear_matrix(n, o, False, None) for n, o in zip(sizes, out)]
    x = input if input.dtype.kind == "f" else input.float()
    return _along(x, matrices)
