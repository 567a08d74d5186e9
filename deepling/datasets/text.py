"""Word-index sequence data sets (Keras's IMDB and Reuters): their files, and the steps Keras
applies when loading them (shuffle, start and OOV characters, index offset, length and
vocabulary limits), written once below the faces."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from .fetch import DatasetNotFoundError, data_home, download, fetch, verify
from .npz import load_npz

KERAS_MIRROR = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
FILES = {  # Keras's file name -> the checksum Keras pins (sha256, or md5 for word indices)
    "imdb.npz": "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f",
    "imdb_word_index.json": "bfafd718b763782e994055a2d397834f",
    "reuters.npz": "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916",
    "reuters_word_index.json": "4d44cc38712099c9e383dc6e5f11a921",
}


def keras_file(folder: str, fname: str, path: str | None = None) -> Path:
    """Keras's file `fname` of data set `folder`, found as `path` (its name by default;
    relative to `$DEEPLING_HOME/datasets/<folder>/`, or absolute), checksum-checked, and
    downloaded from Keras's mirror when missing."""
    path = path or fname
    if path == fname:
        return fetch(folder, {fname: FILES[fname]}, (KERAS_MIRROR,),
                     f"It is Keras's own {fname}.")[fname]  # fmt: skip
    target = Path(path) if os.path.isabs(path) else data_home() / folder / path
    if target.is_file():
        verify(target, FILES[fname])
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        return download(KERAS_MIRROR + fname, target, FILES[fname])
    except OSError as e:
        raise DatasetNotFoundError(
            f"{folder}: missing {target} and the download of {KERAS_MIRROR + fname} failed "
            f"({type(e).__name__}: {e}). Put Keras's {fname} there."
        ) from e


def read_word_index(path) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def shuffle_and_shift(groups, seed, start_char, index_from) -> list:
    """Keras's first steps: shuffle each (xs, labels) group in turn with one
    RandomState(seed), then shift each index by index_from and put start_char in front."""
    rng = np.random.RandomState(seed)
    out = []
    for xs, labels in groups:
        order = np.arange(len(xs))
        rng.shuffle(order)
        xs, labels = xs[order], np.asarray(labels)[order]
        head = [] if start_char is None else [start_char]
        out.append(([head + [w + index_from for w in s] for s in xs], labels))
    return out


def drop_long(maxlen, xs, labels):
    """Keep the sequences shorter than maxlen (Keras's remove_long_seq)."""
    keep = [i for i, s in enumerate(xs) if len(s) < maxlen]
    return [xs[i] for i in keep], np.asarray(labels)[keep]


def limit_words(xs, num_words, skip_top, oov_char) -> list:
    """Indices outside [skip_top, num_words) become oov_char (or are dropped without one);
    num_words defaults to the largest index (so, as in Keras, that index itself is outside)."""
    if not num_words:
        num_words = max((max(s) for s in xs if s), default=0)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in s] for s in xs]
    return [[w for w in s if skip_top <= w < num_words] for s in xs]


def as_object_array(xs) -> np.ndarray:
    """A 1-D object array of lists, as Keras returns for sequences of different lengths."""
    out = np.empty(len(xs), dtype=object)
    out[:] = xs
    return out


__all__ = ["as_object_array", "drop_long", "keras_file", "limit_words", "load_npz",
           "read_word_index", "shuffle_and_shift"]  # fmt: skip
