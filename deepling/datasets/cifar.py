"""CIFAR-10 from its binary release (no pickle): 60,000 32x32 colour images of 10 classes.

The release `cifar-10-binary.tar.gz` unpacks to `cifar-10-batches-bin/` with five training
files `data_batch_1.bin` ... `data_batch_5.bin` and `test_batch.bin`: 10,000 records each, a
record being one label byte and 3072 pixel bytes (the red, green and blue 32x32 planes, rows
top to bottom). Read from a folder that holds them; downloaded (sha256-checked, written
atomically) and unpacked into one when asked.
"""

from __future__ import annotations

import os
import tarfile
import tempfile
from pathlib import Path

import numpy as np

from .fetch import ChecksumError, DatasetNotFoundError, data_home, download, verify

FOLDER = "cifar-10-batches-bin"
TRAIN_FILES = tuple(f"data_batch_{i}.bin" for i in range(1, 6))
TEST_FILES = ("test_batch.bin",)
ARCHIVE = "cifar-10-binary.tar.gz"
ARCHIVE_SHA256 = "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd"
MIRRORS = ("https://www.cs.toronto.edu/~kriz/",)
CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
           "truck")  # fmt: skip
_RECORD = 1 + 3 * 32 * 32


class CIFARFormatError(ValueError):
    """A file is not a CIFAR-10 binary batch (its size is not whole records, or a label is
    not 0-9)."""


def read_batch(path) -> tuple[np.ndarray, np.ndarray]:
    """(images (n, 32, 32, 3) uint8, channels last; labels (n,) uint8) of one binary batch."""
    raw = np.fromfile(path, dtype=np.uint8)
    if raw.size == 0 or raw.size % _RECORD:
        raise CIFARFormatError(
            f"{path}: {raw.size} bytes is not a whole number of CIFAR-10 records "
            f"({_RECORD} bytes each: one label byte and 3072 pixel bytes)"
        )
    records = raw.reshape(-1, _RECORD)
    labels = records[:, 0].copy()
    if labels.max() > 9:
        raise CIFARFormatError(f"{path}: label {int(labels.max())} is not a CIFAR-10 class 0-9")
    images = records[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    return np.ascontiguousarray(images), labels


def read_split(folder, train: bool) -> tuple[np.ndarray, np.ndarray]:
    parts = [read_batch(Path(folder) / name) for name in (TRAIN_FILES if train else TEST_FILES)]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def find(folders) -> Path | None:
    """The first of `folders` whose cifar-10-batches-bin/ holds all six batch files."""
    for folder in folders:
        batches = Path(folder) / FOLDER
        if all((batches / name).is_file() for name in TRAIN_FILES + TEST_FILES):
            return batches
    return None


def _extract(archive: Path, folder: Path) -> None:
    """Unpack only the batch files of the archive into folder/cifar-10-batches-bin/, each
    written to a temporary name and renamed, never following the archive's own paths."""
    target = folder / FOLDER
    target.mkdir(parents=True, exist_ok=True)
    wanted = {f"{FOLDER}/{name}" for name in TRAIN_FILES + TEST_FILES}
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar.getmembers():
            if member.name not in wanted or not member.isfile():
                continue
            source = tar.extractfile(member)
            fd, tmp = tempfile.mkstemp(dir=target, prefix=".extract.", suffix=".part")
            try:
                with os.fdopen(fd, "wb") as out:
                    while chunk := source.read(1 << 20):
                        out.write(chunk)
                os.replace(tmp, target / Path(member.name).name)
            finally:
                if os.path.exists(tmp):
                    os.remove(tmp)


def fetch(folder) -> Path:
    """Download the binary release into `folder` (sha256-checked) and unpack its batches.

    Raises DatasetNotFoundError naming the files and the folder when the download fails."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    archive = folder / ARCHIVE
    if archive.is_file():
        verify(archive, ARCHIVE_SHA256)
    else:
        error = None
        for mirror in MIRRORS:
            try:
                download(mirror + ARCHIVE, archive, ARCHIVE_SHA256)
                error = None
                break
            except ChecksumError:
                raise
            except OSError as e:
                error = e
        if error is not None:
            raise not_found([folder], f"the download failed ({type(error).__name__}: {error})")
    _extract(archive, folder)
    return folder / FOLDER


def not_found(folders, why: str) -> DatasetNotFoundError:
    places = " or ".join(str(Path(f) / FOLDER) for f in folders)
    return DatasetNotFoundError(
        f"CIFAR-10: {', '.join(TRAIN_FILES + TEST_FILES)} are not in {places}, and {why}. Put "
        f"them there (they come in {MIRRORS[0]}{ARCHIVE}, the binary release; the Python "
        "release's pickle files are not read), or set DEEPLING_HOME."
    )


def load(download_missing: bool = True):
    """`(x_train, y_train), (x_test, y_test)` from `$DEEPLING_HOME/datasets/cifar-10/`,
    downloading there when missing: images (n, 32, 32, 3) uint8, labels (n,) uint8."""
    home = data_home() / "cifar-10"
    folder = find([home])
    if folder is None:
        if not download_missing:
            raise not_found([home], "downloading was not asked for")
        folder = fetch(home)
    return read_split(folder, True), read_split(folder, False)
