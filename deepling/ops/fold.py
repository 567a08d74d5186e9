"""unfold (im2col) and fold (col2im), as F.unfold / F.fold: two Functions that are each
other's transposes, so each is the other's gradient."""

from __future__ import annotations

from ..autograd.function import Function, ShapeError
from ..tensor import Tensor
from ._checks import tensor_input
from ._windows import fold_taps, geometry, im2col
from .conv_args import ints
from .shape import squeeze, unsqueeze


class Unfold(Function):
    """y[n, (c, i, j), l] = x[n, c] at tap (i, j) of window l (zero padded);  dx = fold(gy)."""

    def __init__(self, g):
        self.g = g

    def forward(self, x):
        self.channels = x.shape[1]
        cols = im2col(x, self.g)
        return cols.reshape(x.shape[0], -1, self.g.out[0] * self.g.out[1])

    def backward(self, gy):
        if isinstance(gy, Tensor):
            return Fold(self.g, self.channels)(gy)
        return Fold.arrays(gy, self.g, self.channels)


class Fold(Function):
    """y = the columns added back over their windows (overlaps add up);  dx = unfold(gy)."""

    def __init__(self, g, channels):
        self.g, self.channels = g, channels

    @staticmethod
    def arrays(cols, g, channels):
        shape = (cols.shape[0], channels) + g.kernel + g.out
        return fold_taps(cols.reshape(shape), g, 2)

    def forward(self, cols):
        return self.arrays(cols, self.g, self.channels)

    def backward(self, gy):
        if isinstance(gy, Tensor):
            return Unfold(self.g)(gy)
        return im2col(gy, self.g).reshape(gy.shape[0], -1, self.g.out[0] * self.g.out[1])


def _geometry(name, size, kernel_size, dilation, padding, stride, out=None):
    kernel = ints(kernel_size, 2, "kernel_size", name)
    dilation, padding = ints(dilation, 2, "dilation", name), ints(padding, 2, "padding", name)
    stride = ints(stride, 2, "stride", name)
    if min(kernel) <= 0 or min(dilation) <= 0 or min(stride) <= 0 or min(padding) < 0:
        raise ShapeError(
            f"{name}: kernel_size, dilation and stride must be positive and padding not negative,"
            f" got kernel_size={kernel}, dilation={dilation}, padding={padding}, stride={stride}"
        )
    blocks = tuple(
        (n + 2 * p - d * (k - 1) - 1) // s + 1
        for n, k, d, p, s in zip(size, kernel, dilation, padding, stride)
    )
    if min(blocks) < 1:
        raise ShapeError(
            f"Given input with spatial size {tuple(size)}, kernel_size={kernel}, dilation="
            f"{dilation}, padding={padding}, calculated shape of the array of sliding blocks as "
            f"{blocks}, but its components must be at least one."
        )
    pairs = tuple((p, p) for p in padding)
    return geometry(tuple(size), kernel, stride, dilation, pairs, 2, blocks)


def unfold(input, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """The sliding windows of (N, C, H, W) (or (C, H, W)) as columns, (N, C * kH * kW, L):
    im2col, as F.unfold. `conv2d(x, w)` is `w.view(O, -1) @ unfold(x, k)` reshaped.

    Example:
        >>> import deepling as dl
        >>> dl.nn.functional.unfold(dl.ones(1, 2, 4, 4), kernel_size=2).shape
        torch.Size([1, 8, 9])
    """
    tensor_input(input, "unfold")
    if input.ndim not in (3, 4):
        raise NotImplementedError(
            f"Input Error: Only 3D or 4D input Tensors are supported (got {input.ndim}D)"
        )
    x = input if input.ndim == 4 else unsqueeze(input, 0)
    g = _geometry("unfold", x.shape[2:], kernel_size, dilation, padding, stride)
    y = Unfold(g)(x)
    return y if input.ndim == 4 else squeeze(y, 0)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Columns (N, C * kH * kW, L) added back into an (N, C, H, W) image of `output_size`,
    overlaps summed: col2im, the transpose of unfold, as F.fold."""
    tensor_input(input, "fold")
    if input.ndim not in (2, 3):
        raise NotImplementedError(
            f"Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported "
            f"(got {input.ndim}D)"
        )
    x = input if input.ndim == 3 else unsqueeze(input, 0)
    size = ints(output_size, 2, "output_size", "fold")
    g = _geometry("fold", size, kernel_size, dilation, padding, stride)
    taps = g.kernel[0] * g.kernel[1]
    if x.shape[1] % taps:
        raise ShapeError(
            "Expected size of input's dimension 1 to be divisible by the product of "
            f"kernel_size, but got input.size(1)={x.shape[1]} and kernel_size={g.kernel}."
        )
    if x.shape[2] != g.out[0] * g.out[1]:
        raise ShapeError(
            f"Given output_size={size}, kernel_size={g.kernel}, dilation={g.dilation}, padding="
            f"{tuple(p for p, _ in g.pad)}, stride={g.stride}, expected size of input's "
            f"dimension 2 to match the calculated number of sliding blocks {g.out[0]} * "
            f"{g.out[1]} = {g.out[0] * g.out[1]}, but got input.size(2)={x.shape[2]}."
        )
    y = Fold(g, x.shape[1] // taps)(x)
    return y if input.ndim == 3 else squeeze(y, 0)
