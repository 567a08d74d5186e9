"""torchvision.transforms' RandomCrop and Resize, on PIL images, arrays and tensors."""

from __future__ import annotations

import numbers

import numpy as np

from ... import _backend
from ...ops.padding import pad as pad_modes
from ...ops.resample import interpolate
from ...ops.shape import pad as pad_constant
from ...tensor import Tensor
from .transforms import InterpolationMode, _is_pil, _size_hw

_TORCH_PAD = {"edge": "replicate", "reflect": "reflect"}


def _pair(size, name):
    if isinstance(size, numbers.Integral):
        return int(size), int(size)
    size = tuple(size)
    if len(size) == 1:
        return int(size[0]), int(size[0])
    if len(size) != 2:
        raise ValueError(f"Please provide only two dimensions (h, w) for {name}.")
    return int(size[0]), int(size[1])


def _pads(padding) -> tuple:
    """(left, top, right, bottom) from an int, (left/right, top/bottom) or four values."""
    if isinstance(padding, numbers.Integral):
        return (int(padding),) * 4
    padding = tuple(int(p) for p in padding)
    if len(padding) == 1:
        return padding * 4
    if len(padding) == 2:
        return padding * 2
    if len(padding) == 4:
        return padding
    raise ValueError(
        f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple"
    )


def pad_image(img, padding, fill=0, padding_mode="constant"):
    """Pad a PIL image, an (H, W[, C]) array or a (..., H, W) tensor by (left, top, right,
    bottom) with torchvision's modes: constant (fill), edge, reflect, symmetric."""
    left, top, right, bottom = padding
    if isinstance(img, Tensor):
        if padding_mode == "constant":
            return pad_constant(img, (left, right, top, bottom), value=fill)
        if padding_mode in _TORCH_PAD:
            return pad_modes(img, (left, right, top, bottom), mode=_TORCH_PAD[padding_mode])
        widths = [(0, 0)] * (img.ndim - 2) + [(top, bottom), (left, right)]
        return Tensor._wrap(np.pad(img.numpy(), widths, mode="symmetric"))
    array = np.asarray(img)
    widths = [(top, bottom), (left, right)] + [(0, 0)] * (array.ndim - 2)
    kwargs = {"constant_values": fill} if padding_mode == "constant" else {}
    out = np.pad(array, widths, mode=padding_mode, **kwargs)
    if _is_pil(img):
        from PIL import Image

        return Image.fromarray(out)
    return out


def crop(img, top, left, height, width):
    if _is_pil(img):
        return img.crop((left, top, left + width, top + height))
    if isinstance(img, Tensor):
        return img[..., top : top + height, left : left + width]
    return img[top : top + height, left : left + width]


class RandomCrop:
    """A random (height, width) window of the image, after optional padding, as
    transforms.RandomCrop (padding: int, (left/right, top/bottom) or (left, top, right,
    bottom); padding_mode 'constant', 'edge', 'reflect' or 'symmetric')."""

    def __init__(self, size, padding=None, pad_if_needed=False, fill=0, padding_mode="constant"):
        self.size = _pair(size, "size")
        if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
            raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
        self.padding = None if padding is None else _pads(padding)
        self.pad_if_needed, self.fill, self.padding_mode = pad_if_needed, fill, padding_mode

    def __call__(self, img):
        if self.padding is not None:
            img = pad_image(img, self.padding, self.fill, self.padding_mode)
        h, w = _size_hw(img)
        th, tw = self.size
        if self.pad_if_needed and w < tw:
            img = pad_image(img, (tw - w, 0, tw - w, 0), self.fill, self.padding_mode)
        if self.pad_if_needed and h < th:
            img = pad_image(img, (0, th - h, 0, th - h), self.fill, self.padding_mode)
        h, w = _size_hw(img)
        if h < th or w < tw:
            raise ValueError(
                f"Required crop size {(th, tw)} is larger than input image size {(h, w)}"
            )
        rng = _backend.rng()
        top, left = int(rng.integers(0, h - th + 1)), int(rng.integers(0, w - tw + 1))
        return crop(img, top, left, th, tw)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(size={self.size}, padding={self.padding})"


def _resized(h, w, size, max_size):
    """torchvision's output size: an int matches the smaller edge (aspect kept)."""
    if isinstance(size, numbers.Integral) or len(size) == 1:
        size = size if isinstance(size, numbers.Integral) else size[0]
        short, long = (h, w) if h <= w else (w, h)
        new_short, new_long = size, int(size * long / short)
        if max_size is not None:
            if max_size <= size:
                raise ValueError(
                    f"max_size = {max_size} must be strictly greater than the requested size for "
                    f"the smaller edge size = {size}"
                )
            if new_long > max_size:
                new_short, new_long = int(max_size * new_short / new_long), max_size
        return (new_short, new_long) if h <= w else (new_long, new_short)
    if max_size is not None:
        raise ValueError(
            "max_size should only be passed if size specifies the length of the smaller edge"
        )
    return int(size[0]), int(size[1])


class Resize:
    """Resize to (h, w), or the smaller edge to `size` keeping the aspect ratio, as
    transforms.Resize: PIL images with Pillow's filters, tensors with F.interpolate
    (bilinear/bicubic antialiased when downsampling, as torchvision's default)."""

    def __init__(
        self, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True
    ):
        self.size, self.max_size, self.antialias = size, max_size, antialias
        self.interpolation = InterpolationMode(getattr(interpolation, "value", interpolation))

    def __call__(self, img):
        h, w = _size_hw(img)
        oh, ow = _resized(h, w, self.size, self.max_size)
        mode = self.interpolation.value
        if _is_pil(img):
            from PIL import Image

            pil = {"nearest": Image.Resampling.NEAREST, "bilinear": Image.Resampling.BILINEAR,
                   "bicubic": Image.Resampling.BICUBIC, "nearest-exact": Image.Resampling.NEAREST}  # fmt: skip
            return img.resize((ow, oh), pil[mode])
        if not isinstance(img, Tensor):
            raise TypeError(f"img should be PIL Image or Tensor. Got {type(img)}")
        x = img if img.ndim >= 4 else img.unsqueeze(0)
        smooth = mode in ("bilinear", "bicubic")
        y = interpolate(x if x.dtype.kind == "f" else x.float(), size=(oh, ow), mode=mode,
                        align_corners=False if smooth else None,
                        antialias=self.antialias and smooth)  # fmt: skip
        return y if img.ndim >= 4 else y[0]

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(size={self.size}, interpolation={self.interpolation.value}, "
            f"max_size={self.max_size}, antialias={self.antialias})"
        )
