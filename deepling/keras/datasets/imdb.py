"""keras.datasets.imdb: 50,000 movie reviews labelled positive or negative, as word indices."""

from __future__ import annotations

import numpy as np

from ...datasets import text as _text


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1,
              oov_char=2, index_from=3, **kwargs):  # fmt: skip
    """Loads the IMDB review sentiment data set: 25,000 training and 25,000 test reviews, each a
    list of word indices (a word's index is its frequency rank + index_from), labels 0
    (negative) or 1 (positive).

    Keras's `imdb.npz` is read from `$DEEPLING_HOME/datasets/imdb/` (default
    `~/.deepling/datasets/imdb/`), checked against the sha256 Keras pins, and downloaded there
    from Keras's mirror when missing; offline, a `FileNotFoundError` names the file and folder.

    Args:
        path: the file's name in that folder (or an absolute path).
        num_words: keep the words of rank below num_words; others become `oov_char`.
        skip_top: the most frequent words (ranks below skip_top) become `oov_char` too.
        maxlen: drop the reviews of maxlen words or more.
        seed: the shuffle's seed (train and test are shuffled in turn, as Keras does).
        start_char: the index put at the start of every review (None: none).
        oov_char: the index of dropped words (None: they are removed).
        index_from: the offset added to every word index.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: x are 1-D object arrays of lists of ints, y
        int64 arrays of 0 and 1.

    Example:
        >>> from deepling.keras.datasets import imdb
        >>> (x_train, y_train), _ = imdb.load_data(num_words=10000)
        >>> x_train[0][:3], y_train.shape
        ([1, 14, 22], (25000,))
    """
    if kwargs:
        raise TypeError(f"Unrecognized keyword arguments: {sorted(kwargs)}")
    f = _text.load_npz(_text.keras_file("imdb", "imdb.npz", path))
    groups = [(f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])]
    (x_train, y_train), (x_test, y_test) = _text.shuffle_and_shift(
        groups, seed, start_char, index_from
    )
    if maxlen:
        x_train, y_train = _text.drop_long(maxlen, x_train, y_train)
        x_test, y_test = _text.drop_long(maxlen, x_test, y_test)
        if not x_train or not x_test:
            raise ValueError(
                f"After filtering for sequences shorter than maxlen={maxlen}, no sequence was "
                "kept. Increase maxlen."
            )
    xs = _text.limit_words(x_train + x_test, num_words, skip_top, oov_char)
    n = len(x_train)
    labels = np.concatenate([y_train, y_test])
    return (_text.as_object_array(xs[:n]), labels[:n]), (_text.as_object_array(xs[n:]), labels[n:])


def get_word_index(path="imdb_word_index.json") -> dict:
    """{word: rank} of the IMDB words (rank 1 is the most frequent); add index_from (3) to get
    the indices in load_data's sequences. Read (or downloaded) as load_data's file."""
    return _text.read_word_index(_text.keras_file("imdb", "imdb_word_index.json", path))
