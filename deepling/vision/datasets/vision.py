"""VisionDataset: what torchvision's datasets share (root, transforms, printing), plus the
batched fetch that lets a DataLoader gather a whole batch with one index when the transforms
allow it."""

from __future__ import annotations

import importlib.util
import os

import numpy as np

from ...tensor import Tensor
from ...utils.data import Dataset


def pil_available() -> bool:
    return importlib.util.find_spec("PIL") is not None


def to_image(array: np.ndarray):
    """A PIL image of a uint8 (H, W) or (H, W, 3) array, as torchvision's datasets give; the
    array itself when Pillow is not installed."""
    if not pil_available():
        return array
    from PIL import Image

    return Image.fromarray(array)


class StandardTransform:
    """A transform for the input and one for the target, applied to (input, target)."""

    def __init__(self, transform=None, target_transform=None):
        self.transform, self.target_transform = transform, target_transform

    def __call__(self, sample, target):
        if self.transform is not None:
            sample = self.transform(sample)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return sample, target

    @staticmethod
    def _lines(transform, head):
        lines = repr(transform).splitlines()
        return [f"{head}{lines[0]}"] + [" " * len(head) + line for line in lines[1:]]

    def __repr__(self) -> str:
        body = [type(self).__name__]
        if self.transform is not None:
            body += self._lines(self.transform, "Transform: ")
        if self.target_transform is not None:
            body += self._lines(self.target_transform, "Target transform: ")
        return "\n".join(body)


class VisionDataset(Dataset):
    """Base of the image datasets: `root`, `transform` (of the image), `target_transform`
    (of the label), torchvision's printing."""

    _repr_indent = 4

    def __init__(self, root=None, transforms=None, transform=None, target_transform=None):
        self.root = os.path.expanduser(root) if isinstance(root, (str, bytes)) else root
        if transforms is not None and (transform is not None or target_transform is not None):
            raise ValueError(
                "Only transforms or transform/target_transform can be passed as argument"
            )
        self.transform, self.target_transform = transform, target_transform
        if transforms is None and (transform is not None or target_transform is not None):
            transforms = StandardTransform(transform, target_transform)
        self.transforms = transforms

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        body = [f"Number of datapoints: {len(self)}"]
        if self.root is not None:
            body.append(f"Root location: {self.root}")
        body += self.extra_repr().splitlines()
        if self.transforms is not None:
            body.append(repr(self.transforms))  # as torchvision: only its first line indented
        lines = [f"Dataset {type(self).__name__}"] + [" " * self._repr_indent + b for b in body]
        return "\n".join(lines)

    # --- the batched fetch (DataLoader's fast path) ---
    def _images(self) -> np.ndarray:
        raise NotImplementedError

    def _labels(self) -> np.ndarray:
        raise NotImplementedError

    def _batchable(self) -> bool:
        """True when the transforms give the same batch as transforming sample by sample and
        collating: only deterministic, batch-aware ones (ToTensor, Normalize, Compose)."""
        return (
            self.target_transform is None
            and self.transform is not None
            and getattr(self.transform, "_batch", None) is not None
            and self.transform._batchable()
        )

    @property
    def _gather(self):
        """DataLoader's hook: a function from an index array to the batch [images, labels]
        (what default_collate makes of the samples one by one), or None when the transforms
        need the samples one at a time."""
        return self._gather_batch if self._batchable() else None

    def _gather_batch(self, idx):
        images = self.transform._batch(self._images()[idx])
        return [images, Tensor._wrap(np.asarray(self._labels()[idx], np.int64))]


class LabelledImages(VisionDataset):
    """An image-classification split (MNIST, CIFAR-10): samples (image, label) through the
    transforms, over a subclass's `_images()`, `_labels()` and `_target(index)`."""

    def __len__(self) -> int:
        return len(self._images())

    def __getitem__(self, index):
        image, target = to_image(self._images()[index]), self._target(index)
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return image, target

    def _target(self, index) -> int:
        raise NotImplementedError

    def extra_repr(self) -> str:
        return f"Split: {'Train' if self.train is True else 'Test'}"
