"""Depthwise convolution (one filter per channel: groups = in = out channels) on arrays, tap by
tap: each output is a per-channel weighted sum of kernel-tap views of the input, so no window
columns are built (they would be kh * kw times the input for a product of one row each)."""

from __future__ import annotations

import numpy as np

from ._windows import Geometry, batch_last, unpad


def is_depthwise(groups: int, out_channels: int, in_channels: int) -> bool:
    return 1 < groups == out_channels == in_channels


def _tap(xb, g: Geometry, t: int):
    """(C, Ho, Wo, N) view of the batch-last padded input at kernel tap t of every window."""
    (sh, sw), (dh, dw), (ho, wo) = g.stride, g.dilation, g.out
    i, j = divmod(t, g.kernel[1])
    rows = slice(i * dh, i * dh + sh * (ho - 1) + 1, sh)
    return xb[:, rows, j * dw : j * dw + sw * (wo - 1) + 1 : sw]


def forward(x, w, g: Geometry):
    """y (C, Ho, Wo, N) = sum over taps of w[c, tap] times the input's tap view."""
    xb = batch_last(x, g)
    wm = w.reshape(w.shape[0], -1)[:, :, None, None, None]
    y = np.zeros((w.shape[0],) + g.out + (x.shape[0],), x.dtype)
    scratch = np.empty_like(y)
    for t in range(wm.shape[1]):
        np.multiply(_tap(xb, g, t), wm[:, t], out=scratch)
        y += scratch
    return y


def input_grad(gyt, w, g: Geometry):
    """gx (C, H, W, N) from gy (C, Ho, Wo, N): each tap's weight times gy, added back."""
    wm = w.reshape(w.shape[0], -1)[:, :, None, None, None]
    out = np.zeros((gyt.shape[0],) + g.padded + (gyt.shape[3],), gyt.dtype)
    scratch = np.empty_like(gyt)
    for t in range(wm.shape[1]):
        np.multiply(gyt, wm[:, t], out=scratch)
        _tap(out, g, t)[...] += scratch
    return unpad(out, g, 1)


def weight_grad(x, gyt, g: Geometry, w_shape):
    """gw[c, tap] = sum over positions and samples of gy times the input's tap view."""
    xb = batch_last(x, g)
    taps = g.kernel[0] * g.kernel[1]
    gw = np.empty((w_shape[0], taps), gyt.dtype)
    for t in range(taps):
        gw[:, t] = np.einsum("chwn,chwn->c", gyt, _tap(xb, g, t))
    return gw.reshape(w_shape)
