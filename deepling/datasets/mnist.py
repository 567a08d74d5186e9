"""MNIST and Fashion-MNIST as `(x_train, y_train), (x_test, y_test)` uint8 arrays.

Both come as the four original IDX `.gz` files, kept under their original names in
`$DEEPLING_HOME/datasets/mnist/` and `.../fashion-mnist/`, and downloaded there when missing.
The sha256 values are those of the original files (MNIST: LeCun's, whose md5s torchvision
publishes; Fashion-MNIST: Zalando's, also pinned by Keras's `fashion_mnist.load_data`).
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np

from .fetch import data_home, fetch, verify
from .idx import IDXFormatError, read_idx


class IDXDataset(NamedTuple):
    name: str  # folder under data_home()
    files: dict[str, str]  # train images, train labels, test images, test labels -> sha256
    mirrors: tuple[str, ...]
    help_text: str


MNIST = IDXDataset(
    "mnist",
    {
        "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
    },
    (
        "https://ossci-datasets.s3.amazonaws.com/mnist/",  # PyTorch's mirror
        "https://storage.googleapis.com/cvdf-datasets/mnist/",  # TensorFlow's mirror
    ),
    "Keras's mnist.npz (https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz) "
    "in that folder works too.",
)

FASHION_MNIST = IDXDataset(
    "fashion-mnist",
    {
        "train-images-idx3-ubyte.gz": "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
        "train-labels-idx1-ubyte.gz": "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
        "t10k-images-idx3-ubyte.gz": "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
        "t10k-labels-idx1-ubyte.gz": "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
    },
    (
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",  # Keras's mirror
        "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",  # Zalando's; sha256-checked
    ),
    "The Debian package dataset-fashion-mnist also holds them, in /usr/share/datasets/fashion-mnist/.",
)


def _pair(images_path: Path, labels_path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Read one split and check that it is images (n, rows, cols) and labels (n,), both uint8."""
    x, y = read_idx(images_path), read_idx(labels_path)
    if x.ndim != 3 or x.dtype != np.uint8:
        raise IDXFormatError(
            f"{images_path}: expected uint8 images of shape (n, rows, cols), got {x.dtype} {x.shape}"
        )
    if y.ndim != 1 or y.dtype != np.uint8 or len(y) != len(x):
        raise IDXFormatError(
            f"{labels_path}: expected {len(x)} uint8 labels (one per image in "
            f"{images_path.name}), got {y.dtype} {y.shape}"
        )
    return x, y


# sha256 of Keras's `.npz` form, as its loader pins it (keras/src/datasets/mnist.py: file_hash)
NPZ_SHA256 = {"mnist": "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"}


def load_npz(path: str | Path):
    """Read Keras's `mnist.npz` (arrays x_train, y_train, x_test, y_test); pickles are refused."""
    with np.load(path, allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])


def load_idx_dataset(spec: IDXDataset, npz: str | Path | None = None):
    """`(x_train, y_train), (x_test, y_test)` of `spec`, from its IDX files in
    `data_home()/spec.name`; from the `.npz` file `npz` when the IDX files are not all there
    but it is, after checking it against Keras's published sha256 (a ChecksumError names the
    path and both checksums, as Keras's get_file refuses it); else after downloading the
    missing IDX files (see `fetch`)."""
    folder = data_home() / spec.name
    if npz is not None and not all((folder / f).is_file() for f in spec.files):
        npz = folder / npz  # an absolute `npz` stays as it is
        if npz.is_file():
            verify(npz, NPZ_SHA256[spec.name])
            return load_npz(npz)
    paths = list(fetch(spec.name, spec.files, spec.mirrors, spec.help_text).values())
    return _pair(paths[0], paths[1]), _pair(paths[2], paths[3])
