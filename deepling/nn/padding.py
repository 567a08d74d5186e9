"""Padding layers: ZeroPad1d/2d, ConstantPad1d/2d, ReflectionPad1d/2d, ReplicationPad1d/2d,
CircularPad1d/2d, over F.pad."""

from __future__ import annotations

from ..ops.conv_args import ints
from . import functional as F
from .module import Module


class _Pad(Module):
    _rank = 2
    mode = "constant"

    def __init__(self, padding):
        super().__init__()
        if isinstance(padding, (tuple, list)) and len(padding) == 2 * self._rank:
            self.padding = tuple(int(p) for p in padding)
        else:
            self.padding = ints(padding, 2 * self._rank, "padding", type(self).__name__)

    def forward(self, input):
        if self.mode == "constant":
            return F.pad(input, self.padding, "constant", self.value)
        return F.pad(input, self.padding, self.mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPad(_Pad):
    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPad):
    """Pad the last dim with `value`: padding an int or (left, right)."""

    _rank = 1


class ConstantPad2d(_ConstantPad):
    """Pad the last two dims with `value`: padding an int or (left, right, top, bottom)."""


class ZeroPad1d(ConstantPad1d):
    """Pad the last dim with zeros, as torch.nn.ZeroPad1d."""

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad2d(ConstantPad2d):
    """Pad the last two dims with zeros: padding an int or (left, right, top, bottom).

    Example:
        >>> import deepling as dl
        >>> dl.nn.ZeroPad2d((1, 2, 0, 1))(dl.ones(1, 1, 2, 2)).shape
        torch.Size([1, 1, 3, 5])
    """

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ReflectionPad1d(_Pad):
    """Mirror the last dim at its edges (the edge not repeated)."""

    _rank, mode = 1, "reflect"


class ReflectionPad2d(_Pad):
    """Mirror the last two dims at their edges (the edge not repeated)."""

    mode = "reflect"


class ReplicationPad1d(_Pad):
    """Repeat the edge values of the last dim."""

    _rank, mode = 1, "replicate"


class ReplicationPad2d(_Pad):
    """Repeat the edge values of the last two dims."""

    mode = "replicate"


class CircularPad1d(_Pad):
    """Wrap the last dim around."""

    _rank, mode = 1, "circular"


class CircularPad2d(_Pad):
    """Wrap the last two dims around."""

    mode = "circular"
