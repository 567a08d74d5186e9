"""torchvision.datasets.MNIST and FashionMNIST, read from torchvision's folders.

Files are looked for in `root/MNIST/raw/` (`root/FashionMNIST/raw/`), gzipped or not, as
torchvision keeps them, then in deepling's own `$DEEPLING_HOME/datasets/mnist/`
(`fashion-mnist/`). With `download=True`, missing files are downloaded into the first folder
(sha256-checked, written atomically); offline, the error names the files and the folders.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ...datasets import mnist as idx_specs
from ...datasets.fetch import DatasetNotFoundError, data_home, download, verify
from ...datasets.idx import read_idx
from ...tensor import Tensor
from .vision import LabelledImages


class MNIST(LabelledImages):
    """The MNIST handwritten digits, as torchvision.datasets.MNIST.

    Args:
        root: the folder holding `MNIST/raw/` (torchvision's layout).
        train: the 60,000 training images, else the 10,000 test images.
        transform: applied to each image (a PIL image, or a uint8 array without Pillow), e.g.
            `transforms.ToTensor()`.
        target_transform: applied to each label (an int).
        download: fetch missing files into `root/MNIST/raw/`.

    `data` is a uint8 tensor (n, 28, 28), `targets` an int64 tensor; a DataLoader over it
    gathers whole batches at once when the transforms are ToTensor/Normalize (a Compose of
    them).

    Example:
        >>> from deepling.vision import datasets, transforms
        >>> train = datasets.MNIST("data", train=True, transform=transforms.ToTensor())  # doctest: +SKIP
        >>> image, label = train[0]  # doctest: +SKIP
        >>> image.shape, label  # doctest: +SKIP
        (torch.Size([1, 28, 28]), 5)
    """

    spec = idx_specs.MNIST
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six",
               "7 - seven", "8 - eight", "9 - nine"]  # fmt: skip

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        names = list(self.spec.files)[:2] if train else list(self.spec.files)[2:]
        paths = self._locate(names, download)
        images, labels = read_idx(paths[0]), read_idx(paths[1])
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise ValueError(f"{paths[0]} and {paths[1]} are not MNIST images and labels")
        self.data = Tensor._wrap(images)
        self.targets = Tensor._wrap(labels.astype(np.int64))

    @property
    def raw_folder(self) -> str:
        return str(Path(self.root) / type(self).__name__ / "raw")

    @property
    def class_to_idx(self) -> dict:
        return {c: i for i, c in enumerate(self.classes)}

    def _folders(self) -> list:
        return [Path(self.raw_folder), data_home() / self.spec.name]

    def _locate(self, names, fetch) -> list:
        """The path of each `name` (.gz or not), downloading the missing ones if asked."""
        found, missing = [], []
        for name in names:
            path = self._find(name)
            found.append(path)
            if path is None:
                missing.append(name)
        if missing and fetch:
            self._download(missing)
            return [p or Path(self.raw_folder) / n for p, n in zip(found, names)]
        if missing:
            raise self._not_found(missing, "You can use download=True to download it")
        return found

    def _find(self, gz_name):
        for folder in self._folders():
            if (folder / gz_name).is_file():
                verify(folder / gz_name, self.spec.files[gz_name])
                return folder / gz_name
            if (folder / gz_name.removesuffix(".gz")).is_file():  # torchvision unpacks them
                return folder / gz_name.removesuffix(".gz")
        return None

    def _download(self, missing) -> None:
        folder = Path(self.raw_folder)
        folder.mkdir(parents=True, exist_ok=True)
        for name in missing:
            error = None
            for mirror in self.spec.mirrors:
                try:
                    download(mirror + name, folder / name, self.spec.files[name])
                    error = None
                    break
                except OSError as e:  # a ChecksumError (a ValueError) goes straight up
                    error = e
            if error is not None:
                raise self._not_found(
                    missing, f"the download failed ({type(error).__name__}: {error})"
                )

    def _not_found(self, missing, why) -> DatasetNotFoundError:
        where = " or ".join(str(f) for f in self._folders())
        return DatasetNotFoundError(
            f"Dataset not found: {type(self).__name__} needs {', '.join(missing)} (gzipped or "
            f"not) in {where}. {why}; the files come from {' or '.join(self.spec.mirrors)}."
        )

    def _target(self, index) -> int:
        return int(self.targets._data[index])

    def _images(self):
        return self.data._data

    def _labels(self):
        return self.targets._data


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST (28x28 grey images of 10 kinds of clothing), in MNIST's format,
    as torchvision.datasets.FashionMNIST; files in `root/FashionMNIST/raw/`."""

    spec = idx_specs.FASHION_MNIST
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot"]  # fmt: skip
