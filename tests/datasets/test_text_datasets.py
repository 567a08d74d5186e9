"""keras.datasets.imdb and reuters on small files written here, against Keras 3.15's loaders
on the same files (tests/reference/keras_datasets.py); the checksum and the offline error."""

import hashlib
import json
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from deepling.datasets import ChecksumError, DatasetNotFoundError
from deepling.datasets import text as text_files
from deepling.keras.datasets import imdb, reuters
from tests.reference import keras_datasets as ref

RECORDED = json.loads(Path(ref.__file__).with_suffix(".json").read_text())


def _offline(url, timeout=None):
    raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")


@pytest.fixture
def home(tmp_path, monkeypatch):
    """$DEEPLING_HOME holding the small files (their checksums pinned), and no network."""
    monkeypatch.setenv("DEEPLING_HOME", str(tmp_path))
    monkeypatch.setattr(urllib.request, "urlopen", _offline)
    made = tmp_path / "made"
    made.mkdir()
    for name, path in ref.write_files(made).items():
        folder = tmp_path / "datasets" / name.split("_")[0].split(".")[0]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(path.read_bytes())
        digest = hashlib.md5 if name.endswith(".json") else hashlib.sha256
        monkeypatch.setitem(text_files.FILES, name, digest(path.read_bytes()).hexdigest())
    return tmp_path


@pytest.mark.parametrize("module", [imdb, reuters], ids=["imdb", "reuters"])
@pytest.mark.parametrize("name", list(ref.OPTIONS))
def test_load_data_matches_keras(home, module, name):
    result = module.load_data(**ref.OPTIONS[name])
    want = RECORDED[f"{module.__name__.rsplit('.', 1)[1]}/{name}"]
    assert ref.as_lists(result) == want
    (x_train, y_train), _ = result
    assert x_train.dtype == object and x_train.ndim == 1
    assert y_train.dtype.kind == "i"


def test_word_indices_and_label_names(home):
    assert imdb.get_word_index() == {"the": 1, "영화": 2}
    assert reuters.get_word_index()["oil"] == 2
    assert len(reuters.get_label_names()) == 46 and reuters.get_label_names()[3] == "earn"


def test_offline_error_names_the_file_and_the_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("DEEPLING_HOME", str(tmp_path))
    monkeypatch.setattr(urllib.request, "urlopen", _offline)
    with pytest.raises(DatasetNotFoundError) as info:
        imdb.load_data()
    assert "imdb.npz" in str(info.value)
    assert str(tmp_path / "datasets" / "imdb") in str(info.value)
    assert isinstance(info.value, FileNotFoundError)


def test_a_file_with_another_checksum_is_refused(home, monkeypatch):
    monkeypatch.setitem(text_files.FILES, "reuters.npz", "0" * 64)
    with pytest.raises(ChecksumError, match="reuters.npz"):
        reuters.load_data()


def test_maxlen_that_keeps_nothing_raises(home):
    with pytest.raises(ValueError, match="no sequence was kept"):
        imdb.load_data(maxlen=1)


def test_object_arrays_are_read_without_running_code(tmp_path):
    class Evil:
        def __reduce__(self):
            return (print, ("ran",))

    bad = np.empty(1, dtype=object)
    bad[0] = Evil()
    np.savez(tmp_path / "bad.npz", x=bad)
    with pytest.raises(Exception, match="Refusing to load `builtins.print`"):
        text_files.load_npz(tmp_path / "bad.npz")
