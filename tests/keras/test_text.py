"""Keras's text tools: Tokenizer and pad_sequences against tf.keras 2's own code
(tests/reference/keras_text.py), TextVectorization, StringLookup and IntegerLookup against
Keras 3's documented rules, with English and Korean text."""

import json
from pathlib import Path

import numpy as np
import pytest

import deepling as dl
from deepling.keras import layers
from deepling.keras.preprocessing import sequence, text
from deepling.keras.utils import pad_sequences
from tests.reference import keras_text as ref

RECORDED = json.loads(Path(ref.__file__).with_suffix(".json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", list(ref.TOKENIZERS))
def test_tokenizer_matches_tf_keras(name):
    t = text.Tokenizer(**ref.TOKENIZERS[name])
    t.fit_on_texts(ref.CORPUS)
    want = RECORDED[name]
    assert t.word_index == want["word_index"]
    assert [list(p) for p in t.word_counts.items()] == want["word_counts"]
    seqs = t.texts_to_sequences(ref.TESTS)
    assert seqs == want["sequences"]
    assert t.sequences_to_texts(seqs) == want["texts"]
    for mode, matrix in want["matrices"].items():
        np.testing.assert_allclose(t.texts_to_matrix(ref.TESTS, mode=mode), matrix, atol=1e-12)


@pytest.mark.parametrize("name", list(ref.PADS))
def test_pad_sequences_matches_tf_keras(name):
    base = text.Tokenizer()
    base.fit_on_texts(ref.CORPUS)
    seqs = base.texts_to_sequences(ref.CORPUS)
    out = pad_sequences(seqs, **ref.PADS[name])
    assert out.tolist() == RECORDED["pad"][name]
    assert out.dtype == np.dtype(ref.PADS[name].get("dtype", "int32"))
    assert sequence.pad_sequences is pad_sequences


def test_tokenizer_json_round_trip_keeps_korean():
    t = text.Tokenizer(num_words=10, oov_token="<OOV>")
    t.fit_on_texts(ref.CORPUS)
    back = text.tokenizer_from_json(t.to_json())
    assert back.word_index == t.word_index
    assert back.texts_to_sequences(ref.TESTS) == t.texts_to_sequences(ref.TESTS)


def test_pad_sequences_bad_input():
    with pytest.raises(ValueError, match='Padding type "middle" not understood'):
        pad_sequences([[1]], padding="middle")
    with pytest.raises(ValueError, match="is not compatible with `value`'s type"):
        pad_sequences([[1]], value="x")
    assert pad_sequences([[1, 2], []], maxlen=3).tolist() == [[0, 1, 2], [0, 0, 0]]


def test_text_vectorization_int_mode_with_korean():
    layer = layers.TextVectorization(output_sequence_length=5)
    layer.adapt(["나는 학교에 간다.", "나는 집에 간다!", "The cat, the DOG."])
    vocab = layer.get_vocabulary()
    # "" and [UNK] first, then by count, ties: the larger token first (Keras's order)
    assert vocab[:2] == ["", "[UNK]"]
    assert vocab[2:] == ["나는", "간다", "the", "학교에", "집에", "dog", "cat"]
    out = layer(["나는 회사에 간다", "the cat"]).numpy()
    assert out.tolist() == [[2, 1, 3, 0, 0], [4, 8, 0, 0, 0]]
    assert out.dtype == np.int64
    assert layer.vocabulary_size() == 9


def test_text_vectorization_modes():
    docs = ["a b b", "b c", "c c c d"]
    multi = layers.TextVectorization(output_mode="multi_hot")
    multi.adapt(docs)
    assert multi.get_vocabulary() == ["[UNK]", "c", "b", "d", "a"]
    assert multi(["b b z"]).numpy().tolist() == [[1, 0, 1, 0, 0]]
    count = layers.TextVectorization(output_mode="count", max_tokens=3)
    count.adapt(docs)
    assert count(["b b z c"]).numpy().tolist() == [[1, 1, 2]]
    tfidf = layers.TextVectorization(output_mode="tf_idf")
    tfidf.adapt(docs)
    idf = {t: np.log(1 + 3 / (1 + n)) for t, n in {"c": 2, "b": 2, "d": 1, "a": 1}.items()}
    row = tfidf(["b b a"]).numpy()[0]
    np.testing.assert_allclose(row[2], 2 * idf["b"], rtol=1e-6)
    np.testing.assert_allclose(row[4], idf["a"], rtol=1e-6)
    np.testing.assert_allclose(row[0], 0)  # no unknown token
    bigrams = layers.TextVectorization(ngrams=2, standardize=None, split="whitespace")
    bigrams.adapt(["x y z"])
    assert set(bigrams.get_vocabulary()[2:]) == {"x", "y", "z", "x y", "y z"}


def test_text_vectorization_standardize_and_split_options():
    chars = layers.TextVectorization(split="character", standardize="lower")
    chars.adapt(["가나", "나A"])
    assert chars.get_vocabulary()[2:] == ["나", "가", "a"]
    custom = layers.TextVectorization(standardize=lambda a: np.char.upper(a.astype(str)))
    custom.adapt(["ab cd"])
    assert custom.get_vocabulary()[2:] == ["CD", "AB"]
    with pytest.raises(ValueError, match="output_sequence_length"):
        layers.TextVectorization(output_mode="count", output_sequence_length=3)


def test_string_lookup():
    layer = layers.StringLookup()
    layer.adapt([["고양이", "개", "개"], ["새", "개", "고양이"]])
    assert layer.get_vocabulary() == ["[UNK]", "개", "고양이", "새"]
    assert layer([["개", "쥐"]]).numpy().tolist() == [[1, 0]]
    masked = layers.StringLookup(vocabulary=["a", "b"], mask_token="")
    assert masked([["", "b", "z"]]).numpy().tolist() == [[0, 3, 1]]
    inverse = layers.StringLookup(vocabulary=["a", "b"], invert=True)
    assert inverse([[2, 0, 1]]).tolist() == [["b", "[UNK]", "a"]]
    hot = layers.StringLookup(vocabulary=["a", "b"], output_mode="multi_hot")
    assert hot([["a", "b", "a"]]).numpy().tolist() == [[0, 1, 1]]
    strict = layers.StringLookup(vocabulary=["a"], num_oov_indices=0)
    with pytest.raises(ValueError, match="outside its vocabulary"):
        strict([["q"]])
    with pytest.raises(ValueError, match="repeated term"):
        layers.StringLookup(vocabulary=["a", "a"])


def test_integer_lookup():
    layer = layers.IntegerLookup(vocabulary=[12, 36, 1138])
    assert layer([[12, 1138, 42]]).numpy().tolist() == [[1, 3, 0]]
    assert layer.get_vocabulary() == [-1, 12, 36, 1138]
    buckets = layers.IntegerLookup(vocabulary=[12, 36], num_oov_indices=2)
    assert buckets([[36, 7, 8]]).numpy().tolist() == [[3, 1, 0]]
    learned = layers.IntegerLookup(max_tokens=3)
    learned.adapt(np.array([5, 5, 5, 9, 9, 1]))
    assert learned.get_vocabulary() == [-1, 5, 9]
    back = layers.IntegerLookup(vocabulary=[12, 36], invert=True)
    assert back([[2, 1, 0]]).numpy().tolist() == [[36, 12, -1]]


def test_tokenizer_pipeline_feeds_an_embedding():
    t = text.Tokenizer(num_words=20, oov_token="<OOV>")
    t.fit_on_texts(ref.CORPUS)
    x = pad_sequences(t.texts_to_sequences(ref.TESTS), maxlen=6, padding="post")
    model = dl.keras.Sequential([layers.Embedding(20, 4, mask_zero=True), layers.LSTM(3)])
    assert model(x).shape == (3, 3)
