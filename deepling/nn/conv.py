"""Convolution layers: Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, with PyTorch's
arguments, parameter names and layouts (so PyTorch's state dicts load) and initialisation."""

from __future__ import annotations

import math
import numbers

from .. import _backend
from ..autograd.function import ShapeError
from ..creation import empty
from ..ops.conv_args import ints
from . import functional as F
from . import init
from .module import Module, Parameter

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class _ConvNd(Module):
    """What every convolution layer shares: checks, weight and bias, printing, the errors."""

    _rank = 2
    _transposed = False

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation,
                 groups, bias, padding_mode, output_padding=0, device=None, dtype=None):  # fmt: skip
        super().__init__()
        r, name = self._rank, type(self).__name__
        for what, n in (("in_channels", in_channels), ("out_channels", out_channels)):
            if not isinstance(n, numbers.Integral) or n < 0:
                raise TypeError(f"{name}: {what} must be a non-negative int, got {n!r}")
        if not isinstance(groups, numbers.Integral) or groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups:
            raise ValueError("out_channels must be divisible by groups")
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(
                    f"Invalid padding string {padding!r}, should be one of {{'valid', 'same'}}"
                )
            if padding == "same" and any(s != 1 for s in ints(stride, r, "stride")):
                raise ValueError("padding='same' is not supported for strided convolutions")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(
                f"padding_mode must be one of {list(_PADDING_MODES)}, but got "
                f"padding_mode='{padding_mode}'"
            )
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = ints(kernel_size, r, "kernel_size")
        self.stride, self.dilation = ints(stride, r, "stride"), ints(dilation, r, "dilation")
        self.padding = padding if isinstance(padding, str) else ints(padding, r, "padding")
        self.transposed = self._transposed
        self.output_padding = ints(output_padding, r, "output_padding")
        self.groups, self.padding_mode = groups, padding_mode
        self._reversed_padding_repeated_twice = self._reversed_padding()
        dtype = _backend.to_dtype(dtype) or _backend.default_float
        if self._transposed:
            shape = (in_channels, out_channels // groups, *self.kernel_size)
        else:
            shape = (out_channels, in_channels // groups, *self.kernel_size)
        self.weight = Parameter(empty(*shape, dtype=dtype, device=device))
        if bias:
            self.bias = Parameter(empty(out_channels, dtype=dtype, device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def _reversed_padding(self) -> list:
        """F.pad's order (last dim first) of the padding, for the non-zero padding modes."""
        out = []
        for k, d, p in reversed(list(zip(self.kernel_size, self.dilation, self._pads()))):
            if self.padding == "same":
                total = d * (k - 1)
                out += [total // 2, total - total // 2]
            else:
                out += [p, p]
        return out

    def _pads(self):
        return (0,) * self._rank if isinstance(self.padding, str) else self.padding

    def reset_parameters(self) -> None:
        """Kaiming-uniform weight with a = sqrt(5) and bias in +-1/sqrt(fan_in), as PyTorch."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def _named_errors(self, fn, *args, **kwargs):
        """Run `fn`; a shape error names this layer as well as the shapes."""
        try:
            return fn(*args, **kwargs)
        except ShapeError as e:
            raise ShapeError(f"{self!r}: {e}") from None

    def extra_repr(self) -> str:
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}"
        s += f", stride={self.stride}"
        if self.padding != (0,) * self._rank:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * self._rank:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * self._rank:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class _Conv(_ConvNd):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, padding_mode="zeros", device=None, dtype=None):  # fmt: skip
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, 0, device, dtype)  # fmt: skip

    def forward(self, input):
        conv = F.conv1d if self._rank == 1 else F.conv2d
        if self.padding_mode != "zeros":
            mode = self.padding_mode

            def padded_conv(x):
                x = F.pad(x, self._reversed_padding_repeated_twice, mode=mode)
                return conv(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)

            return self._named_errors(padded_conv, input)
        return self._named_errors(conv, input, self.weight, self.bias, self.stride, self.padding,
                                  self.dilation, self.groups)  # fmt: skip


class Conv1d(_Conv):
    """1-D convolution over (N, C_in, L) input: weight (C_out, C_in/groups, k), as torch.

    Example:
        >>> import deepling as dl
        >>> dl.nn.Conv1d(2, 4, 3)(dl.ones(8, 2, 10)).shape
        torch.Size([8, 4, 8])
    """

    _rank = 1


class Conv2d(_Conv):
    """2-D convolution over (N, C_in, H, W) input, as torch.nn.Conv2d.

    Args:
        in_channels, out_channels: channels of the input and the output.
        kernel_size, stride, dilation: an int or a (height, width) pair.
        padding: an int, a pair, 'valid' or 'same' (stride 1 only).
        groups: split the channels into groups (in_channels: depthwise).
        bias: add a learnable bias per output channel.
        padding_mode: 'zeros', 'reflect', 'replicate' or 'circular'.

    The weight is (out_channels, in_channels/groups, kH, kW), kaiming-uniform with a =
    sqrt(5) as in PyTorch; the output is (N, C_out, H_out, W_out) with H_out = (H + 2 *
    padding - dilation * (kH - 1) - 1) // stride + 1.

    Example:
        >>> import deepling as dl
        >>> conv = dl.nn.Conv2d(1, 6, 5)
        >>> conv
        Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))
        >>> conv(dl.ones(64, 1, 28, 28)).shape
        torch.Size([64, 6, 24, 24])
    """


class _ConvTranspose(_ConvNd):
    _transposed = True

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros",
                 device=None, dtype=None):  # fmt: skip
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        if isinstance(padding, str):
            raise TypeError(f"{type(self).__name__}: padding must be an int or a tuple of ints")
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, output_padding, device, dtype)  # fmt: skip

    def _output_padding(self, input, output_size):
        """output_padding that gives `output_size` (PyTorch's rule and error)."""
        if output_size is None:
            return self.output_padding
        r = self._rank
        size = list(output_size)
        if len(size) == r + 2 or (len(size) == r + 1 and input.ndim == r + 1):
            size = size[-r:]
        if len(size) != r:
            raise ValueError(
                f"ConvTranspose{r}D: for {input.ndim}D input, output_size must have {r} or "
                f"{r + 2} elements (got {len(size)})"
            )
        lows = [
            (n - 1) * s - 2 * p + d * (k - 1) + 1
            for n, s, p, d, k in zip(
                input.shape[-r:], self.stride, self.padding, self.dilation, self.kernel_size
            )
        ]
        highs = [lo + s - 1 for lo, s in zip(lows, self.stride)]
        if any(not lo <= n <= hi for n, lo, hi in zip(size, lows, highs)):
            raise ValueError(
                f"requested an output size of {size}, but valid sizes range from {lows} to "
                f"{highs} (for an input of {list(input.shape[-r:])})"
            )
        return tuple(n - lo for n, lo in zip(size, lows))

    def forward(self, input, output_size=None):
        conv = F.conv_transpose1d if self._rank == 1 else F.conv_transpose2d
        extra = self._output_padding(input, output_size)
        return self._named_errors(conv, input, self.weight, self.bias, self.stride, self.padding,
                                  extra, self.groups, self.dilation)  # fmt: skip


class ConvTranspose1d(_ConvTranspose):
    """1-D transposed convolution over (N, C_in, L): weight (C_in, C_out/groups, k)."""

    _rank = 1


class ConvTranspose2d(_ConvTranspose):
    """2-D transposed convolution (the gradient of Conv2d in its input), as
    torch.nn.ConvTranspose2d: weight (C_in, C_out/groups, kH, kW); H_out = (H - 1) * stride
    - 2 * padding + dilation * (kH - 1) + output_padding + 1, or as `forward(x, output_size)`
    asks.

    Example:
        >>> import deepling as dl
        >>> up = dl.nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1)
        >>> up(dl.ones(1, 4, 5, 5)).shape
        torch.Size([1, 2, 10, 10])
    """
