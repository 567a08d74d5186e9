"""Upsample, UpsamplingNearest2d and UpsamplingBilinear2d over F.interpolate."""

from __future__ import annotations

from . import functional as F
from .module import Module


class Upsample(Module):
    """Resample to `size` or by `scale_factor` with F.interpolate's modes ('nearest',
    'nearest-exact', 'linear', 'bilinear', 'bicubic'), as torch.nn.Upsample.

    Example:
        >>> import deepling as dl
        >>> up = dl.nn.Upsample(scale_factor=2)
        >>> up, up(dl.ones(1, 3, 4, 4)).shape
        (Upsample(scale_factor=2.0, mode='nearest'), torch.Size([1, 3, 8, 8]))
    """

    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None,
                 recompute_scale_factor=None):  # fmt: skip
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, (tuple, list)):
            self.scale_factor = tuple(float(f) for f in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode, self.align_corners = mode, align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input):
        return F.interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                             recompute_scale_factor=self.recompute_scale_factor)  # fmt: skip

    def extra_repr(self) -> str:
        if self.scale_factor is not None:
            info = f"scale_factor={self.scale_factor!r}"
        else:
            info = f"size={self.size!r}"
        return f"{info}, mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """Nearest-neighbour upsampling of (N, C, H, W), as torch.nn.UpsamplingNearest2d."""

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Bilinear upsampling with align_corners=True, as torch.nn.UpsamplingBilinear2d."""

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)
