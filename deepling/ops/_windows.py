"""Sliding windows over the last two axes of (N, C, H, W) arrays: the geometry of a convolution
or a pooling, the window view, im2col, and its transpose (adding windows back, col2im).

Everything here works on arrays; the Functions of conv.py, pool.py and fold.py call it. 1-D
ops use it with H = 1 (a (N, C, L) array is seen as (N, C, 1, L)).
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import as_strided


class Geometry(NamedTuple):
    """Where the windows lie: input size (H, W), kernel, stride, dilation, padding
    ((top, bottom), (left, right)) and the output size (Ho, Wo); `rank` is 1 or 2, the
    spatial rank of the arrays the op sees."""

    size: tuple
    kernel: tuple
    stride: tuple
    dilation: tuple
    pad: tuple
    out: tuple
    rank: int

    @property
    def padded(self) -> tuple:
        (top, bottom), (left, right) = self.pad
        return self.size[0] + top + bottom, self.size[1] + left + right

    @property
    def overlapping(self) -> bool:
        """Whether some input position lies in two windows (their gradients then add up)."""
        return any(s < d * (k - 1) + 1 for s, d, k in zip(self.stride, self.dilation, self.kernel))


def extent(k: int, d: int) -> int:
    """The span of a kernel of size k with dilation d."""
    return d * (k - 1) + 1


@functools.lru_cache(maxsize=512)
def geometry(size, kernel, stride, dilation, pad, rank, out=None) -> Geometry:
    """The Geometry of windows over `size`; the output size follows from the padded size
    unless `out` is given (a transposed convolution and ceil_mode pooling state theirs)."""
    if out is None:
        out = tuple(
            (n + lo + hi - extent(k, d)) // s + 1
            for n, (lo, hi), k, s, d in zip(size, pad, kernel, stride, dilation)
        )
    return Geometry(size, kernel, stride, dilation, pad, tuple(out), rank)


# --- rank: 1-D arrays are 2-D arrays with H = 1 ---
def lift(a, rank: int):
    """(N, C, L) -> (N, C, 1, L) for 1-D ops; 2-D arrays as they are."""
    return a[:, :, None] if rank == 1 else a


def drop(a, rank: int):
    return a[:, :, 0] if rank == 1 else a


# --- windows ---
def pad_array(x, g: Geometry, value=0.0):
    """x (N, C, H, W) padded by g.pad with `value` (x itself when there is no padding)."""
    (top, bottom), (left, right) = g.pad
    if not (top or bottom or left or right):
        return x
    n, c, h, w = x.shape
    out = np.empty((n, c, h + top + bottom, w + left + right), x.dtype)
    out[:, :, :top] = value  # only the border is filled: the middle is copied once
    out[:, :, h + top :] = value
    out[:, :, top : top + h, :left] = value
    out[:, :, top : top + h, left + w :] = value
    out[:, :, top : top + h, left : left + w] = x
    return out


def windows(xp, g: Geometry):
    """A read-only view (N, C, kh, kw, Ho, Wo) of the padded array `xp`: element
    [n, c, i, j, h, w] is xp[n, c, h * sh + i * dh, w * sw + j * dw]."""
    (kh, kw), (sh, sw), (dh, dw) = g.kernel, g.stride, g.dilation
    s0, s1, s2, s3 = xp.strides
    shape = xp.shape[:2] + (kh, kw) + g.out
    return as_strided(xp, shape, (s0, s1, s2 * dh, s3 * dw, s2 * sh, s3 * sw), writeable=False)


def im2col(x, g: Geometry, value=0.0):
    """The windows of x as one contiguous array (N, C, kh, kw, Ho, Wo) (what F.unfold gives)."""
    view = windows(pad_array(x, g, value), g)
    cols = np.empty(view.shape, x.dtype)
    np.copyto(cols, view)
    return cols


def batch_last(x, g: Geometry):
    """x (N, C, H, W) as a contiguous, padded (C, Hp, Wp, N) array: one small copy (none when
    x is stored batch-last and unpadded), so the window copies move long runs."""
    n, c, h, w = x.shape
    (top, bottom), (left, right) = g.pad
    if top or bottom or left or right:
        xb = np.zeros((c, h + top + bottom, w + left + right, n), x.dtype)
        xb[:, top : top + h, left : left + w] = x.transpose(1, 2, 3, 0)
        return xb
    return np.ascontiguousarray(x.transpose(1, 2, 3, 0))


def batch_last_windows(xb, g: Geometry, rows=None):
    """A read-only (C, kh, kw, Ho, Wo, N) view of the batch-last padded input `xb`; `rows`
    (start, stop) limits it to those output rows."""
    start, stop = rows or (0, g.out[0])
    (kh, kw), (sh, sw), (dh, dw) = g.kernel, g.stride, g.dilation
    c, _, _, n = xb.shape
    s0, s1, s2, s3 = xb.strides
    shape = (c, kh, kw, stop - start, g.out[1], n)
    strides = (s0, s1 * dh, s2 * dw, s1 * sh, s2 * sw, s3)
    return as_strided(xb[:, start * sh :], shape, strides, writeable=False)


def columns(xb, g: Geometry, rows=None):
    """The windows of the batch-last input `xb` as one contiguous (C, kh, kw, Ho, Wo, N)
    array: the matrix a convolution multiplies, C * kh * kw rows by one column per output
    position and sample, so the whole batch is one product. `rows` (start, stop) limits it
    to those output rows."""
    view = batch_last_windows(xb, g, rows)
    cols = np.empty(view.shape, xb.dtype)
    np.copyto(cols, view)
    return cols


def fold_taps(cols, g: Geometry, lead: int):
    """The transpose of im2col: each window's values added back where they came from.

    `cols` holds kh, kw at axes lead, lead + 1 and Ho, Wo at lead + 2, lead + 3 (axes before
    and after are kept); returns the unpadded (..., H, W, ...) array with H, W at axes lead,
    lead + 1.
    """
    before, after = cols.shape[:lead], cols.shape[lead + 4 :]
    out = np.zeros(before + g.padded + after, cols.dtype)
    add_windows(out, cols, g, lead)
    return unpad(out, g, lead)


def add_windows(out, cols, g: Geometry, lead: int, row0: int = 0) -> None:
    """Add `cols` (as in fold_taps; its Ho axis may be the output rows from row0 on) into the
    padded array `out`. One vectorized add per kernel tap (kh * kw of them), whatever the size
    of the input: each add is a strided block of the whole batch, with long contiguous runs
    when the batch axis comes last."""
    (kh, kw), (sh, sw), (dh, dw) = g.kernel, g.stride, g.dilation
    ho, wo = cols.shape[lead + 2 : lead + 4]
    pre = (slice(None),) * lead
    for i in range(kh):
        top = row0 * sh + i * dh
        rows = slice(top, top + sh * (ho - 1) + 1, sh)
        for j in range(kw):
            part = slice(j * dw, j * dw + sw * (wo - 1) + 1, sw)
            out[pre + (rows, part)] += cols[pre + (i, j)]


def unpad(out, g: Geometry, lead: int):
    """The unpadded part of a padded array whose H, W are at axes lead, lead + 1."""
    (top, _), (left, _) = g.pad
    h, w = g.size
    return out[(slice(None),) * lead + (slice(top, top + h), slice(left, left + w))]
