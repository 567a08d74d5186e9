"""Convolutions: conv1d, conv2d and their transposes, as three Functions that are each other's
gradients (so every order of derivative is again a convolution, as in PyTorch).

`Conv` (y = x * w), `ConvTranspose` (its transpose in x: the input's gradient, and
conv_transpose2d's forward) and `ConvWeight` (its transpose in w) share one window geometry.
Their array work is in `_conv_arrays.py`: im2col, one batched product, col2im.
"""

from __future__ import annotations

from ..autograd.function import Function
from ..tensor import Tensor
from ._checks import tensor_input
from ._conv_arrays import (
    conv_forward,
    conv_transpose_arrays,
    conv_weight_arrays,
    conv_weight_from_input,
)
from ._windows import drop, lift
from .conv_args import check_conv, conv_geometry, transpose_geometry
from .shape import squeeze, unsqueeze

__all__ = ["conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d"]


def _bias_axes(ndim):
    return (0,) + tuple(range(2, ndim))


class Conv(Function):
    """y = conv(x, w) + b: each output is a window of x times w, summed (cross-correlation);
    dx = conv_transpose(gy, w), dw = windows of x times gy summed, db = gy summed."""

    def __init__(self, g, groups):
        self.g, self.groups = g, groups

    def forward(self, x, w, b=None):
        need, r = self.needs_input_grad, self.g.rank
        self.x_shape, self.w_shape = x.shape, w.shape
        y, self.cols = conv_forward(lift(x, r), lift(w, r), b, self.g, self.groups, need[1])
        self.save_for_backward(x if need[1] else None, w if need[0] else None)
        return drop(y, r)

    def backward(self, gy):
        x, w = self.saved
        need = self.needs_input_grad
        gx = gw = None
        if need[0]:
            gx = conv_transpose_of(gy, w, self.g, self.groups, self.x_shape)
        if need[1]:
            gw = conv_weight_of(x, gy, self.g, self.groups, self.w_shape, self.cols)
            self.cols = None  # used once: a second walk (retain_graph) recomputes them from x
        if len(need) == 2:
            return gx, gw
        return gx, gw, (gy.sum(axis=_bias_axes(gy.ndim)) if need[2] else None)


class ConvTranspose(Function):
    """y = conv_transpose(x, w) + b, the transpose of Conv in its input (x has Conv's output
    shape, y its input shape);  dx = conv(gy, w), dw = windows of gy times x, db = gy summed."""

    def __init__(self, g, groups, y_shape):
        self.g, self.groups, self.y_shape = g, groups, y_shape

    def forward(self, x, w, b=None):
        need, r = self.needs_input_grad, self.g.rank
        self.w_shape = w.shape
        y = conv_transpose_arrays(lift(x, r), lift(w, r), self.g, self.groups, self.y_shape[1])
        y = drop(y, r)
        if b is not None:
            y = y + b.reshape((1, -1) + (1,) * r)
        self.save_for_backward(x if need[1] else None, w if need[0] else None)
        return y

    def backward(self, gy):
        x, w = self.saved
        need = self.needs_input_grad
        gx = conv_of(gy, w, self.g, self.groups) if need[0] else None
        gw = conv_weight_of(gy, x, self.g, self.groups, self.w_shape) if need[1] else None
        if len(need) == 2:
            return gx, gw
        return gx, gw, (gy.sum(axis=_bias_axes(gy.ndim)) if need[2] else None)


class ConvWeight(Function):
    """gw = the weight's gradient of Conv for input x and output gradient gy (bilinear);
    its own gradients: dx = conv_transpose(g, ggw), dgy = conv(x, ggw)."""

    def __init__(self, g, groups, w_shape):
        self.g, self.groups, self.w_shape = g, groups, w_shape

    def forward(self, x, gy):
        need, r = self.needs_input_grad, self.g.rank
        self.x_shape = x.shape
        self.save_for_backward(x if need[1] else None, gy if need[0] else None)
        return conv_weight_from_input(lift(x, r), lift(gy, r), self.g, self.groups, self.w_shape)

    def backward(self, g):
        x, gy = self.saved
        need = self.needs_input_grad
        gx = conv_transpose_of(gy, g, self.g, self.groups, self.x_shape) if need[0] else None
        ggy = conv_of(x, g, self.g, self.groups) if need[1] else None
        return gx, ggy


# --- each product on arrays (the first-order walk) or as an op (higher orders) ---
def conv_of(x, w, g, groups):
    if isinstance(x, Tensor) or isinstance(w, Tensor):
        return Conv(g, groups)(x, w)
    r = g.rank
    return drop(conv_forward(lift(x, r), lift(w, r), None, g, groups, False)[0], r)


def conv_transpose_of(gy, w, g, groups, x_shape):
    if isinstance(gy, Tensor) or isinstance(w, Tensor):
        return ConvTranspose(g, groups, x_shape)(gy, w)
    r = g.rank
    return drop(conv_transpose_arrays(lift(gy, r), lift(w, r), g, groups, x_shape[1]), r)


def conv_weight_of(x, gy, g, groups, w_shape, cols=None):
    if isinstance(x, Tensor) or isinstance(gy, Tensor):
        return ConvWeight(g, groups, w_shape)(x, gy)
    r = g.rank
    if cols is None:
        return conv_weight_from_input(lift(x, r), lift(gy, r), g, groups, w_shape)
    return conv_weight_arrays(cols, lift(gy, r), g, groups, w_shape)


# --- wrappers: PyTorch's arguments and checks ---
def _convolve(name, rank, input, weight, bias, stride, padding, dilation, groups):
    tensor_input(input, name)
    tensor_input(weight, name, "weight")
    batched = check_conv(name, rank, input, weight, bias, groups, transposed=False)
    x = input if batched else unsqueeze(input, 0)
    g = conv_geometry(name, rank, x.shape, weight.shape, stride, padding, dilation)
    fn = Conv(g, groups)
    y = fn(x, weight) if bias is None else fn(x, weight, bias)
    return y if batched else squeeze(y, 0)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:
    """1-D convolution (cross-correlation) over (N, C, L) or unbatched (C, L) input, as
    torch.nn.functional.conv1d; weight (out, in/groups, k); padding an int, a 1-tuple,
    'valid' or 'same' (stride 1 only; the odd padding element goes at the end)."""
    return _convolve("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:
    """2-D convolution (cross-correlation) over (N, C, H, W) or unbatched (C, H, W) input.

    As torch.nn.functional.conv2d: weight (out_channels, in_channels/groups, kH, kW), bias
    (out_channels,); stride, padding, dilation an int or a pair; padding may be 'valid' or
    'same' (stride 1 only; the odd padding pixel goes at the bottom/right); `groups` splits
    the channels (groups = in_channels: depthwise).

    Example:
        >>> import deepling as dl
        >>> dl.conv2d(dl.ones(1, 1, 4, 4), dl.ones(2, 1, 3, 3)).shape
        torch.Size([1, 2, 2, 2])
    """
    return _convolve("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def _transposed(name, rank, input, weight, bias, stride, padding, output_padding, groups,
                dilation):  # fmt: skip
    tensor_input(input, name)
    tensor_input(weight, name, "weight")
    batched = check_conv(name, rank, input, weight, bias, groups, transposed=True)
    x = input if batched else unsqueeze(input, 0)
    g, y_shape = transpose_geometry(name, rank, x.shape, weight.shape, stride, padding,
                                    output_padding, dilation, groups)  # fmt: skip
    fn = ConvTranspose(g, groups, y_shape)
    y = fn(x, weight) if bias is None else fn(x, weight, bias)
    return y if batched else squeeze(y, 0)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1) -> Tensor:  # fmt: skip
    """1-D transposed convolution over (N, C_in, L), as torch.nn.functional.conv_transpose1d;
    weight (C_in, C_out/groups, k); L_out = (L-1)*stride - 2*padding + dilation*(k-1) +
    output_padding + 1."""
    return _transposed("conv_transpose1d", 1, input, weight, bias, stride, padding,
                       output_padding, groups, dilation)  # fmt: skip


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1) -> Tensor:  # fmt: skip
    """2-D transposed convolution (the gradient of conv2d in its input), as
    torch.nn.functional.conv_transpose2d: weight (C_in, C_out/groups, kH, kW); each output
    size is (H-1)*stride - 2*padding + dilation*(k-1) + output_padding + 1.

    Example:
        >>> import deepling as dl
        >>> dl.conv_transpose2d(dl.ones(1, 1, 2, 2), dl.ones(1, 3, 3, 3), stride=2).shape
        torch.Size([1, 3, 5, 5])
    """
    return _transposed("conv_transpose2d", 2, input, weight, bias, stride, padding,
                       output_padding, groups, dilation)  # fmt: skip
