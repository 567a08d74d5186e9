"""keras.initializers: Keras's fans, bounds and standard deviations; names; seeding."""

import math

import numpy as np
import pytest

import deepling as dl
from deepling import keras
from deepling.keras import initializers

SHAPE = (300, 200)  # a Dense kernel (in, out): fan_in 300, fan_out 200


@pytest.mark.parametrize(
    "name, limit",
    [
        ("glorot_uniform", math.sqrt(6 / (300 + 200))),
        ("he_uniform", math.sqrt(6 / 300)),
        ("lecun_uniform", math.sqrt(3 / 300)),
    ],
)
def test_uniform_bounds(name, limit):
    w = initializers.get(name)(SHAPE)
    assert w.dtype == np.float32 and w.shape == SHAPE
    assert np.abs(w).max() <= limit and np.abs(w).max() > 0.98 * limit
    assert np.std(w) == pytest.approx(limit / math.sqrt(3), rel=0.02)  # uniform's std


@pytest.mark.parametrize(
    "name, std",
    [
        ("glorot_normal", math.sqrt(2 / (300 + 200))),
        ("he_normal", math.sqrt(2 / 300)),
        ("lecun_normal", math.sqrt(1 / 300)),
    ],
)
def test_truncated_normal_std_is_the_target_std(name, std):
    w = initializers.get(name)(SHAPE)
    # Keras draws N(0, (std / 0.8796)^2) truncated at 2 of those stds: the result has std `std`
    assert np.std(w) == pytest.approx(std, rel=0.02)
    assert np.abs(w).max() <= 2 * std / 0.87962566103423978 + 1e-7
    assert abs(np.mean(w)) < 0.05 * std


def test_conv_kernel_fans_include_the_receptive_field():
    w = initializers.GlorotUniform()((3, 3, 16, 32))  # fan_in 144, fan_out 288
    assert np.abs(w).max() <= math.sqrt(6 / (144 + 288))
    assert np.abs(w).max() > 0.95 * math.sqrt(6 / (144 + 288))


def test_plain_distributions_and_constants():
    assert (initializers.get("zeros")((2, 3)) == 0).all() and (
        initializers.get("ones")((2,)) == 1
    ).all()
    assert (initializers.Constant(0.5)((4,)) == 0.5).all()
    u = initializers.RandomUniform()((10000,))
    assert u.min() >= -0.05 and u.max() <= 0.05
    assert np.std(initializers.RandomNormal()((20000,))) == pytest.approx(0.05, rel=0.03)
    t = initializers.TruncatedNormal(stddev=1.0)((20000,))
    assert np.abs(t).max() <= 2.0
    q = initializers.Orthogonal()((6, 4))
    np.testing.assert_allclose(q.T @ q, np.eye(4), atol=1e-5)
    np.testing.assert_allclose(initializers.Identity(2.0)((3, 3)), 2 * np.eye(3))


def test_seeds():
    a, b = initializers.GlorotUniform(seed=3), initializers.GlorotUniform(seed=3)
    np.testing.assert_array_equal(a((4, 5)), b((4, 5)))
    keras.utils.set_random_seed(7)
    first = initializers.get("he_normal")((4, 5))
    keras.utils.set_random_seed(7)
    np.testing.assert_array_equal(first, initializers.get("he_normal")((4, 5)))

    def dense_kernel():
        keras.utils.set_random_seed(11)
        layer = keras.layers.Dense(5)
        layer(dl.zeros((1, 4)))
        return layer.get_weights()[0]

    np.testing.assert_array_equal(dense_kernel(), dense_kernel())
    assert np.abs(dense_kernel()).max() <= math.sqrt(6 / 9)


def test_names_classes_and_errors():
    assert isinstance(initializers.get("GlorotUniform"), initializers.GlorotUniform)
    assert isinstance(initializers.get(initializers.HeNormal), initializers.HeNormal)
    with pytest.raises(
        ValueError, match="Unknown initializer: 'glorot'. Valid names: .*glorot_uniform"
    ):
        initializers.get("glorot")
    with pytest.raises(ValueError, match="scale"):
        initializers.VarianceScaling(scale=0)
    with pytest.raises(ValueError, match="at least two-dimensional"):
        initializers.Orthogonal()((3,))


@pytest.mark.parametrize(
    "init",
    [initializers.GlorotUniform(), initializers.GlorotUniform(seed=2), initializers.Constant(0.3),
     initializers.VarianceScaling(2.0, "fan_out", "uniform"), initializers.Orthogonal(gain=2.0)],
)  # fmt: skip
def test_serialize_round_trip(init):
    back = initializers.deserialize(initializers.serialize(init))
    assert type(back) is type(init) and back.get_config() == init.get_config()
