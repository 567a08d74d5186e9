"""The three products of a convolution, on arrays: the forward (windows times weight), its
transpose (the input's gradient, and conv_transpose's forward) and the weight's gradient.

The windows are laid out as one (C*kh*kw, Ho*Wo*N) matrix (`columns`), so each product is one
BLAS call per group for the whole batch, depthwise convolutions included: y^T = W @ cols,
gw = gy^T @ cols^T, gcols = W^T @ gy^T. The batch axis comes last in memory: outputs are
(O, Ho, Wo, N) arrays seen through a transposed (N, O, Ho, Wo) view, which elementwise ops
keep, so the next layer's windows are copied in long contiguous runs, gradients arrive in
the same order (their transposes are free), and col2im adds long runs. Arrays are 4-D:
(N, C, H, W), weights (O, C/groups, kh, kw).
"""

from __future__ import annotations

import numpy as np

from . import _depthwise as depthwise
from ._depthwise import is_depthwise
from ._windows import Geometry, add_windows, batch_last, columns, unpad

_CHUNK_BYTES = 1 << 19  # column blocks of about 512 KiB stay in cache between copy and product


def _row_blocks(k: int, g: Geometry, n: int, itemsize: int, groups: int):
    """Output-row blocks for a convolution whose columns are few (k = C/groups * kh * kw
    under 64, as a first layer's) but long: built and used block by block, the columns stay in
    cache (measured 1.5 to 3 times faster for LeNet's first layer), and none are kept for the
    backward, which rebuilds them the same way. None: one block, kept."""
    per_row = groups * k * g.out[1] * n * itemsize
    if k >= 64 or per_row * g.out[0] <= 2 * _CHUNK_BYTES:
        return None
    step = max(1, _CHUNK_BYTES // per_row)
    return [(h, min(h + step, g.out[0])) for h in range(0, g.out[0], step)]


def _batch_last_out(a):
    """a (N, C, H, W) as a contiguous (C, H, W, N) array (free when it is stored that way)."""
    return np.ascontiguousarray(a.transpose(1, 2, 3, 0))


def conv_forward(x, w, b, g: Geometry, groups: int, keep_cols: bool):
    """y = conv(x, w) + b, shape (N, O, Ho, Wo); also the columns when `keep_cols` (the
    weight's gradient reuses them), else None."""
    n, o = x.shape[0], w.shape[0]
    if is_depthwise(groups, o, x.shape[1]):
        y, cols = depthwise.forward(x, w, g), None
        if b is not None:
            y += b.reshape(o, 1, 1, 1)
        return y.transpose(3, 0, 1, 2), None
    wm = w.reshape(groups, o // groups, -1)
    xb = batch_last(x, g)
    blocks = _row_blocks(wm.shape[2], g, n, x.dtype.itemsize, groups)
    if blocks is None:
        cols = columns(xb, g)
        y = wm @ cols.reshape(groups, wm.shape[2], -1)  # (groups, O/groups, Ho*Wo*N)
        y = y.reshape((o,) + g.out + (n,))
    else:
        cols, y = None, np.empty((o,) + g.out + (n,), x.dtype)
        for rows in blocks:
            c = columns(xb, g, rows)
            part = y[:, rows[0] : rows[1]].reshape(groups, o // groups, -1)
            np.matmul(wm, c.reshape(groups, wm.shape[2], -1), out=part)
    if b is not None:
        y += b.reshape(o, 1, 1, 1)
    return y.transpose(3, 0, 1, 2), (cols if keep_cols else None)


def conv_transpose_arrays(gy, w, g: Geometry, groups: int, channels: int):
    """The transpose of conv_forward in x (without bias): gx (N, C, H, W) from gy (N, O, Ho,
    Wo). Each output position's column W^T gy is added back over its window (col2im), in
    blocks of output rows when the columns are large, so each block is added from cache."""
    n, o = gy.shape[:2]
    gyt = _batch_last_out(gy)  # (O, Ho, Wo, N)
    if is_depthwise(groups, o, channels):
        return depthwise.input_grad(gyt, w, g).transpose(3, 0, 1, 2)
    wt = w.reshape(groups, o // groups, -1).transpose(0, 2, 1)
    k = wt.shape[1]
    out = np.zeros((channels,) + g.padded + (n,), gy.dtype)
    rows = max(1, (2 * _CHUNK_BYTES) // (groups * k * g.out[1] * n * gy.dtype.itemsize))
    for start in range(0, g.out[0], rows):
        stop = min(start + rows, g.out[0])
        part = gyt[:, start:stop].reshape(groups, o // groups, -1)
        cols = (wt @ part).reshape((channels,) + g.kernel + (stop - start, g.out[1], n))
        add_windows(out, cols, g, 1, start)
    return unpad(out, g, 1).transpose(3, 0, 1, 2)  # (C, H, W, N) -> (N, C, H, W)


def conv_weight_arrays(cols, gy, g: Geometry, groups: int, w_shape):
    """The weight's gradient: gy^T times the columns of the input, summed over the batch and
    the positions in one product per group."""
    o = gy.shape[1]
    gyt = _batch_last_out(gy).reshape(groups, o // groups, -1)
    c = cols.reshape(groups, -1, gyt.shape[-1])
    return (gyt @ c.transpose(0, 2, 1)).reshape(w_shape)


def conv_weight_from_input(x, gy, g: Geometry, groups: int, w_shape):
    """The weight's gradient, the columns rebuilt from x (block by block when they are few
    and long, as conv_forward built them)."""
    if is_depthwise(groups, gy.shape[1], x.shape[1]):
        return depthwise.weight_grad(x, _batch_last_out(gy), g, w_shape)
    xb = batch_last(x, g)
    k = w_shape[1] * g.kernel[0] * g.kernel[1]
    blocks = _row_blocks(k, g, x.shape[0], x.dtype.itemsize, groups)
    if blocks is None:
        return conv_weight_arrays(columns(xb, g), gy, g, groups, w_shape)
    o = gy.shape[1]
    gyt = _batch_last_out(gy)
    gw = np.zeros((groups, o // groups, k), gy.dtype)
    for rows in blocks:
        c = columns(xb, g, rows).reshape(groups, k, -1)
        gw += gyt[:, rows[0] : rows[1]].reshape(groups, o // groups, -1) @ c.transpose(0, 2, 1)
    return gw.reshape(w_shape)
