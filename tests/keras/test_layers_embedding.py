"""keras.layers.Embedding: lookups, gradients, index checks, config, use in a model."""

import numpy as np
import pytest

import deepling as dl
from deepling import keras
from deepling.keras import layers


def test_lookup_shape_and_values():
    emb = layers.Embedding(10, 4)
    idx = np.array([[1, 2, 3], [9, 0, 1]])
    y = emb(idx)
    assert y.shape == (2, 3, 4) and y.dtype == np.float32
    np.testing.assert_array_equal(y.numpy(), emb.embeddings.numpy()[idx])
    assert emb(np.array([4, 5])).shape == (2, 4)
    assert emb(dl.tensor([[[1, 2]]])).shape == (1, 1, 2, 4)


def test_default_initializer_is_uniform_005_and_weights_are_one_matrix():
    keras.utils.set_random_seed(0)
    emb = layers.Embedding(1000, 16)
    emb(np.array([[0]]))
    w = emb.get_weights()
    assert len(w) == 1 and w[0].shape == (1000, 16)
    assert np.abs(w[0]).max() <= 0.05 and np.abs(w[0]).max() > 0.04
    assert emb.count_params() == 16000


def test_gradient_adds_up_repeated_rows():
    emb = layers.Embedding(5, 3)
    idx = np.array([[1, 3, 1], [1, 0, 4]])
    gy = np.random.default_rng(0).standard_normal((2, 3, 3)).astype(np.float32)
    emb(idx).backward(dl.tensor(gy))
    expected = np.zeros((5, 3), np.float32)
    np.add.at(expected, idx.reshape(-1), gy.reshape(-1, 3))
    np.testing.assert_allclose(emb.embeddings.grad.numpy(), expected, rtol=1e-6)
    assert np.all(emb.embeddings.grad.numpy()[2] == 0)


def test_float_inputs_holding_whole_numbers_are_cast():
    emb = layers.Embedding(6, 2)
    np.testing.assert_array_equal(
        emb(np.array([[1.0, 5.0]], np.float32)).numpy(), emb(np.array([[1, 5]])).numpy()
    )
    with pytest.raises(ValueError, match="non-integer value 1.5"):
        emb(np.array([[1.5, 2.0]]))


@pytest.mark.parametrize("where, bad", [((1, 0), 10), ((0, 1), -1)])
def test_index_out_of_range_names_the_index_and_input_dim(where, bad):
    emb = layers.Embedding(10, 2)
    idx = np.array([[0, 1], [2, 3]])
    idx[where] = bad
    expected = rf"indices\[{where[0]}, {where[1]}\] = {bad} is not in \[0, 10\).*input_dim=10"
    with pytest.raises(ValueError, match=expected):
        emb(idx)


@pytest.mark.parametrize(
    "kwargs", [dict(input_dim=0, output_dim=2), dict(input_dim=3, output_dim=2.5)]
)
def test_bad_sizes_are_rejected(kwargs):
    with pytest.raises(ValueError, match="Expected a positive integer"):
        layers.Embedding(**kwargs)


def test_input_length_and_mask_zero_are_accepted_and_build_at_once():
    model = keras.Sequential([layers.Embedding(50, 8, input_length=6, mask_zero=True),
                              layers.Flatten(), layers.Dense(1)])  # fmt: skip
    assert model.count_params() == 50 * 8 + 6 * 8 + 1
    assert model.compute_output_shape((None, 6)) == (None, 1)
    assert layers.Embedding(5, 3).compute_output_shape((None, 7)) == (None, 7, 3)


def test_config_round_trip():
    with pytest.warns(UserWarning, match="input_length` is deprecated"):  # as Keras 3
        emb = layers.Embedding(7, 3, embeddings_initializer="zeros", input_length=4, name="emb_x")
    assert emb.built  # tf.keras 2's meaning kept: built for (batch, 4) at once
    config = emb.get_config()
    again = layers.Embedding.from_config(config)
    assert again.get_config() == config
    assert config["input_dim"] == 7 and config["output_dim"] == 3 and "input_length" not in config
    again.build((None, 4))
    assert np.all(again.embeddings.numpy() == 0)


def test_constraint_and_initial_weights():
    table = np.arange(6, dtype=np.float32).reshape(3, 2)
    emb = layers.Embedding(3, 2, weights=[table], embeddings_constraint="non_neg")
    np.testing.assert_array_equal(emb(np.array([[2, 0]])).numpy(), table[[[2, 0]]])
    assert isinstance(emb.embeddings_constraint, keras.constraints.NonNeg)
    with pytest.raises(NotImplementedError, match="lora_rank"):
        layers.Embedding(3, 2, lora_rank=4)


def test_embedding_model_learns_a_token_rule():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.integers(0, 20, (128, 5))
    y = (x < 10).mean(axis=1, keepdims=True).astype(np.float32)  # share of "small" tokens
    inputs = keras.Input(shape=(5,), dtype="int64")
    h = layers.Flatten()(layers.Embedding(20, 4)(inputs))
    model = keras.Model(inputs, layers.Dense(1)(h))
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    losses = model.fit(x, y, epochs=10, batch_size=32, verbose=0).history["loss"]
    assert losses[-1] < 0.5 * losses[0]
