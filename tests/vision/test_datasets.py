"""deepling.vision.datasets (torchvision's names) and keras.datasets.cifar10, on small files
written here in the real formats: folders, lookups, downloads and their errors, batches."""

import gzip
import shutil
import struct
from pathlib import Path

import numpy as np
import pytest

import deepling as dl
from deepling.datasets import DatasetNotFoundError, cifar
from deepling.datasets import mnist as specs
from deepling.utils.data import DataLoader
from deepling.vision import datasets, transforms

SHARED_MNIST = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "mnist"


def _idx(path, array, gz=True):
    header = struct.pack(">BBBB", 0, 0, 8, array.ndim) + struct.pack(
        f">{array.ndim}I", *array.shape
    )
    data = header + array.astype(np.uint8).tobytes()
    (gzip.open if gz else open)(path, "wb").write(data)


@pytest.fixture
def small_mnist(tmp_path, monkeypatch):
    """root/MNIST/raw with 20 training and 10 test images, unpacked as torchvision leaves
    them (no checksum applies to unpacked files)."""
    monkeypatch.setenv("DEEPLING_HOME", str(tmp_path / "home"))
    raw = tmp_path / "data" / "MNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for prefix, n in (("train", 20), ("t10k", 10)):
        _idx(raw / f"{prefix}-images-idx3-ubyte", rng.integers(0, 256, (n, 28, 28)), gz=False)
        _idx(raw / f"{prefix}-labels-idx1-ubyte", np.arange(n) % 10, gz=False)
    return tmp_path / "data"


def test_mnist_reads_torchvisions_folder_and_gives_pil_images(small_mnist):
    train = datasets.MNIST(str(small_mnist), train=True)
    assert len(train) == 20 and train.data.shape == (20, 28, 28) and train.data.dtype == dl.uint8
    assert train.targets.dtype == dl.int64 and train.targets[:3].tolist() == [0, 1, 2]
    image, label = train[3]
    assert type(image).__name__ == "Image" and image.size == (28, 28) and label == 3
    np.testing.assert_array_equal(np.asarray(image), train.data[3].numpy())
    assert train.class_to_idx["3 - three"] == 3
    assert str(train).splitlines()[:4] == ["Dataset MNIST", "    Number of datapoints: 20",
                                            f"    Root location: {small_mnist}", "    Split: Train"]  # fmt: skip
    test = datasets.MNIST(small_mnist, train=False, transform=transforms.ToTensor(),
                          target_transform=lambda y: y * 10)  # fmt: skip
    x, y = test[4]
    assert x.shape == (1, 28, 28) and x.dtype == dl.float32 and y == 40
    assert "Transform: ToTensor()" in str(test)


def test_a_loader_gathers_whole_batches_like_sample_by_sample(small_mnist):
    tr = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.13,), (0.31,))])
    data = datasets.MNIST(small_mnist, transform=tr)
    assert data._gather is not None  # ToTensor + Normalize: one index per batch
    fast = next(iter(DataLoader(data, batch_size=8)))
    slow = next(iter(DataLoader(data, batch_size=8, collate_fn=dl.utils.data.default_collate)))
    assert isinstance(fast, list) and fast[0].shape == (8, 1, 28, 28)
    np.testing.assert_allclose(fast[0].numpy(), slow[0].numpy(), rtol=1e-6)
    assert fast[1].tolist() == slow[1].tolist() and fast[1].dtype == dl.int64
    flips = datasets.MNIST(small_mnist, transform=transforms.Compose(
        [transforms.RandomHorizontalFlip(), transforms.ToTensor()]))  # fmt: skip
    assert flips._gather is None  # random per sample: one at a time


def test_missing_files_name_the_files_and_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("DEEPLING_HOME", str(tmp_path / "home"))
    with pytest.raises(DatasetNotFoundError, match="You can use download=True") as info:
        datasets.FashionMNIST(tmp_path / "data")
    message = str(info.value)
    assert "train-images-idx3-ubyte.gz" in message and str(tmp_path / "data" / "FashionMNIST" /
                                                            "raw") in message  # fmt: skip
    assert isinstance(info.value, FileNotFoundError)

    def offline(url, dest, sha256):
        raise OSError("network is unreachable")

    monkeypatch.setattr("deepling.vision.datasets.mnist.download", offline)
    with pytest.raises(DatasetNotFoundError, match="the download failed.*unreachable"):
        datasets.MNIST(tmp_path / "data", download=True)


def test_download_goes_to_torchvisions_folder_checked(tmp_path, monkeypatch):
    monkeypatch.setenv("DEEPLING_HOME", str(tmp_path / "home"))
    fetched = []

    def fake(url, dest, sha256):  # what fetch.download leaves: the checked file in place
        assert sha256 == specs.MNIST.files[dest.name] and url.endswith(dest.name)
        fetched.append(dest.name)
        rng = np.random.default_rng(0)
        if "images" in dest.name:
            _idx(dest, rng.integers(0, 256, (3, 28, 28)))
        else:
            _idx(dest, np.arange(3))
        return dest

    monkeypatch.setattr("deepling.vision.datasets.mnist.download", fake)
    monkeypatch.setattr("deepling.vision.datasets.mnist.verify", lambda path, sha: None)
    data = datasets.MNIST(tmp_path / "data", train=False, download=True)
    assert fetched == ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
    assert (tmp_path / "data" / "MNIST" / "raw" / "t10k-images-idx3-ubyte.gz").is_file()
    assert len(data) == 3


@pytest.mark.skipif(not SHARED_MNIST.is_dir(), reason="needs the MNIST files")
def test_the_real_files_in_deepling_home_are_found(tmp_path, monkeypatch):
    home = tmp_path / "home"
    shutil.copytree(SHARED_MNIST, home / "datasets" / "mnist")
    monkeypatch.setenv("DEEPLING_HOME", str(home))
    test = datasets.MNIST(tmp_path / "nowhere", train=False)
    assert len(test) == 10000 and np.bincount(test.targets.numpy())[1] == 1135


def _cifar_files(folder, n=4):
    batches = folder / cifar.FOLDER
    batches.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for name in cifar.TRAIN_FILES + cifar.TEST_FILES:
        records = rng.integers(0, 256, (n, 3073)).astype(np.uint8)
        records[:, 0] = np.arange(n) % 10
        records.tofile(batches / name)
    return records


def test_cifar10_binary_batches(tmp_path, monkeypatch):
    monkeypatch.setenv("DEEPLING_HOME", str(tmp_path / "home"))
    last = _cifar_files(tmp_path / "data")
    train = datasets.CIFAR10(tmp_path / "data", train=True)
    assert train.data.shape == (20, 32, 32, 3) and train.data.dtype == np.uint8
    assert train.targets[:5] == [0, 1, 2, 3, 0] and train.classes[3] == "cat"
    test = datasets.CIFAR10(tmp_path / "data", train=False, transform=transforms.ToTensor())
    x, y = test[1]
    assert x.shape == (3, 32, 32) and y == 1
    red = last[1, 1:1025].reshape(32, 32)  # the red plane comes first in a record
    np.testing.assert_allclose(x[0].numpy(), red / 255, rtol=1e-6)
    (tmp_path / "data" / cifar.FOLDER / "test_batch.bin").write_bytes(b"\x00" * 100)
    with pytest.raises(cifar.CIFARFormatError, match="not a whole number of CIFAR-10 records"):
        datasets.CIFAR10(tmp_path / "data", train=False)


def test_cifar10_missing_and_keras_shapes(tmp_path, monkeypatch):
    monkeypatch.setenv("DEEPLING_HOME", str(tmp_path / "home"))
    with pytest.raises(DatasetNotFoundError, match="data_batch_1.bin.*binary release"):
        datasets.CIFAR10(tmp_path / "data")

    def offline(url, dest, sha256):
        raise OSError("network is unreachable")

    monkeypatch.setattr(cifar, "download", offline)
    from deepling.keras.datasets import cifar10

    with pytest.raises(DatasetNotFoundError, match=str(tmp_path / "home")):
        cifar10.load_data()
    _cifar_files(tmp_path / "home" / "datasets" / "cifar-10", n=3)
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    assert x_train.shape == (15, 32, 32, 3) and y_train.shape == (15, 1)
    assert x_test.shape == (3, 32, 32, 3) and y_test.dtype == np.uint8


def test_cifar10_download_unpacks_only_the_batches(tmp_path, monkeypatch):
    import tarfile

    source = tmp_path / "src"
    _cifar_files(source, n=2)
    archive = tmp_path / "archive.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(source / cifar.FOLDER, arcname=cifar.FOLDER)
        evil = tmp_path / "evil.txt"
        evil.write_text("x")
        tar.add(evil, arcname="../outside.txt")  # never extracted: not a batch file

    def fake(url, dest, sha256):
        assert sha256 == cifar.ARCHIVE_SHA256
        shutil.copy(archive, dest)
        return dest

    monkeypatch.setattr(cifar, "download", fake)
    monkeypatch.setenv("DEEPLING_HOME", str(tmp_path / "home"))
    data = datasets.CIFAR10(tmp_path / "root", download=True)
    assert len(data) == 10 and not (tmp_path / "outside.txt").exists()
    assert sorted(p.name for p in (tmp_path / "root" / cifar.FOLDER).iterdir()) == sorted(
        cifar.TRAIN_FILES + cifar.TEST_FILES)  # fmt: skip
