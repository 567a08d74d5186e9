"""tf.nn's convolutions and poolings: NHWC by default, filters (kh, kw, in, out), strides an int
or a list of 1, 2 or 4 ints, padding 'SAME' / 'VALID' / explicit pairs; over the core's
channels-first ops (the input seen through a transposed view)."""

from __future__ import annotations

import numbers

from ..autograd.function import ShapeError
from ..ops import arith
from ..ops._windows import geometry
from ..ops.conv import Conv, ConvTranspose
from ..ops.pool import pool_with_pads
from ..ops.shape import permute
from ..tensor import Tensor
from .math import _t


def _channels_last(data_format: str, rank: int) -> bool:
    fmt = (data_format or ("NWC" if rank == 1 else "NHWC")).upper()
    last = {"NWC", "NHWC", "NDHWC"}
    if fmt not in last | {"NCW", "NCHW", "NCDHW"}:
        raise ValueError(f"`data_format` must be NHWC or NCHW (NWC or NCW in 1-D), got {fmt!r}")
    return fmt in last


def _per_axis(value, rank: int, name: str, last: bool) -> tuple:
    """TF's int / list of 1, rank or rank + 2 ints (the batch and channel entries 1)."""
    if isinstance(value, numbers.Integral):
        return (int(value),) * rank
    values = [int(v) for v in value]
    if len(values) == 1:
        return (values[0],) * rank
    if len(values) == rank:
        return tuple(values)
    if len(values) == rank + 2:
        inner = values[1:-1] if last else values[2:]
        outer = (values[0], values[-1]) if last else (values[0], values[1])
        if outer != (1, 1):
            raise ValueError(f"{name} in the batch and depth dimensions must be 1: {values}")
        return tuple(inner)
    raise ValueError(f"{name} should be of length 1, {rank} or {rank + 2}, got {values}")


def _pads(padding, sizes, kernel, strides, dilations, last: bool) -> tuple:
    """(before, after) per spatial axis: TF's SAME (the odd pixel after), VALID, or explicit."""
    if isinstance(padding, str):
        mode = padding.upper()
        if mode == "VALID":
            return ((0, 0),) * len(sizes)
        if mode != "SAME":
            raise ValueError(f"padding must be 'SAME', 'VALID' or explicit pairs, got {padding!r}")
        out = []
        for n, k, s, d in zip(sizes, kernel, strides, dilations):
            total = max((-(-n // s) - 1) * s + d * (k - 1) + 1 - n, 0)
            out.append((total // 2, total - total // 2))
        return tuple(out)
    pairs = [tuple(int(v) for v in p) for p in padding]
    return tuple(pairs[1:-1] if last else pairs[2:])


def _first(x, last: bool):
    return permute(x, (0, x.ndim - 1, *range(1, x.ndim - 1))) if last else x


def _back(y, last: bool):
    return permute(y, (0, *range(2, y.ndim), 1)) if last else y


def _one(rank, *tuples):
    """Per-axis tuples of a 1-D op as the core's 2-D ones (a unit first axis)."""
    if rank == 2:
        return tuples
    return tuple((((0, 0) if t and isinstance(t[0], tuple) else 1),) + tuple(t) for t in tuples)


def _convolution(name, rank, input, filters, strides, padding, data_format, dilations):
    x, w = _t(input), _t(filters)
    last = _channels_last(data_format, rank)
    if x.ndim != rank + 2 or w.ndim != rank + 2:
        raise ShapeError(
            f"{name}: input must be {rank + 2}-D and filters {rank + 2}-D, got input shape "
            f"{tuple(x.shape)} and filters shape {tuple(w.shape)}"
        )
    channels = x.shape[-1] if last else x.shape[1]
    if channels % w.shape[-2]:
        raise ShapeError(
            f"{name}: input depth must be evenly divisible by filter depth: {channels} vs "
            f"{w.shape[-2]}"
        )
    groups = channels // w.shape[-2]
    if w.shape[-1] % groups:
        raise ShapeError(f"{name}: {w.shape[-1]} filters cannot be split into {groups} groups")
    strides = _per_axis(strides, rank, "strides", last)
    dilations = _per_axis(1 if dilations is None else dilations, rank, "dilations", last)
    xf = _first(x, last)
    kernel = tuple(w.shape[:rank])
    pairs = _pads(padding, tuple(xf.shape[2:]), kernel, strides, dilations, last)
    g = geometry(*_one(rank, tuple(xf.shape[2:]), kernel, strides, dilations, pairs), rank)
    if min(g.out) <= 0:
        raise ShapeError(f"{name}: the filter {kernel} is larger than the padded input")
    weight = permute(w, (rank + 1, rank, *range(rank)))  # (*k, in, out) -> (out, in, *k)
    return _back(Conv(g, groups)(xf, weight), last)


def conv2d(input, filters, strides, padding, data_format="NHWC", dilations=None, name=None):
    """2-D convolution of NHWC `input` with `filters` (kh, kw, in, out), as tf.nn.conv2d.

    Example:
        >>> import numpy as np
        >>> import deepling.tf as tf
        >>> tf.nn.conv2d(np.ones((1, 5, 5, 1), "f4"), np.ones((3, 3, 1, 2), "f4"), 2, "SAME").shape
        torch.Size([1, 3, 3, 2])
    """
    return _convolution("conv2d", 2, input, filters, strides, padding, data_format, dilations)


def conv1d(input, filters, stride, padding, data_format="NWC", dilations=None, name=None):
    """1-D convolution of NWC `input` with `filters` (k, in, out), as tf.nn.conv1d."""
    return _convolution("conv1d", 1, input, filters, stride, padding, data_format, dilations)


def depthwise_conv2d(input, filter, strides, padding, data_format=None, dilations=None,
                     name=None):  # fmt: skip
    """One filter per input channel (and multiplier), as tf.nn.depthwise_conv2d: filter
    (kh, kw, in, multiplier); output channel c * multiplier + m."""
    w = _t(filter)
    kh, kw, c, m = w.shape
    grouped = w.reshape(kh, kw, 1, c * m)  # the same weights as a grouped convolution's
    return _convolution("depthwise_conv2d", 2, input, grouped, strides, padding, data_format,
                        dilations)  # fmt: skip


def conv2d_transpose(input, filters, output_shape, strides, padding="SAME", data_format="NHWC",
                     dilations=None, name=None):  # fmt: skip
    """The gradient of conv2d in its input, as tf.nn.conv2d_transpose: filters (kh, kw, out,
    in); `output_shape` (N, H, W, C) states the size, which the forward convolution with
    these strides and padding must map back to the input's."""
    x, w = _t(input), _t(filters)
    last = _channels_last(data_format, 2)
    shape = [int(v) for v in (output_shape.numpy() if isinstance(output_shape, Tensor)
                              else output_shape)]  # fmt: skip
    sizes = tuple(shape[1:3] if last else shape[2:])
    strides = _per_axis(strides, 2, "strides", last)
    dilations = _per_axis(1 if dilations is None else dilations, 2, "dilations", last)
    xf = _first(x, last)
    kernel = tuple(w.shape[:2])
    pairs = _pads(padding, sizes, kernel, strides, dilations, last)
    forward = geometry(sizes, kernel, strides, dilations, pairs, 2)
    if forward.out != tuple(xf.shape[2:]) or w.shape[3] != xf.shape[1]:
        raise ShapeError(
            f"conv2d_transpose: output_shape {shape} with strides {strides} and padding "
            f"{padding!r} gives a forward output of {forward.out} x {w.shape[3]} channels, but "
            f"the input is {tuple(xf.shape[2:])} x {xf.shape[1]}"
        )
    g = geometry(sizes, kernel, strides, dilations, pairs, 2, tuple(xf.shape[2:]))
    weight = permute(w, (3, 2, 0, 1))  # (kh, kw, out, in) -> (in, out, kh, kw)
    y = ConvTranspose(g, 1, (xf.shape[0], w.shape[2], *sizes))(xf, weight)
    return _back(y, last)


def _pool(kind, name, rank, input, ksize, strides, padding, data_format):
    x = _t(input)
    last = _channels_last(data_format, rank)
    if x.ndim != rank + 2:
        raise ShapeError(f"{name}: input must be {rank + 2}-D, got shape {tuple(x.shape)}")
    kernel = _per_axis(ksize, rank, "ksize", last)
    strides = _per_axis(strides, rank, "strides", last)
    xf = _first(x if kind == "max" or x.dtype.kind == "f" else x.float(), last)
    pairs = _pads(padding, tuple(xf.shape[2:]), kernel, strides, (1,) * rank, last)
    if any(n + lo + hi < k for n, (lo, hi), k in zip(xf.shape[2:], pairs, kernel)):
        raise ShapeError(f"{name}: the window {kernel} is larger than the input {tuple(x.shape)}")
    return _back(pool_with_pads(kind, xf, rank, kernel, strides, pairs, False), last)


def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):
    """The largest value of each ksize window, as tf.nn.max_pool2d."""
    return _pool("max", "max_pool2d", 2, input, ksize, strides, padding, data_format)


def avg_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):
    """The mean of each ksize window (SAME padding left out of the mean), as tf.nn.avg_pool2d."""
    return _pool("avg", "avg_pool2d", 2, input, ksize, strides, padding, data_format)


def max_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):
    return _pool("max", "max_pool1d", 1, input, ksize, strides, padding, data_format)


def avg_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):
    return _pool("avg", "avg_pool1d", 1, input, ksize, strides, padding, data_format)


def bias_add(value, bias, data_format=None, name=None):
    """value + bias along the channel axis: the last one (NHWC) or axis 1 (NC...)."""
    x, b = _t(value), _t(bias)
    if data_format is not None and str(data_format).upper().startswith("NC"):
        if b.ndim != 1 or x.ndim < 2 or x.shape[1] != b.shape[0]:
            raise ShapeError(
                f"bias_add: bias {tuple(b.shape)} does not fit axis 1 of {tuple(x.shape)}"
            )
        return arith.add(x, b.reshape((1, -1) + (1,) * (x.ndim - 2)))
    if b.ndim != 1 or x.shape[-1] != b.shape[0]:
        raise ShapeError(
            f"bias_add: Must provide as many biases as the last dimension of the input tensor: "
            f"{tuple(b.shape)} vs. {tuple(x.shape)}"
        )
    return arith.add(x, b)
