"""torchvision.datasets.CIFAR10, from the binary release (no pickle)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ...datasets import cifar
from ...datasets.fetch import data_home
from .vision import LabelledImages


class CIFAR10(LabelledImages):
    """CIFAR-10 (32x32 colour images of 10 classes), as torchvision.datasets.CIFAR10.

    The six files of the binary release are read from `root/cifar-10-batches-bin/`, else from
    `$DEEPLING_HOME/datasets/cifar-10/cifar-10-batches-bin/`; `download=True` fetches
    `cifar-10-binary.tar.gz` into `root` (sha256-checked) and unpacks it. (torchvision reads
    the Python release's pickles in `cifar-10-batches-py/`; those are not read here.)

    `data` is a uint8 array (n, 32, 32, 3), `targets` a list of ints, `classes` the names.

    Example:
        >>> from deepling.vision import datasets
        >>> test = datasets.CIFAR10("data", train=False)  # doctest: +SKIP
        >>> test.data.shape, test.classes[test.targets[0]]  # doctest: +SKIP
        ((10000, 32, 32, 3), 'cat')
    """

    classes = list(cifar.CLASSES)

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        folders = [Path(self.root), data_home() / "cifar-10"]
        folder = cifar.find(folders)
        if folder is None:
            if not download:
                raise cifar.not_found(folders, "download=False (use download=True to download it)")
            folder = cifar.fetch(self.root)
        images, labels = cifar.read_split(folder, train)
        self.data = images
        self.targets = labels.astype(np.int64).tolist()
        self._target_array = labels.astype(np.int64)

    @property
    def class_to_idx(self) -> dict:
        return {c: i for i, c in enumerate(self.classes)}

    def _target(self, index) -> int:
        return self.targets[index]  # the list, which users may relabel

    def _images(self):
        return self.data

    def _labels(self):
        return self._target_array
