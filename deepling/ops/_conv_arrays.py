"""The three products of a convolution, on arrays: the forward (windows times weight), its
transpose (the input's gradient, and conv_transpose's forward) and the weight's gradient.

Layouts are chosen so that BLAS does each product in one batched call and the window copies
stay contiguous: the forward multiplies the weight (O, C*kh*kw) into im2col's (N, C*kh*kw,
Ho*Wo) columns and lands in (N, O, Ho, Wo) directly; the transpose multiplies into a
batch-last (C, kh, kw, Ho, Wo, N) array, whose per-tap blocks add back into (C, H, W, N) as
long contiguous runs. Arrays are 4-D here: (N, C, H, W), weights (O, C/groups, kh, kw).
"""

from __future__ import annotations

import numpy as np

from ._windows import Geometry, fold_taps, im2col


def conv_forward(x, w, b, g: Geometry, groups: int, keep_cols: bool):
    """y = conv(x, w) + b, shape (N, O, Ho, Wo); also im2col's columns when `keep_cols` (the
    weight's gradient reuses them), else None."""
    n, o = x.shape[0], w.shape[0]
    cols = im2col(x, g)
    k = cols.shape[1] // groups * cols.shape[2] * cols.shape[3]
    c = cols.reshape(n, groups, k, g.out[0] * g.out[1])
    wm = w.reshape(groups, o // groups, k)
    if groups > 1 and o == groups:  # depthwise: one row per group, a weighted sum is cheaper
        y = np.einsum("ngkl,gk->ngl", c, wm[:, 0])
    else:
        y = wm @ c  # (N, groups, O/groups, Ho*Wo): already (N, O, Ho, Wo) in memory
    y = y.reshape((n, o) + g.out)
    if b is not None:
        y += b.reshape(1, o, 1, 1)
    return y, (cols if keep_cols else None)


def conv_transpose_arrays(gy, w, g: Geometry, groups: int, channels: int):
    """The transpose of conv_forward in x (without bias): gx (N, C, H, W) from gy (N, O, Ho,
    Wo). Each output position's column W^T gy is added back over its window (col2im)."""
    n, o = gy.shape[:2]
    k = channels // groups * g.kernel[0] * g.kernel[1]
    gyt = np.ascontiguousarray(gy.transpose(1, 2, 3, 0)).reshape(groups, o // groups, -1)
    wt = w.reshape(groups, o // groups, k).transpose(0, 2, 1)
    cols = (wt @ gyt).reshape((channels,) + g.kernel + g.out + (n,))
    return fold_taps(cols, g, 1).transpose(3, 0, 1, 2)  # (C, H, W, N) -> (N, C, H, W)


def conv_weight_arrays(cols, gy, g: Geometry, groups: int, w_shape):
    """The weight's gradient: sum over samples and positions of gy times the input windows.

    `cols` is im2col of the input (N, C, kh, kw, Ho, Wo)."""
    n, o = gy.shape[:2]
    positions = g.out[0] * g.out[1]
    k = cols.shape[1] // groups * cols.shape[2] * cols.shape[3]
    c = cols.reshape(n, groups, k, positions)
    gyr = gy.reshape(n, groups, o // groups, positions)
    if groups > 1 and o == groups:  # depthwise
        gw = np.einsum("ngl,ngkl->gk", gyr[:, :, 0], c)
    else:
        gw = (gyr @ c.transpose(0, 1, 3, 2)).sum(axis=0)  # one small product per sample
    return gw.reshape(w_shape)


def conv_weight_from_input(x, gy, g: Geometry, groups: int, w_shape):
    return conv_weight_arrays(im2col(x, g), gy, g, groups, w_shape)
