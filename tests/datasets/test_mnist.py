"""keras.datasets.mnist / fashion_mnist over small IDX files the tests write: local files, the
.npz form, checksummed downloads through a fake `urlopen`, and the offline error. The network is
never touched: every test runs with `urllib.request.urlopen` replaced."""

import gzip
import hashlib
import http.client
import io
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from deepling.datasets import ChecksumError, DatasetNotFoundError, IDXFormatError, data_home
from deepling.datasets.mnist import FASHION_MNIST, MNIST, NPZ_SHA256
from deepling.keras.datasets import fashion_mnist, mnist

from .test_idx import idx_bytes

NAMES = list(MNIST.files)  # train images, train labels, test images, test labels
SHARED_MNIST = Path(__file__).resolve().parents[3] / "shared" / "data" / "mnist"  # ../shared
calls = []


def offline(url, timeout=None):
    calls.append(url)
    raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    """A fresh $DEEPLING_HOME, and no network."""
    monkeypatch.setenv("DEEPLING_HOME", str(tmp_path))
    monkeypatch.setattr(urllib.request, "urlopen", offline)
    calls.clear()
    return tmp_path


def small_split(seed):
    """Payloads (gzip bytes) of 5 train and 3 test images with labels, and the arrays."""
    rng = np.random.default_rng(seed)
    arrays = []
    for n in (5, 3):
        arrays += [rng.integers(0, 256, (n, 28, 28), np.uint8), rng.integers(0, 10, n, np.uint8)]
    return {name: gzip.compress(idx_bytes(a)) for name, a in zip(NAMES, arrays)}, arrays


def put(folder, payloads, names=NAMES):
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(payloads[name])


def check(result, arrays):
    (x_train, y_train), (x_test, y_test) = result
    for got, want in zip((x_train, y_train, x_test, y_test), arrays):
        assert got.dtype == np.uint8 and got.shape == want.shape
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize(
    ("module", "folder", "spec"),
    [(mnist, "mnist", MNIST), (fashion_mnist, "fashion-mnist", FASHION_MNIST)],
)
def test_local_idx_files(home, monkeypatch, module, folder, spec):
    payloads, arrays = small_split(0)
    pin(monkeypatch, spec, payloads)
    put(home / "datasets" / folder, payloads)
    check(module.load_data(), arrays)
    assert calls == []  # nothing downloaded


def test_offline_error_names_missing_files_folder_and_mirrors(home, monkeypatch):
    payloads, _ = small_split(1)
    pin(monkeypatch, MNIST, payloads)
    put(home / "datasets" / "mnist", payloads, NAMES[:1])  # one of four present
    with pytest.raises(FileNotFoundError) as info:
        mnist.load_data()
    assert isinstance(info.value, DatasetNotFoundError)
    msg = str(info.value)
    assert all(name in msg for name in NAMES[1:]) and NAMES[0] not in msg
    assert str(home / "datasets" / "mnist") in msg and "DEEPLING_HOME" in msg
    assert all(m in msg for m in MNIST.mirrors) and "name resolution" in msg
    assert calls == [m + NAMES[1] for m in MNIST.mirrors]  # each mirror tried, then gave up
    assert sorted(p.name for p in (home / "datasets" / "mnist").iterdir()) == NAMES[:1]


def test_offline_fashion_mnist_names_its_own_folder(home):
    with pytest.raises(DatasetNotFoundError, match="fashion-mnist") as info:
        fashion_mnist.load_data()
    assert str(home / "datasets" / "fashion-mnist") in str(info.value)
    assert FASHION_MNIST.mirrors[0] in str(info.value)


class FakeResponse(io.BytesIO):
    def __init__(self, data, fail_after=None, fail_with=None):
        super().__init__(data)
        self.headers = {"Content-Length": str(len(data))}
        self.fail_after, self.fail_with = fail_after, fail_with

    def read(self, n=-1):
        if self.fail_after is not None and self.tell() >= self.fail_after:
            raise self.fail_with
        return super().read(n)


def serve(monkeypatch, files, fail_after=None, fail_with=None):
    """Answer `urlopen(url)` with the payload named by the URL's last part."""

    def fake_urlopen(url, timeout=None):
        calls.append(url)
        return FakeResponse(files[url.rsplit("/", 1)[1]], fail_after, fail_with)

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)


def pin(monkeypatch, spec, payloads):
    """Make the expected sha256 of each file that of the test's payload."""
    for name, data in payloads.items():
        monkeypatch.setitem(spec.files, name, hashlib.sha256(data).hexdigest())


def test_download_is_verified_and_renamed_into_place(home, monkeypatch, capsys):
    payloads, arrays = small_split(2)
    pin(monkeypatch, MNIST, payloads)
    serve(monkeypatch, payloads)
    check(mnist.load_data(), arrays)
    folder = home / "datasets" / "mnist"
    assert sorted(p.name for p in folder.iterdir()) == sorted(NAMES)  # no temporary left
    assert all((folder / n).read_bytes() == payloads[n] for n in NAMES)
    assert calls == [MNIST.mirrors[0] + n for n in NAMES]
    assert "train-images-idx3-ubyte.gz" in capsys.readouterr().err  # tqdm's bar, on stderr
    check(mnist.load_data(), arrays)  # second call: read from the folder, no download
    assert len(calls) == 4


def test_next_mirror_is_tried_after_a_network_error(home, monkeypatch):
    payloads, arrays = small_split(3)
    pin(monkeypatch, FASHION_MNIST, payloads)

    def first_down(url, timeout=None):
        calls.append(url)
        if url.startswith(FASHION_MNIST.mirrors[0]):
            raise urllib.error.HTTPError(url, 503, "Service Unavailable", {}, None)
        return FakeResponse(payloads[url.rsplit("/", 1)[1]])

    monkeypatch.setattr(urllib.request, "urlopen", first_down)
    check(fashion_mnist.load_data(), arrays)
    assert calls[:2] == [FASHION_MNIST.mirrors[0] + NAMES[0], FASHION_MNIST.mirrors[1] + NAMES[0]]


def test_wrong_checksum_is_rejected_and_not_kept(home, monkeypatch):
    payloads, _ = small_split(4)
    serve(monkeypatch, payloads)  # the real MNIST sha256 values stay expected
    with pytest.raises(ChecksumError) as info:
        mnist.load_data()
    msg = str(info.value)
    got = hashlib.sha256(payloads[NAMES[0]]).hexdigest()
    assert NAMES[0] in msg and got in msg and MNIST.files[NAMES[0]] in msg
    assert list((home / "datasets" / "mnist").iterdir()) == []  # neither the file nor a temp
    assert len(calls) == len(MNIST.mirrors)  # every mirror was asked before giving up


@pytest.mark.parametrize(
    "error",
    [ConnectionResetError("connection reset by peer"), http.client.IncompleteRead(b"", 900)],
)
def test_interrupted_download_leaves_no_partial_file(home, monkeypatch, error):
    payloads, _ = small_split(5)
    pin(monkeypatch, MNIST, payloads)
    serve(monkeypatch, payloads, fail_after=100, fail_with=error)
    with pytest.raises(DatasetNotFoundError, match=type(error).__name__):
        mnist.load_data()
    assert list((home / "datasets" / "mnist").iterdir()) == []


def test_keras_npz_is_read_when_the_idx_files_are_absent(home, tmp_path_factory, monkeypatch):
    _, arrays = small_split(6)
    keys = ("x_train", "y_train", "x_test", "y_test")
    folder = home / "datasets" / "mnist"
    folder.mkdir(parents=True)
    np.savez(folder / "mnist.npz", **dict(zip(keys, arrays)))
    monkeypatch.setitem(NPZ_SHA256, "mnist", _sha256(folder / "mnist.npz"))
    check(mnist.load_data(), arrays)
    _, other = small_split(8)
    elsewhere = tmp_path_factory.mktemp("keras") / "my_mnist.npz"  # Keras accepts absolute paths
    np.savez(elsewhere, **dict(zip(keys, other)))
    monkeypatch.setitem(NPZ_SHA256, "mnist", _sha256(elsewhere))
    check(mnist.load_data(path=str(elsewhere)), other)
    assert calls == []


def _sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_a_wrong_npz_is_refused_naming_the_path_and_both_checksums(home):
    """Keras's mnist.load_data pins mnist.npz's sha256; another file must not pass for it."""
    _, arrays = small_split(6)
    path = home / "datasets" / "mnist" / "mnist.npz"
    path.parent.mkdir(parents=True)
    np.savez(path, **dict(zip(("x_train", "y_train", "x_test", "y_test"), arrays)))
    assert NPZ_SHA256["mnist"].startswith("731c5ac602752760")  # Keras's published value
    with pytest.raises(ChecksumError) as info:
        mnist.load_data()
    message = str(info.value)
    assert str(path) in message and _sha256(path) in message and NPZ_SHA256["mnist"] in message
    assert calls == []  # refused, not silently replaced by a download


def test_wrong_local_file_is_rejected_by_its_checksum(home):
    payloads, _ = small_split(2)  # the real MNIST sha256 values stay expected
    put(home / "datasets" / "mnist", payloads)
    with pytest.raises(
        ChecksumError, match=r"train-images-idx3-ubyte\.gz has sha256 .* expected 440f"
    ):
        mnist.load_data()


def test_damaged_local_file_is_reported_by_name(home, monkeypatch):
    payloads, _ = small_split(7)
    payloads[NAMES[1]] = gzip.compress(idx_bytes(np.zeros(4, np.uint8)))  # 4 labels, 5 images
    pin(monkeypatch, MNIST, payloads)
    put(home / "datasets" / "mnist", payloads)
    with pytest.raises(
        IDXFormatError, match=r"train-labels-idx1-ubyte\.gz: expected 5 uint8 labels"
    ):
        mnist.load_data()
    payloads[NAMES[1]] = payloads[NAMES[1]][:20]
    pin(monkeypatch, MNIST, payloads)
    put(home / "datasets" / "mnist", payloads)
    with pytest.raises(IDXFormatError, match=r"train-labels-idx1-ubyte\.gz: corrupt or truncated"):
        mnist.load_data()


def test_default_home_is_under_the_user_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DEEPLING_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert data_home() == tmp_path / ".deepling" / "datasets"


@pytest.mark.skipif(not SHARED_MNIST.is_dir(), reason="needs shared/data/mnist")
def test_real_mnist_files(home):
    shutil.copytree(SHARED_MNIST, home / "datasets" / "mnist")
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == y_train.dtype == np.uint8
    np.testing.assert_array_equal(
        np.bincount(y_train), [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    )
    assert np.bincount(y_test, minlength=10).sum() == 10000 and y_test[:3].tolist() == [7, 2, 1]
    assert x_train.mean() / 255 == pytest.approx(0.1307, abs=1e-4)


def test_imports_stay_lazy():
    code = (
        "import sys, deepling, deepling.keras; "
        "assert 'deepling.datasets' not in sys.modules and 'deepling.keras.datasets' not in sys.modules; "
        "import deepling.keras.datasets.mnist; "
        "assert not {'urllib.request', 'tqdm'} & set(sys.modules); "
        "from deepling import keras; print(keras.datasets.fashion_mnist.__name__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "deepling.keras.datasets.fashion_mnist"
