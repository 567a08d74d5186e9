"""StringLookup and IntegerLookup: a vocabulary learned by `adapt` (or given), mapping tokens to
indices (or back, with invert=True), as Keras 3's index lookup layers.

Indices, for output_mode='int': the mask token (when given) is 0, then `num_oov_indices` OOV
indices, then the vocabulary by decreasing count (ties: the larger token first, Keras's order).
For the other modes the mask token takes no index and is skipped.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from ...tensor import Tensor
from .base import Layer

_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


def _array(data):
    if isinstance(data, Tensor):
        return data._data
    if hasattr(data, "numpy"):
        data = data.numpy()
    return np.asarray(data)


def batches(data):
    """The batches of `data` for adapt(): an array-like is one batch, other iterables are
    iterated (a generator, a dataset of (x, y) pairs keeps x)."""
    if isinstance(data, (list, tuple, np.ndarray, Tensor, str)) or hasattr(data, "__array__"):
        yield _array(data)
        return
    for batch in data:
        if isinstance(batch, tuple):
            batch = batch[0]
        yield _array(batch)


def encode(indices, mode, depth, idf=None, dtype=np.float32) -> np.ndarray:
    """(…, steps) indices as (…, depth) rows: 'one_hot' (last dim one index), 'multi_hot',
    'count' or 'tf_idf' (counts times idf); indices outside [0, depth) are skipped."""
    indices = np.asarray(indices)
    if mode == "one_hot":
        if indices.ndim and indices.shape[-1] == 1:
            indices = indices[..., 0]
        indices = indices[..., None]
    rows = indices.reshape(-1, indices.shape[-1]) if indices.ndim else indices.reshape(1, 1)
    out = np.zeros((rows.shape[0], depth), dtype)
    r, c = np.nonzero((rows >= 0) & (rows < depth))
    np.add.at(out, (r, rows[r, c]), 1)
    if mode in ("one_hot", "multi_hot"):
        out = np.minimum(out, 1)
    elif mode == "tf_idf":
        out = out * np.asarray(idf, dtype)
    return out.reshape(*indices.shape[:-1], depth)


class IndexLookup(Layer):
    """What StringLookup and IntegerLookup share."""

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=None,
                 vocabulary=None, idf_weights=None, invert=False, output_mode="int",
                 pad_to_max_tokens=False, sparse=False, **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        if output_mode == "tf-idf":
            output_mode = "tf_idf"
        if output_mode not in _MODES:
            raise ValueError(
                "Invalid value for argument `output_mode`. Expected one of `'int'`, "
                "`'one_hot'`, `'multi_hot'`, `'count'` or `'tf_idf'`. "
                f"Received: output_mode={output_mode}"
            )
        if num_oov_indices < 0:
            raise ValueError(
                "`num_oov_indices` must be greater than or equal to 0. "
                f"Received: num_oov_indices={num_oov_indices}"
            )
        if invert and output_mode != "int":
            raise ValueError(
                "`output_mode` must be `'int'` when `invert` is true. "
                f"Received: output_mode={output_mode}"
            )
        if sparse:
            raise NotImplementedError(f"{type(self).__name__}: sparse outputs")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(
                "`idf_weights` should only be set if `output_mode` is `'tf_idf'`. "
                f"Received: idf_weights={idf_weights} and output_mode={output_mode}"
            )
        self.max_tokens, self.num_oov_indices = max_tokens, num_oov_indices
        self.mask_token, self.oov_token, self.invert = mask_token, oov_token, invert
        self.output_mode, self.pad_to_max_tokens = output_mode, pad_to_max_tokens
        self._tokens, self._idf = [], None
        self._index = {}
        self.built = True
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    # --- the vocabulary ---
    def _oov_start(self) -> int:
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start(self) -> int:
        return self._oov_start() + self.num_oov_indices

    def get_vocabulary(self, include_special_tokens=True) -> list:
        """The tokens by index: the special tokens first (mask, OOV), then the learned ones."""
        if not include_special_tokens:
            return list(self._tokens)
        special = [self.mask_token] if self._oov_start() else []
        return special + [self.oov_token] * self.num_oov_indices + list(self._tokens)

    def vocabulary_size(self) -> int:
        return self._token_start() + len(self._tokens)

    def set_vocabulary(self, vocabulary, idf_weights=None) -> None:
        """Use `vocabulary` (a list of tokens, or a path to a file with one per line)."""
        if isinstance(vocabulary, str):
            with open(vocabulary, encoding="utf-8") as f:
                vocabulary = [line.rstrip("\n") for line in f]
        tokens = [self._token(t) for t in _array(vocabulary).tolist()]
        special = {self.mask_token, self.oov_token} - {None}
        head = [t for t in tokens[: self._token_start()] if t in special]
        tokens = tokens[len(head) :]
        if len(set(tokens)) != len(tokens):
            repeated = sorted({t for t in tokens if tokens.count(t) > 1}, key=str)
            raise ValueError(f"The passed vocabulary has at least one repeated term: {repeated}")
        if special & set(tokens):
            raise ValueError(
                f"Found reserved tokens {sorted(special & set(tokens), key=str)} in the passed "
                "vocabulary past the special positions (mask token, OOV tokens)."
            )
        if self.output_mode == "tf_idf":
            if idf_weights is None:
                raise ValueError("`idf_weights` must be set if output_mode is 'tf_idf'.")
            idf = np.asarray(idf_weights, np.float32)
            start = self._token_start()
            self._idf = np.concatenate([np.full(start, idf.mean(), np.float32), idf])[
                : start + len(tokens)
            ]
        self._learned(tokens)

    def _learned(self, tokens) -> None:
        self._tokens = list(tokens)
        start = self._token_start()
        self._index = {t: start + i for i, t in enumerate(self._tokens)}

    def adapt(self, data, steps=None) -> None:
        """Learn the vocabulary from `data` (tokens, or an iterable of batches of them)."""
        rows = []
        for i, batch in enumerate(batches(data)):
            if steps is not None and i >= steps:
                break
            rows.extend(self._adapt_rows(batch))
        self.fit_documents(rows)

    def fit_documents(self, rows) -> None:
        """Learn the vocabulary from documents, each a list of tokens (one row of a batch)."""
        counts, documents = Counter(), Counter()
        for row in rows:
            counts.update(row)
            documents.update(set(row))
        for special in (self.mask_token, self.oov_token):
            counts.pop(special, None)
        order = sorted(counts, key=lambda t: (counts[t], t), reverse=True)
        if self.max_tokens:
            order = order[: max(0, self.max_tokens - self._token_start())]
        self._learned(order)
        if self.output_mode == "tf_idf":
            doc = np.array([documents[t] for t in order], np.float64)
            idf = np.log(1 + len(rows) / (1 + doc)).astype(np.float32)
            head = np.full(self._token_start(), idf.mean() if idf.size else 0, np.float32)
            self._idf = np.concatenate([head, idf])

    def _adapt_rows(self, batch) -> list:
        array = np.asarray(batch)
        array = array.reshape(1, -1) if array.ndim < 2 else array.reshape(array.shape[0], -1)
        return [[self._token(t) for t in row] for row in array.tolist()]

    # --- lookups ---
    def _token(self, t):
        return t

    def _lookup(self, array) -> np.ndarray:
        """Indices of the tokens of `array` (OOV and mask handled), int64."""
        flat = [self._token(t) for t in array.reshape(-1).tolist()]
        default = self._oov_start() if self.num_oov_indices == 1 else -1
        out = np.fromiter((self._index.get(t, default) for t in flat), np.int64, len(flat))
        if self.num_oov_indices > 1:
            missing = out == -1
            if missing.any():
                out[missing] = self._oov_start() + self._oov_buckets(
                    np.asarray(flat, object)[missing]
                )
        elif self.num_oov_indices == 0 and (out == -1).any():
            bad = [t for t, i in zip(flat, out) if i == -1][0]
            raise ValueError(
                f"Layer '{self.name}' (num_oov_indices=0) found a token outside its vocabulary: {bad!r}"
            )
        if self.mask_token is not None:
            masked = np.fromiter((t == self.mask_token for t in flat), bool, len(flat))
            out[masked] = 0 if self.output_mode == "int" else -1
        return out.reshape(array.shape)

    def _oov_buckets(self, tokens):
        raise NotImplementedError(f"{type(self).__name__}: num_oov_indices > 1")

    def _inverse(self, array) -> np.ndarray:
        vocab = np.asarray(self.get_vocabulary(), dtype=object)
        idx = array.astype(np.int64)
        out = np.where(
            (idx >= 0) & (idx < len(vocab)), vocab[np.clip(idx, 0, len(vocab) - 1)], self.oov_token
        )
        return out

    def call(self, inputs):
        array = _array(inputs)
        if self.invert:
            return self._as_output(self._inverse(array))
        indices = self._lookup(array)
        if self.output_mode == "int":
            return Tensor._wrap(indices)
        depth = (
            self.max_tokens
            if self.pad_to_max_tokens and self.max_tokens
            else self.vocabulary_size()
        )
        return Tensor._wrap(encode(indices, self.output_mode, depth, self._idf_for(depth)))

    def _idf_for(self, depth):
        if self.output_mode != "tf_idf":
            return None
        return np.pad(self._idf, (0, max(0, depth - len(self._idf))))[:depth]

    def _as_output(self, array):
        return array

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return input_shape
        depth = self.max_tokens if self.pad_to_max_tokens else self.vocabulary_size()
        if self.output_mode == "one_hot" and input_shape[-1] != 1:
            return (*input_shape, depth)
        return (*input_shape[:-1], depth)

    def get_config(self):
        return {**super().get_config(), "max_tokens": self.max_tokens,
                "num_oov_indices": self.num_oov_indices, "mask_token": self.mask_token,
                "oov_token": self.oov_token, "vocabulary": self.get_vocabulary(),
                "invert": self.invert, "output_mode": self.output_mode,
                "pad_to_max_tokens": self.pad_to_max_tokens,
                "idf_weights": None if self._idf is None else self._idf[self._token_start():].tolist()}  # fmt: skip


class StringLookup(IndexLookup):
    """Maps strings to integer indices (or back): Keras's StringLookup.

    Args:
        max_tokens: the most indices, special tokens included.
        num_oov_indices: indices for unknown tokens (0 or 1 here; Keras hashes into more).
        mask_token: a token meaning padding (index 0 in 'int' mode).
        oov_token: the token returned for unknown indices when invert=True ('[UNK]').
        vocabulary: a list of tokens (or a file with one per line) instead of adapt().
        idf_weights: with output_mode='tf_idf' and a given vocabulary.
        invert: map indices back to tokens.
        output_mode: 'int', 'one_hot', 'multi_hot', 'count' or 'tf_idf'.
        pad_to_max_tokens: non-'int' outputs are max_tokens wide.

    Example:
        >>> from deepling.keras.layers import StringLookup
        >>> layer = StringLookup(vocabulary=["고양이", "개"])
        >>> layer([["개", "새"]]).tolist()
        [[2, 0]]
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]",
                 vocabulary=None, idf_weights=None, invert=False, output_mode="int",
                 pad_to_max_tokens=False, sparse=False, encoding="utf-8", **kwargs):  # fmt: skip
        self.encoding = encoding
        super().__init__(max_tokens, num_oov_indices, mask_token, oov_token, vocabulary,
                         idf_weights, invert, output_mode, pad_to_max_tokens, sparse, **kwargs)  # fmt: skip

    def _token(self, t):
        return t.decode(self.encoding) if isinstance(t, bytes) else t

    def _as_output(self, array):
        return np.asarray(array.tolist(), dtype=object)


class IntegerLookup(IndexLookup):
    """Maps integers to indices (or back): Keras's IntegerLookup. Arguments as StringLookup,
    with oov_token -1; with num_oov_indices > 1 an unknown value v goes to OOV index
    v mod num_oov_indices (Keras's 'floormod').

    Example:
        >>> from deepling.keras.layers import IntegerLookup
        >>> IntegerLookup(vocabulary=[12, 36])([[36, 7]]).tolist()
        [[2, 0]]
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1,
                 vocabulary=None, vocabulary_dtype="int64", idf_weights=None, invert=False,
                 output_mode="int", sparse=False, pad_to_max_tokens=False, **kwargs):  # fmt: skip
        self.vocabulary_dtype = vocabulary_dtype
        super().__init__(max_tokens, num_oov_indices, mask_token, oov_token, vocabulary,
                         idf_weights, invert, output_mode, pad_to_max_tokens, sparse, **kwargs)  # fmt: skip

    def _token(self, t):
        return int(t)

    def _oov_buckets(self, tokens):
        return np.asarray(tokens, np.int64) % self.num_oov_indices

    def _as_output(self, array):
        return Tensor._wrap(np.asarray(array.tolist(), np.int64))
