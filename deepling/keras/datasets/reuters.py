"""keras.datasets.reuters: 11,228 Reuters newswires in 46 topics, as word indices."""

from __future__ import annotations

from ...datasets import text as _text

LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply",
    "coffee", "sugar", "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas",
    "cpi", "money-fx", "interest", "gnp", "meal-feed", "alum", "oilseed", "gold", "tin",
    "strategic-metal", "livestock", "retail", "ipi", "iron-steel", "rubber", "heat", "jobs",
    "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog", "lead",
)  # fmt: skip


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2,
              seed=113, start_char=1, oov_char=2, index_from=3):  # fmt: skip
    """Loads the Reuters newswire topic data set: 11,228 newswires, each a list of word indices,
    labelled with one of 46 topics; the last `test_split` of the shuffled wires are the test set.

    Keras's `reuters.npz` is read from `$DEEPLING_HOME/datasets/reuters/`, checked against the
    sha256 Keras pins, and downloaded there when missing; offline, a `FileNotFoundError` names
    the file and folder. Arguments as `imdb.load_data`, plus `test_split`.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: x are 1-D object arrays of lists of ints, y
        int64 topic indices (names: `get_label_names()`).

    Example:
        >>> from deepling.keras.datasets import reuters
        >>> (x_train, y_train), (x_test, y_test) = reuters.load_data(num_words=10000)
        >>> len(x_train), len(x_test)
        (8982, 2246)
    """
    f = _text.load_npz(_text.keras_file("reuters", "reuters.npz", path))
    [(xs, labels)] = _text.shuffle_and_shift([(f["x"], f["y"])], seed, start_char, index_from)
    if maxlen:
        xs, labels = _text.drop_long(maxlen, xs, labels)
    xs = _text.limit_words(xs, num_words, skip_top, oov_char)
    n = int(len(xs) * (1 - test_split))
    return (_text.as_object_array(xs[:n]), labels[:n]), (_text.as_object_array(xs[n:]), labels[n:])


def get_word_index(path="reuters_word_index.json") -> dict:
    """{word: rank} of the Reuters words; add index_from (3) for load_data's indices."""
    return _text.read_word_index(_text.keras_file("reuters", "reuters_word_index.json", path))


def get_label_names() -> tuple:
    """The 46 topic names, by label index."""
    return LABEL_NAMES
