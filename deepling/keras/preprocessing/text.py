"""keras.preprocessing.text: tf.keras 2's Tokenizer, text_to_word_sequence, one_hot and
hashing_trick. Words are Unicode: lower-casing, filtering and splitting work for any script
(Korean sentences split on spaces, as Keras splits them)."""

from __future__ import annotations

import collections
import hashlib
import json
import warnings

import numpy as np

FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'


def text_to_word_sequence(input_text, filters=FILTERS, lower=True, split=" ") -> list:
    """The words of `input_text`: lower-cased, each character of `filters` made a separator,
    split on `split`, empty pieces dropped.

    Example:
        >>> text_to_word_sequence("Hello, World! 안녕 세상")
        ['hello', 'world', '안녕', '세상']
    """
    if lower:
        input_text = input_text.lower()
    input_text = input_text.translate(str.maketrans({c: split for c in filters}))
    return [w for w in input_text.split(split) if w]


def hashing_trick(text, n, hash_function=None, filters=FILTERS, lower=True, split=" ") -> list:
    """Each word's index in [1, n): hash(word) % (n - 1) + 1. `hash_function` is 'md5' (stable
    across runs), a function, or None (Python's `hash`, which changes between runs)."""
    if hash_function is None:
        hash_function = hash
    elif hash_function == "md5":

        def hash_function(w):
            return int(hashlib.md5(w.encode()).hexdigest(), 16)

    words = text_to_word_sequence(text, filters=filters, lower=lower, split=split)
    return [hash_function(w) % (n - 1) + 1 for w in words]


def one_hot(input_text, n, filters=FILTERS, lower=True, split=" ", analyzer=None) -> list:
    """hashing_trick with Python's hash (not a one-hot encoding, despite the name)."""
    if analyzer is not None:
        return [hash(w) % (n - 1) + 1 for w in analyzer(input_text)]
    return hashing_trick(input_text, n, hash, filters, lower, split)


class Tokenizer:
    """Turns texts into lists of word indices (or into matrices), as tf.keras 2's Tokenizer.

    `fit_on_texts` counts words; indices start at 1 (0 is left for padding) in order of
    decreasing count (ties: first seen first), after `oov_token` (index 1) when one is given.
    `texts_to_sequences` keeps only words with index < num_words (others become the OOV index,
    or are dropped without an oov_token).

    Args:
        num_words: keep the num_words - 1 most frequent words when converting (word_index
            still holds every word).
        filters: characters removed from the texts.
        lower: lower-case the texts.
        split: the word separator.
        char_level: every character is a token.
        oov_token: a token for words outside the vocabulary.
        analyzer: a function text -> list of tokens, instead of filters/lower/split.

    Example:
        >>> t = Tokenizer(oov_token="<OOV>")
        >>> t.fit_on_texts(["나는 학교에 간다", "나는 집에 간다"])
        >>> t.word_index["나는"], t.texts_to_sequences(["나는 회사에 간다"])
        (2, [[2, 1, 3]])
    """

    def __init__(self, num_words=None, filters=FILTERS, lower=True, split=" ", char_level=False,
                 oov_token=None, analyzer=None, **kwargs):  # fmt: skip
        if "nb_words" in kwargs:
            warnings.warn(
                "The `nb_words` argument in `Tokenizer` has been renamed `num_words`.",
                stacklevel=2,
            )
            num_words = kwargs.pop("nb_words")
        document_count = kwargs.pop("document_count", 0)
        if kwargs:
            raise TypeError("Unrecognized keyword arguments: " + str(kwargs))
        self.num_words, self.filters, self.lower, self.split = num_words, filters, lower, split
        self.char_level, self.oov_token, self.analyzer = char_level, oov_token, analyzer
        self.document_count = document_count
        self.word_counts = collections.OrderedDict()
        self.word_docs = collections.defaultdict(int)
        self.index_docs = collections.defaultdict(int)
        self.word_index, self.index_word = {}, {}

    def _tokens(self, text) -> list:
        if self.char_level or isinstance(text, list):
            if self.lower:
                text = [t.lower() for t in text] if isinstance(text, list) else text.lower()
            return list(text)
        if self.analyzer is not None:
            return self.analyzer(text)
        return text_to_word_sequence(text, self.filters, self.lower, self.split)

    def fit_on_texts(self, texts) -> None:
        """Count the words of `texts` (strings, or lists of tokens) and rebuild word_index."""
        for text in texts:
            self.document_count += 1
            tokens = self._tokens(text)
            for w in tokens:
                self.word_counts[w] = self.word_counts.get(w, 0) + 1
            for w in set(tokens):
                self.word_docs[w] += 1
        ranked = sorted(self.word_counts.items(), key=lambda wc: wc[1], reverse=True)  # stable
        vocabulary = ([] if self.oov_token is None else [self.oov_token]) + [w for w, _ in ranked]
        self.word_index = {w: i for i, w in enumerate(vocabulary, start=1)}
        self.index_word = {i: w for w, i in self.word_index.items()}
        for w, count in list(self.word_docs.items()):
            self.index_docs[self.word_index[w]] = count

    def fit_on_sequences(self, sequences) -> None:
        """Count documents per index from lists of indices (for sequences_to_matrix's tfidf)."""
        self.document_count += len(sequences)
        for seq in sequences:
            for i in set(seq):
                self.index_docs[i] += 1

    def _limited(self, i):
        """An index kept by num_words, else the OOV index (or None: dropped)."""
        if self.num_words and i >= self.num_words:
            return self.word_index.get(self.oov_token)
        return i

    def texts_to_sequences(self, texts) -> list:
        return list(self.texts_to_sequences_generator(texts))

    def texts_to_sequences_generator(self, texts):
        oov = self.word_index.get(self.oov_token)
        for text in texts:
            out = []
            for w in self._tokens(text):
                i = self.word_index.get(w)
                i = oov if i is None else self._limited(i)
                if i is not None:
                    out.append(i)
            yield out

    def sequences_to_texts(self, sequences) -> list:
        return list(self.sequences_to_texts_generator(sequences))

    def sequences_to_texts_generator(self, sequences):
        oov = self.word_index.get(self.oov_token)
        for seq in sequences:
            words = []
            for num in seq:
                i = self._limited(num) if num in self.index_word else oov
                if i is not None:
                    words.append(self.index_word[i])
            yield " ".join(words)

    def texts_to_matrix(self, texts, mode="binary") -> np.ndarray:
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences, mode="binary") -> np.ndarray:
        """(len(sequences), num_words) float64 rows: 'binary' (1 where an index occurs),
        'count', 'freq' (count / length) or 'tfidf' ((1 + log count) * log(1 + documents /
        (1 + documents with the index)))."""
        if mode not in ("binary", "count", "freq", "tfidf"):
            raise ValueError("Unknown vectorization mode:", mode)
        width = self.num_words
        if not width:
            if not self.word_index:
                raise ValueError(
                    "Specify a dimension (`num_words` argument), or fit on some text data first."
                )
            width = len(self.word_index) + 1
        if mode == "tfidf" and not self.document_count:
            raise ValueError("Fit the Tokenizer on some data before using tfidf mode.")
        out = np.zeros((len(sequences), width))
        for row, seq in enumerate(sequences):
            idx = np.asarray([j for j in seq if j < width], dtype=np.int64)
            if not len(seq) or not idx.size:
                continue
            cols, counts = np.unique(idx, return_counts=True)
            if mode == "count":
                out[row, cols] = counts
            elif mode == "freq":
                out[row, cols] = counts / len(seq)
            elif mode == "binary":
                out[row, cols] = 1
            else:
                docs = np.array([self.index_docs.get(int(j), 0) for j in cols])
                out[row, cols] = (1 + np.log(counts)) * np.log(1 + self.document_count / (1 + docs))
        return out

    def get_config(self) -> dict:
        config = {k: getattr(self, k) for k in ("num_words", "filters", "lower", "split",
                                                "char_level", "oov_token", "document_count")}  # fmt: skip
        for name in ("word_counts", "word_docs", "index_docs", "index_word", "word_index"):
            config[name] = json.dumps(getattr(self, name))
        return config

    def to_json(self, **kwargs) -> str:
        return json.dumps(
            {"class_name": type(self).__name__, "config": self.get_config()}, **kwargs
        )


def tokenizer_from_json(json_string) -> Tokenizer:
    """A Tokenizer from `Tokenizer.to_json()`'s text."""
    config = dict(json.loads(json_string).get("config"))
    loaded = {name: json.loads(config.pop(name)) for name in
              ("word_counts", "word_docs", "index_docs", "index_word", "word_index")}  # fmt: skip
    tokenizer = Tokenizer(**config)
    tokenizer.word_counts = collections.OrderedDict(loaded["word_counts"])
    tokenizer.word_docs = collections.defaultdict(int, loaded["word_docs"])
    tokenizer.index_docs = collections.defaultdict(
        int, {int(k): v for k, v in loaded["index_docs"].items()}
    )
    tokenizer.index_word = {int(k): v for k, v in loaded["index_word"].items()}
    tokenizer.word_index = loaded["word_index"]
    return tokenizer
