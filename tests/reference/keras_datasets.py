"""Recorded outputs of Keras 3.15's imdb and reuters loaders on small files made here, for
tests/datasets/test_text_datasets.py (Keras's get_file is pointed at the files):

    KERAS_BACKEND=torch PYTHONPATH=. /tmp/k/bin/python tests/reference/keras_datasets.py
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np

OPTIONS = {  # name: load_data keyword arguments
    "default": {},
    "num_words_skip_top": {"num_words": 9, "skip_top": 4},
    "maxlen_seed": {"maxlen": 6, "seed": 7},
    "no_oov_no_start": {"num_words": 8, "oov_char": None, "start_char": None},
    "index_from_0": {"index_from": 0, "start_char": None},
}


def sequences(count, seed):
    """`count` lists of word ranks (1..12) of lengths 1..8, fixed by `seed`."""
    rng = np.random.default_rng(seed)
    out = np.empty(count, dtype=object)
    out[:] = [rng.integers(1, 13, rng.integers(1, 9)).tolist() for _ in range(count)]
    return out


def write_files(folder: Path) -> dict:
    """imdb.npz, reuters.npz and the two word indices in `folder`; returns their paths."""
    paths = {"imdb.npz": folder / "imdb.npz", "reuters.npz": folder / "reuters.npz"}
    np.savez(paths["imdb.npz"], x_train=sequences(10, 1), y_train=np.arange(10) % 2,
             x_test=sequences(6, 2), y_test=np.arange(6) % 2)  # fmt: skip
    np.savez(paths["reuters.npz"], x=sequences(15, 3), y=np.arange(15) % 4)
    for name, words in (("imdb_word_index.json", {"the": 1, "영화": 2}),
                        ("reuters_word_index.json", {"said": 1, "oil": 2})):  # fmt: skip
        paths[name] = folder / name
        paths[name].write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")
    return paths


def as_lists(result):
    (x_train, y_train), (x_test, y_test) = result
    return [[list(map(int, s)) for s in x_train], np.asarray(y_train).tolist(),
            [list(map(int, s)) for s in x_test], np.asarray(y_test).tolist()]  # fmt: skip


def main() -> None:
    from keras.src.datasets import imdb, reuters

    with tempfile.TemporaryDirectory() as tmp:
        paths = write_files(Path(tmp))
        for module in (imdb, reuters):
            module.get_file = lambda fname=None, origin=None, file_hash=None, **k: str(
                paths[Path(origin).name]
            )
        recorded = {f"{m.__name__.rsplit('.', 1)[1]}/{name}": as_lists(m.load_data(**kw))
                    for m in (imdb, reuters) for name, kw in OPTIONS.items()}  # fmt: skip
    path = Path(__file__).with_suffix(".json")
    path.write_text(json.dumps(recorded))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
