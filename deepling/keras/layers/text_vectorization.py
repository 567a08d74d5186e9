"""TextVectorization: strings -> token indices (or multi-hot, count, tf-idf rows), as Keras 3.

Steps, as Keras's: standardize ('lower_and_strip_punctuation': ASCII letters lowered, as
tf.strings.lower does, and ASCII punctuation removed; Hangul and other scripts pass unchanged),
split (on runs of ASCII whitespace, or into characters), n-grams joined by spaces, then a
StringLookup whose index 0 is the mask token "" and 1 is "[UNK]".
"""

from __future__ import annotations

import re

import numpy as np

from ...tensor import Tensor
from .base import Layer
from .lookup import StringLookup, _array, batches

_PUNCTUATION = re.compile(r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']')
_WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")
_ASCII_LOWER = str.maketrans({c: c.lower() for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"})
_STANDARDIZE = (None, "lower_and_strip_punctuation", "lower", "strip_punctuation")


class TextVectorization(Layer):
    """Turns a batch of strings into token indices or token-count rows.

    Args:
        max_tokens: the vocabulary's size at most, "" and "[UNK]" included.
        standardize: 'lower_and_strip_punctuation' (default), 'lower', 'strip_punctuation',
            None, or a function on a NumPy array of strings.
        split: 'whitespace' (default), 'character', None, or a function str -> list of tokens.
        ngrams: None, n (1..n-grams), or a tuple of n-gram sizes.
        output_mode: 'int' (default), 'multi_hot', 'count' or 'tf_idf'.
        output_sequence_length: 'int' rows padded with 0 or cut to this length.
        pad_to_max_tokens: non-'int' rows are max_tokens wide.
        vocabulary, idf_weights: given instead of adapt().

    Example:
        >>> from deepling.keras.layers import TextVectorization
        >>> layer = TextVectorization(output_sequence_length=4)
        >>> layer.adapt(["나는 학교에 간다", "나는 집에 간다"])
        >>> layer(["나는 집에 갔다"]).tolist()
        [[2, 5, 1, 0]]
    """

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation",
                 split="whitespace", ngrams=None, output_mode="int", output_sequence_length=None,
                 pad_to_max_tokens=False, vocabulary=None, idf_weights=None, sparse=False,
                 ragged=False, encoding="utf-8", name=None, **kwargs):  # fmt: skip
        super().__init__(name=name, **kwargs)
        if not (standardize in _STANDARDIZE or callable(standardize)):
            raise ValueError(
                f"Invalid value for argument `standardize`: {standardize!r}. Expected one of "
                f"{_STANDARDIZE} or a callable."
            )
        if not (split in (None, "whitespace", "character") or callable(split)):
            raise ValueError(
                f"Invalid value for argument `split`: {split!r}. Expected None, 'whitespace', "
                "'character' or a callable."
            )
        if not (ngrams is None or isinstance(ngrams, int)
                or isinstance(ngrams, tuple) and all(isinstance(n, int) for n in ngrams)):  # fmt: skip
            raise ValueError(
                f"`ngrams` must be None, an integer, or a tuple of integers. Received: ngrams={ngrams}"
            )
        if output_sequence_length is not None and output_mode != "int":
            raise ValueError(
                "`output_sequence_length` must not be set if `output_mode` is not 'int'. "
                f"Received output_sequence_length={output_sequence_length}."
            )
        if ragged:
            raise NotImplementedError("TextVectorization: ragged outputs")
        self._standardize, self._split, self._ngrams_arg = standardize, split, ngrams
        self._ngrams = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams
        self._output_mode, self._output_sequence_length = output_mode, output_sequence_length
        self._encoding = encoding
        self._lookup_layer = StringLookup(max_tokens=max_tokens, vocabulary=vocabulary,
                                          idf_weights=idf_weights, mask_token="",
                                          output_mode=output_mode, sparse=sparse,
                                          pad_to_max_tokens=pad_to_max_tokens)  # fmt: skip
        self.built = True

    # --- text -> tokens ---
    def _standardized(self, texts: np.ndarray) -> np.ndarray:
        if callable(self._standardize):
            return np.asarray(self._standardize(texts))
        out = texts
        if self._standardize in ("lower", "lower_and_strip_punctuation"):
            out = np.vectorize(lambda s: s.translate(_ASCII_LOWER), otypes=[object])(out)
        if self._standardize in ("strip_punctuation", "lower_and_strip_punctuation"):
            out = np.vectorize(lambda s: _PUNCTUATION.sub("", s), otypes=[object])(out)
        return out

    def _tokens(self, text: str) -> list:
        if self._split is None:
            tokens = [text]
        elif self._split == "whitespace":
            tokens = [t for t in _WHITESPACE.split(text) if t]
        elif self._split == "character":
            tokens = list(text)
        else:
            tokens = list(self._split(text))
        if self._ngrams is None:
            return tokens
        grams = []
        for n in self._ngrams:
            grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
        return grams

    def _rows(self, inputs) -> list:
        """One list of tokens per string of the batch."""
        texts = _array(inputs)
        if texts.dtype.kind == "S":
            texts = np.char.decode(texts, self._encoding)
        if texts.ndim == 2 and self._split is not None:
            if texts.shape[-1] != 1:
                raise ValueError(
                    "When using `TextVectorization` to tokenize strings, the input rank must "
                    "be 1 or the last shape dimension must be 1. Received: "
                    f"inputs.shape={texts.shape} with rank={texts.ndim}"
                )
            texts = texts[:, 0]
        texts = np.atleast_1d(self._standardized(np.atleast_1d(texts)))
        return [self._tokens(str(t)) for t in texts.tolist()]

    # --- vocabulary ---
    def adapt(self, data, batch_size=None, steps=None) -> None:
        """Learn the vocabulary (and idf weights) from texts: a list or array of strings, or
        an iterable of batches of them."""
        rows = []
        for i, batch in enumerate(batches(data)):
            if steps is not None and i >= steps:
                break
            rows.extend(self._rows(batch))
        self._lookup_layer.fit_documents(rows)

    def get_vocabulary(self, include_special_tokens=True) -> list:
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self) -> int:
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None) -> None:
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights)

    # --- calling ---
    def call(self, inputs):
        rows = self._rows(inputs)
        length = self._output_sequence_length
        if length is None:
            length = max((len(r) for r in rows), default=0)
        if self._output_mode == "int":
            out = np.zeros((len(rows), length), np.int64)
            for i, row in enumerate(rows):
                ids = self._lookup_layer._lookup(np.asarray(row[:length], dtype=object))
                out[i, : len(ids)] = ids
            return Tensor._wrap(out)
        width = max((len(r) for r in rows), default=0)
        padded = np.full((len(rows), width), "", dtype=object)  # "" is the mask: skipped
        for i, row in enumerate(rows):
            padded[i, : len(row)] = row
        return self._lookup_layer.call(padded)

    def compute_output_shape(self, input_shape):
        if self._output_mode == "int":
            return (input_shape[0], self._output_sequence_length)
        return (input_shape[0], self._lookup_layer.compute_output_shape((None, 1))[-1])

    def get_config(self):
        return {**super().get_config(), "max_tokens": self._lookup_layer.max_tokens,
                "standardize": self._standardize if isinstance(self._standardize, str) or self._standardize is None else None,
                "split": self._split if isinstance(self._split, str) or self._split is None else None,
                "ngrams": self._ngrams_arg, "output_mode": self._output_mode,
                "output_sequence_length": self._output_sequence_length,
                "pad_to_max_tokens": self._lookup_layer.pad_to_max_tokens,
                "vocabulary": self.get_vocabulary(),
                "idf_weights": self._lookup_layer.get_config()["idf_weights"]}  # fmt: skip
