"""Rows for convolution and pooling (deepling/ops/conv.py and pool.py), when those ops exist:
Conv, ConvTranspose, MaxPool (windows, or global), AvgPool (window sums as a depthwise Conv
with ones, times PyTorch's divisor of each window, which covers count_include_pad, ceil_mode and
divisor_override alike). Their Functions keep a window Geometry `g` ((H, W) even for 1-D ops,
which see H = 1), so each row reads the last `rank` entries."""

from __future__ import annotations

import numpy as np

try:
    from ..ops import conv as _conv
    from ..ops import pool as _pool
except ImportError:  # the vision ops are not in this build
    _conv = _pool = None


def _spatial(geo, rank):
    """kernel, strides, dilations and pads (begins then ends) of the last `rank` axes."""
    pads = geo.pad[-rank:]
    return {
        "kernel_shape": [int(k) for k in geo.kernel[-rank:]],
        "strides": [int(s) for s in geo.stride[-rank:]],
        "dilations": [int(d) for d in geo.dilation[-rank:]],
        "pads": [int(lo) for lo, _ in pads] + [int(hi) for _, hi in pads],
    }


def _end_pads_for(geo, rank, attrs):
    """Extra end padding so that the floor formula gives the traced output size (ceil_mode's
    last partial window)."""
    pads = attrs["pads"]
    for i in range(rank):
        n, k, s = geo.size[-rank:][i], attrs["kernel_shape"][i], attrs["strides"][i]
        span = attrs["dilations"][i] * (k - 1) + 1
        floor = (n + pads[i] + pads[rank + i] - span) // s + 1
        pads[rank + i] += (geo.out[-rank:][i] - floor) * s
    return attrs


def _conv_row(g, node, x, w, b=None):
    fn = node.fn
    attrs = _spatial(fn.g, fn.g.rank)
    return g.op("Conv", x, w, b, group=int(fn.groups), **attrs)


def _conv_transpose_row(g, node, x, w, b=None):
    fn, rank = node.fn, node.fn.g.rank
    attrs = _spatial(fn.g, rank)
    pads = attrs["pads"]
    out_pad = []
    for i in range(rank):  # what the size formula leaves out of the traced output size
        n_in = node.inputs[0].shape[2 + i]
        span = attrs["dilations"][i] * (attrs["kernel_shape"][i] - 1) + 1
        size = attrs["strides"][i] * (n_in - 1) + span - pads[i] - pads[rank + i]
        out_pad.append(int(node.output.shape[2 + i] - size))
    return g.op("ConvTranspose", x, w, b, group=int(fn.groups), output_padding=out_pad, **attrs)


def _max_pool_row(g, node, x):
    fn = node.fn
    if fn.g is None:
        if all(n == 1 for n in fn.out):
            return g.op("GlobalMaxPool", x)
        raise NotImplementedError(
            "ONNX export: adaptive max pooling to a size other than 1 has no ONNX operator"
        )
    return g.op("MaxPool", x, **_end_pads_for(fn.g, fn.rank, _spatial(fn.g, fn.rank)))


def _avg_pool_row(g, node, x):
    fn, rank, dtype = node.fn, node.fn.g.rank, node.output.dtype
    attrs = _end_pads_for(fn.g, rank, _spatial(fn.g, rank))
    channels = node.inputs[0].shape[1]
    ones = g.const(np.ones((channels, 1, *attrs["kernel_shape"]), dtype))
    sums = g.op("Conv", x, ones, group=int(channels), **attrs)
    inv = np.asarray(fn.inv, dtype).reshape(node.output.shape[2:])
    return g.op("Mul", sums, g.const(inv))


CONV_ROWS = {}
if _conv is not None:
    CONV_ROWS[_conv.Conv] = _conv_row
    CONV_ROWS[_conv.ConvTranspose] = _conv_transpose_row
if _pool is not None:
    CONV_ROWS[_pool.MaxPool] = _max_pool_row
    CONV_ROWS[_pool.AvgPool] = _avg_pool_row
