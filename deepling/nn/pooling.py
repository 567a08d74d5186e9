"""Pooling layers with PyTorch's arguments and printing: MaxPool1d/2d, AvgPool1d/2d,
AdaptiveAvgPool1d/2d, AdaptiveMaxPool1d/2d."""

from __future__ import annotations

from ..autograd.function import ShapeError
from ..ops.conv_args import ints
from . import functional as F
from .module import Module


class _Pool(Module):
    def _named_errors(self, fn, *args):
        try:
            return fn(*args)
        except ShapeError as e:
            raise ShapeError(f"{self!r}: {e}") from None


class _MaxPool(_Pool):
    _rank = 2

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):  # fmt: skip
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, input):
        pool = F.max_pool1d if self._rank == 1 else F.max_pool2d
        return self._named_errors(pool, input, self.kernel_size, self.stride, self.padding,
                                  self.dilation, self.ceil_mode, self.return_indices)  # fmt: skip

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class MaxPool1d(_MaxPool):
    """The largest value of each window over (N, C, L), as torch.nn.MaxPool1d."""

    _rank = 1


class MaxPool2d(_MaxPool):
    """The largest value of each window over (N, C, H, W), as torch.nn.MaxPool2d.

    Args:
        kernel_size: the window, an int or a pair; stride defaults to it.
        padding: implicit padding that never wins (at most half the window).
        dilation: spacing of the window's elements.
        return_indices: also return each maximum's flat position (for MaxUnpool).
        ceil_mode: count a last window that sticks out over the edge.

    Example:
        >>> import deepling as dl
        >>> dl.nn.MaxPool2d(2)(dl.ones(1, 6, 24, 24)).shape
        torch.Size([1, 6, 12, 12])
    """


class AvgPool1d(_Pool):
    """The mean of each window over (N, C, L), as torch.nn.AvgPool1d."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True):  # fmt: skip
        super().__init__()
        self.kernel_size = ints(kernel_size, 1, "kernel_size")
        self.stride = ints(stride if stride is not None else kernel_size, 1, "stride")
        self.padding = ints(padding, 1, "padding")
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad

    def forward(self, input):
        return self._named_errors(F.avg_pool1d, input, self.kernel_size, self.stride,
                                  self.padding, self.ceil_mode, self.count_include_pad)  # fmt: skip

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(_Pool):
    """The mean of each window over (N, C, H, W), as torch.nn.AvgPool2d: padded zeros count
    in the divisor unless count_include_pad=False; divisor_override replaces it.

    Example:
        >>> import deepling as dl
        >>> dl.nn.AvgPool2d(2)
        AvgPool2d(kernel_size=2, stride=2, padding=0)
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True, divisor_override=None):  # fmt: skip
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, input):
        return self._named_errors(F.avg_pool2d, input, self.kernel_size, self.stride,
                                  self.padding, self.ceil_mode, self.count_include_pad,
                                  self.divisor_override)  # fmt: skip

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class _Adaptive(_Pool):
    def __init__(self, output_size, return_indices=None):
        super().__init__()
        self.output_size = output_size
        if return_indices is not None:
            self.return_indices = return_indices

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_Adaptive):
    """Average pooling to a given length, as torch.nn.AdaptiveAvgPool1d."""

    def forward(self, input):
        return self._named_errors(F.adaptive_avg_pool1d, input, self.output_size)


class AdaptiveAvgPool2d(_Adaptive):
    """Average pooling to a given (H, W), as torch.nn.AdaptiveAvgPool2d; (1, 1) is the global
    average of each channel.

    Example:
        >>> import deepling as dl
        >>> dl.nn.AdaptiveAvgPool2d((1, 1))(dl.ones(2, 8, 5, 7)).shape
        torch.Size([2, 8, 1, 1])
    """

    def forward(self, input):
        return self._named_errors(F.adaptive_avg_pool2d, input, self.output_size)


class AdaptiveMaxPool1d(_Adaptive):
    """Max pooling to a given length, as torch.nn.AdaptiveMaxPool1d."""

    def __init__(self, output_size, return_indices=False):
        super().__init__(output_size, return_indices)

    def forward(self, input):
        return self._named_errors(F.adaptive_max_pool1d, input, self.output_size,
                                  self.return_indices)  # fmt: skip


class AdaptiveMaxPool2d(_Adaptive):
    """Max pooling to a given (H, W), as torch.nn.AdaptiveMaxPool2d."""

    def __init__(self, output_size, return_indices=False):
        super().__init__(output_size, return_indices)

    def forward(self, input):
        return self._named_errors(F.adaptive_max_pool2d, input, self.output_size,
                                  self.return_indices)  # fmt: skip
