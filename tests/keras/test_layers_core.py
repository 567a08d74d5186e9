"""Dropout's noise_shape and seed, and a layer's dtype (deepling/keras/layers/core.py, base.py)."""

import numpy as np
import pytest

import deepling as dl
from deepling import keras
from deepling.keras import layers

ONES = np.ones((4, 5, 6), np.float32)


def test_dropout_noise_shape_shares_the_mask_along_unit_dims():
    dl.manual_seed(0)
    out = layers.Dropout(0.5, noise_shape=(None, 1, 6))(ONES, training=True).numpy()
    assert set(np.unique(out)) == {0.0, 2.0}
    for t in range(1, 5):  # one draw per (sample, feature), the same for every time step
        np.testing.assert_array_equal(out[:, t], out[:, 0])
    assert len({tuple(row) for row in out[:, 0]}) > 1  # but not one draw for all samples


def test_dropout_without_noise_shape_draws_per_element():
    dl.manual_seed(0)
    out = layers.Dropout(0.5)(ONES, training=True).numpy()
    assert not all(np.array_equal(out[:, t], out[:, 0]) for t in range(1, 5))


def test_dropout_seed_makes_two_layers_drop_the_same_elements():
    a = layers.Dropout(0.5, seed=3)(ONES, training=True).numpy()
    dl.manual_seed(99)  # the global generator plays no part
    b = layers.Dropout(0.5, seed=3)(ONES, training=True).numpy()
    c = layers.Dropout(0.5, seed=4)(ONES, training=True).numpy()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert layers.Dropout(0.5, seed=3).get_config()["seed"] == 3


def test_dropout_without_seed_follows_the_global_generator():
    dl.manual_seed(1)
    a = layers.Dropout(0.5)(ONES, training=True).numpy()
    dl.manual_seed(1)
    np.testing.assert_array_equal(layers.Dropout(0.5)(ONES, training=True).numpy(), a)
    assert set(np.unique(a)) == {0.0, 2.0}


@pytest.mark.parametrize("seed", [None, 5])
def test_dropout_rate_zero_and_eval_mode_are_identity(seed):
    x = dl.tensor(ONES)
    assert layers.Dropout(0.0, seed=seed)(x, training=True) is x
    assert layers.Dropout(0.5, seed=seed)(x, training=False) is x
    assert layers.Dropout(0.5, seed=seed).eval()(x) is x


def test_layer_dtype_float64_makes_float64_weights_and_casts_inputs():
    dense = layers.Dense(3, dtype="float64")
    x = np.random.default_rng(0).normal(size=(2, 4)).astype(np.float32)
    out = dense(dl.tensor(x))
    assert dense.kernel.dtype == np.float64 and dense.bias.dtype == np.float64
    assert out.dtype == np.float64
    expected = x.astype(np.float64) @ dense.kernel.numpy() + dense.bias.numpy()
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12)
    assert layers.Dense(3).dtype == np.float32  # the default


def test_layer_dtype_mixed_precision_is_refused():
    with pytest.raises(NotImplementedError, match="mixed_float16"):
        layers.Dense(3, dtype="mixed_float16")
    with pytest.raises(NotImplementedError, match="mixed"):
        keras.layers.Dropout(0.5, dtype="mixed_bfloat16")


def test_layer_dtype_survives_config_and_saving(tmp_path):
    dense = layers.Dense(3, dtype="float64")
    assert dense.get_config()["dtype"]["config"] == {"name": "float64"}  # a DTypePolicy
    assert dense.get_config()["dtype"]["class_name"] == "DTypePolicy"
    assert (
        layers.Dense(3, dtype={"class_name": "DTypePolicy", "config": {"name": "float64"}}).dtype
        == np.float64
    )
    assert layers.Dense.from_config(dense.get_config()).dtype == np.float64
    model = keras.Sequential([layers.Dense(2, input_shape=(3,), dtype="float64")])
    model.save(tmp_path / "m.keras")
    assert keras.models.load_model(tmp_path / "m.keras").layers[0].kernel.dtype == np.float64
