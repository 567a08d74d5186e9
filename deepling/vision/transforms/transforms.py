"""torchvision.transforms' common classes: Compose, ToTensor, Normalize, Lambda,
RandomHorizontalFlip, RandomCrop, Resize.

They take PIL images (when Pillow is installed), NumPy arrays (H, W[, C]) and tensors
(..., C, H, W), as torchvision's do. Random choices come from deepling's one generator
(`deepling.manual_seed`). ToTensor and Normalize (and a Compose of them) also work on a whole
batch at once (`_batch`), which the datasets use to give a DataLoader whole batches.
"""

from __future__ import annotations

import enum

import numpy as np

from ... import _backend
from ...ops import arith
from ...tensor import Tensor


class InterpolationMode(enum.Enum):
    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"


def _is_pil(img) -> bool:
    return type(img).__module__.startswith("PIL.")


class Compose:
    """Apply transforms one after the other.

    Example:
        >>> from deepling.vision import transforms
        >>> transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
        Compose(
            ToTensor()
            Normalize(mean=(0.5,), std=(0.5,))
        )
    """

    def __init__(self, transforms):
        self.transforms = list(transforms)

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img

    def _batchable(self) -> bool:
        return all(getattr(t, "_batch", None) is not None and t._batchable()
                   for t in self.transforms)  # fmt: skip

    def _batch(self, images):
        for t in self.transforms:
            images = t._batch(images)
        return images

    def __repr__(self) -> str:
        inner = "".join(f"\n    {t}" for t in self.transforms)
        return f"{type(self).__name__}({inner}\n)"


class ToTensor:
    """A PIL image or a (H, W[, C]) array as a (C, H, W) float32 tensor, uint8 pixels scaled
    to [0, 1] (other dtypes keep their values and dtype), as transforms.ToTensor."""

    def __call__(self, pic):
        if _is_pil(pic):
            pic = np.asarray(pic)
        if isinstance(pic, Tensor):
            raise TypeError("pic should be PIL Image or ndarray. Got <class 'Tensor'>")
        if not isinstance(pic, np.ndarray):
            raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        array = pic[:, :, None] if pic.ndim == 2 else pic
        return self._convert(np.ascontiguousarray(array.transpose(2, 0, 1)))

    @staticmethod
    def _convert(array):
        if array.dtype == np.uint8:
            return Tensor._wrap((array / np.float32(255)).astype(np.float32))
        return Tensor._wrap(array)

    def _batchable(self) -> bool:
        return True

    def _batch(self, images):
        """(B, H, W[, C]) uint8 -> (B, C, H, W) float32 in [0, 1]."""
        images = images[..., None] if images.ndim == 3 else images
        return self._convert(np.ascontiguousarray(images.transpose(0, 3, 1, 2)))

    def __repr__(self) -> str:
        return "ToTensor()"


class Normalize:
    """(x - mean) / std per channel of a float (..., C, H, W) tensor, as transforms.Normalize.

    Example:
        >>> import deepling as dl
        >>> from deepling.vision import transforms
        >>> transforms.Normalize((0.5,), (0.25,))(dl.ones(1, 2, 2)).tolist()
        [[[2.0, 2.0], [2.0, 2.0]]]
    """

    def __init__(self, mean, std, inplace=False):
        self.mean, self.std, self.inplace = mean, std, inplace

    def __call__(self, tensor):
        if not isinstance(tensor, Tensor):
            raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
        if tensor.dtype.kind != "f":
            raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
        if tensor.ndim < 3:
            raise ValueError(
                "Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() "
                f"= {tuple(tensor.shape)}"
            )
        dtype = tensor.dtype
        mean = np.asarray(self.mean, dtype).reshape(-1, 1, 1)
        std = np.asarray(self.std, dtype).reshape(-1, 1, 1)
        if (std == 0).any():
            raise ValueError(
                f"std evaluated to zero after conversion to {dtype}, leading to division by zero."
            )
        return arith.div(arith.sub(tensor, Tensor._wrap(mean)), Tensor._wrap(std))

    def _batchable(self) -> bool:
        return True

    def _batch(self, images):
        return self(images)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(mean={self.mean}, std={self.std})"


class Lambda:
    """A user function as a transform."""

    def __init__(self, lambd):
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got {type(lambd).__name__!r}")
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _size_hw(img) -> tuple:
    if _is_pil(img):
        return img.size[1], img.size[0]
    return tuple(img.shape[-2:]) if isinstance(img, Tensor) else tuple(img.shape[:2])


class RandomHorizontalFlip:
    """Mirror the image left-right with probability p."""

    def __init__(self, p=0.5):
        self.p = p

    def __call__(self, img):
        if _backend.rng().random() >= self.p:
            return img
        if _is_pil(img):
            from PIL import Image

            return img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        if isinstance(img, Tensor):
            return img[..., ::-1]
        return np.ascontiguousarray(img[:, ::-1])

    def __repr__(self) -> str:
        return f"{type(self).__name__}(p={self.p})"
