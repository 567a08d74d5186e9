"""Keras's Attention and MultiHeadAttention against outputs recorded from Keras 3.15
(tests/reference/keras_attention.py), masks from Embedding, the functional API, training."""

import json
from pathlib import Path

import numpy as np
import pytest

import deepling as dl
from deepling.keras import layers
from deepling.keras.layers.masks import get_mask
from tests.reference import keras_attention as ref

RECORDED = json.loads(Path(ref.__file__).with_suffix(".json").read_text())


@pytest.mark.parametrize("name", list(ref.CASES))
def test_outputs_match_recorded_keras(name):
    ours = ref.run(layers, name)
    theirs = [np.array(o) for o in RECORDED[name]]
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, atol=2e-6, rtol=1e-5)


def test_mha_weight_layout_and_count():
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=4)
    mha(np.ones((1, 5, 6), "float32"), np.ones((1, 7, 8), "float32"))
    assert [tuple(w.shape) for w in mha.weights] == [
        (6, 2, 3), (2, 3), (8, 2, 3), (2, 3), (8, 2, 4), (2, 4), (2, 4, 6), (6,)
    ]  # fmt: skip


def test_embedding_masks_reach_attention_and_the_query_mask_carries_on():
    emb = layers.Embedding(10, 4, mask_zero=True)
    x = emb(np.array([[1, 2, 0], [3, 4, 5]]))
    mha = layers.MultiHeadAttention(num_heads=1, key_dim=4)
    out, scores = mha(x, x, return_attention_scores=True)
    np.testing.assert_allclose(scores.numpy()[0, 0, :, 2], 0, atol=1e-6)  # the padded key
    np.testing.assert_array_equal(get_mask(out), [[True, True, False], [True] * 3])


def test_transformer_block_in_the_functional_api_learns():
    dl.manual_seed(0)
    inputs = layers.Input(shape=(6,))
    x = layers.Embedding(20, 8, mask_zero=True)(inputs)
    attn = layers.MultiHeadAttention(num_heads=2, key_dim=4)(x, x)
    x = layers.LayerNormalization()(layers.Add()([x, attn]))
    x = layers.LSTM(8)(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    model = dl.keras.Model(inputs, outputs)
    rng = np.random.default_rng(0)
    tokens = rng.integers(1, 20, (64, 6))
    labels = (tokens[:, -1] > 10).astype("float32")
    model.compile(optimizer=dl.keras.optimizers.Adam(0.01), loss="binary_crossentropy")
    history = model.fit(tokens, labels, epochs=20, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]


def test_attention_needs_a_list():
    with pytest.raises(ValueError, match="must be called on a list of inputs"):
        layers.Attention()(np.ones((1, 2, 3), "float32"))


def test_functional_model_with_symbolic_call_arguments_saves_and_loads(tmp_path):
    inputs = layers.Input(shape=(6,))
    x = layers.Embedding(20, 8, mask_zero=True)(inputs)
    x = layers.Add()([x, layers.MultiHeadAttention(num_heads=2, key_dim=4)(x, x)])
    _, h, c = layers.LSTM(8, return_state=True)(x)  # the sequence output is not used
    y = layers.LSTM(4)(x, initial_state=[layers.Dense(4)(h), layers.Dense(4)(c)])
    model = dl.keras.Model(inputs, layers.Dense(1)(y))
    model.summary(print_fn=lambda *a, **k: None)
    tokens = np.random.default_rng(0).integers(0, 20, (3, 6))
    before = model(tokens).numpy()
    model.save(tmp_path / "m.keras")
    loaded = dl.keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded(tokens).numpy(), before, atol=1e-6)
