"""Pooling on arrays: window maxima with PyTorch's arg-max, window sums, their transposes, and
the windows of adaptive pooling. Arrays are (N, C, H, W); 1-D ops come with H = 1."""

from __future__ import annotations

import numpy as np

from ._windows import Geometry, fold_taps, pad_array, windows


def lowest(dtype):
    """The padding of max pooling: it never wins."""
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _first_max(blocks):
    """(values, taps) of the largest element of each window along the last axis, the first
    one on ties (as PyTorch's kernels scan); NaN wins, as in PyTorch."""
    taps = blocks.argmax(axis=-1)
    return np.take_along_axis(blocks, taps[..., None], -1)[..., 0], taps


def _tap(xp, g: Geometry, t: int):
    """The (N, C, Ho, Wo) view of the padded input at kernel tap t of every window."""
    (sh, sw), (dh, dw), (ho, wo) = g.stride, g.dilation, g.out
    i, j = divmod(t, g.kernel[1])
    rows = slice(i * dh, i * dh + sh * (ho - 1) + 1, sh)
    return xp[:, :, rows, j * dw : j * dw + sw * (wo - 1) + 1 : sw]


def max_values(x, g: Geometry):
    """(y, xp): each window's maximum (NaN if it holds one) and the padded input. One
    np.maximum per kernel tap over views of the input: no window copies."""
    xp = pad_array(x, g, lowest(x.dtype))
    y = np.copy(_tap(xp, g, 0))  # order 'K': keeps the input's memory order
    for t in range(1, g.kernel[0] * g.kernel[1]):
        np.maximum(y, _tap(xp, g, t), out=y)
    return y, xp


def first_taps(xp, y, g: Geometry):
    """The tap (i * kw + j) of each window's maximum: the first equal to it in PyTorch's scan
    order, or the last NaN (PyTorch's `val > max || isnan(val)`)."""
    count = g.kernel[0] * g.kernel[1]
    taps = np.zeros(y.shape, np.int64)
    for t in reversed(range(count)):  # the last write wins: the first tap that matches
        np.copyto(taps, t, where=_tap(xp, g, t) == y)
    if y.dtype.kind == "f" and np.isnan(y).any():
        for t in range(count):
            np.copyto(taps, t, where=np.isnan(_tap(xp, g, t)))
    return taps


def flat_indices(taps, g: Geometry):
    """The flat index into H * W of the unpadded input of each window's tap (return_indices)."""
    (sh, sw), (dh, dw), ((top, _), (left, _)) = g.stride, g.dilation, g.pad
    i, j = np.divmod(taps, g.kernel[1])
    rows = np.arange(g.out[0])[:, None] * sh - top + i * dh
    return rows * g.size[1] + np.arange(g.out[1]) * sw - left + j * dw


def scatter_first(gy, xp, y, g: Geometry, x_shape):
    """gx: each window's gradient added at its maximum (the transpose of max_values), found
    by comparing each tap with the maximum, the first match winning (PyTorch's ties)."""
    n, c, h, w = x_shape
    hp, wp = g.padded
    if gy.strides[0] < gy.strides[1]:  # batch last in memory: keep that order (long runs)
        out = np.zeros((c, hp, wp, n), gy.dtype).transpose(3, 0, 1, 2)
    else:
        out = np.zeros((n, c, hp, wp), gy.dtype)
    count = g.kernel[0] * g.kernel[1]
    exact = (y.dtype.kind == "f" and np.isnan(y).any()) or not np.isfinite(gy).all()
    if exact:  # rare: NaN maxima, or gradients whose NaN * 0 would leak to other taps
        taps = first_taps(xp, y, g)
        for t in range(count):
            region = _tap(out, g, t)
            np.add(region, gy, out=region, where=taps == t)
    else:
        found = np.zeros(y.shape, bool)
        for t in range(count):
            hit = _tap(xp, g, t) == y
            if t:
                np.greater(hit, found, out=hit)  # a match not claimed by an earlier tap
            if t < count - 1:
                found |= hit
            region = _tap(out, g, t)
            if g.overlapping:
                region += gy * hit
            else:  # each input position lies in one window at most: write, do not add
                np.multiply(gy, hit, out=region)
    (top, _), (left, _) = g.pad
    return out[:, :, top : top + h, left : left + w]


def adaptive_bounds(size: int, out: int):
    """PyTorch's adaptive windows: [floor(i * size / out), ceil((i + 1) * size / out))."""
    i = np.arange(out)
    return (i * size) // out, -((-(i + 1) * size) // out)


def adaptive_index(size: int, out: int):
    """(out, longest window) indices of each adaptive window, short windows padded with
    their own last index (a repeat after its original never changes the first arg-max)."""
    start, end = adaptive_bounds(size, out)
    longest = int((end - start).max())
    idx = start[:, None] + np.arange(longest)
    return np.minimum(idx, (end - 1)[:, None])


def max_adaptive(x, out):
    """(y, flat) of adaptive max pooling to `out` (Ho, Wo)."""
    n, c, h, w = x.shape
    hidx, widx = adaptive_index(h, out[0]), adaptive_index(w, out[1])
    kh, kw = hidx.shape[1], widx.shape[1]
    blocks = x[:, :, hidx[:, None, :, None], widx[None, :, None, :]]  # (N, C, Ho, Wo, kh, kw)
    y, taps = _first_max(blocks.reshape((n, c) + tuple(out) + (kh * kw,)))
    i, j = np.divmod(taps, kw)
    rows = hidx[np.arange(out[0])[:, None], i]
    cols = widx[np.arange(out[1]), j]
    return y, rows * w + cols


def scatter_max(gy, flat, x_shape, overlapping: bool):
    """gx: each gy added at its window's arg-max (`flat` into H * W of each plane)."""
    n, c = x_shape[:2]
    plane = int(np.prod(x_shape[2:]))
    g2, f2 = gy.reshape(n * c, -1), flat.reshape(n * c, -1)
    if overlapping:  # one position may win several windows: add them up
        f2 = f2 + (np.arange(n * c) * plane)[:, None]
        gx = np.bincount(f2.ravel(), weights=g2.ravel(), minlength=n * c * plane)
        return gx.astype(gy.dtype).reshape(x_shape)
    gx = np.zeros((n * c, plane), gy.dtype)
    gx[np.arange(n * c)[:, None], f2] = g2
    return gx.reshape(x_shape)


def window_sums(x, g: Geometry):
    """The sum of each (zero-padded) window, (N, C, Ho, Wo)."""
    return windows(pad_array(x, g), g).sum(axis=(2, 3))


def spread(gy, g: Geometry):
    """The transpose of window_sums: each gy added over its window's input positions."""
    n, c = gy.shape[:2]
    cols = np.broadcast_to(gy[:, :, None, None], (n, c) + g.kernel + g.out)
    return fold_taps(cols, g, 2)


def divisors(g: Geometry, count_include_pad: bool, override):
    """1 / the divisor of each average-pooling window, (Ho, Wo), as PyTorch's kernels count:
    the window clipped to the padded input, or to the input itself without count_include_pad."""
    if override is not None:
        return np.full(g.out, 1.0 / override)
    counts = []
    for size, k, s, (lo, _), out in zip(g.size, g.kernel, g.stride, g.pad, g.out):
        start = np.arange(out) * s - lo
        end = np.minimum(start + k, size + lo)
        if not count_include_pad:
            start, end = np.maximum(start, 0), np.minimum(end, size)
        counts.append(end - start)
    return 1.0 / (counts[0][:, None] * counts[1][None, :])
