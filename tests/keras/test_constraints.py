"""keras.constraints against Keras's formulas in NumPy, looked up by name, class or config, and
applied by Keras optimizers after each update of a Dense layer's weights."""

import numpy as np
import pytest

from deepling import keras
from deepling.keras import constraints, layers

EPS = 1e-7  # Keras's backend epsilon
W = np.array([[3.0, 0.1, -1.0], [4.0, -0.2, 2.0]])
NORMS = np.sqrt(np.sum(W**2, axis=0, keepdims=True))  # [5, 0.22, 2.24]: over, under, between
X = np.random.default_rng(0).normal(size=(32, 4)).astype(np.float32)
Y = (X @ np.full((4, 3), 5.0) - 20).astype(np.float32)  # big weights and a negative bias


@pytest.mark.parametrize(
    "constraint, expected",
    [
        (constraints.MaxNorm(2.0), W * np.clip(NORMS, 0, 2.0) / (EPS + NORMS)),
        (constraints.MaxNorm(1.0, axis=1), W / np.maximum(np.linalg.norm(W, axis=1), 1)[:, None]),
        (constraints.NonNeg(), W * (W >= 0)),
        (constraints.UnitNorm(), W / (EPS + NORMS)),
        (
            constraints.MinMaxNorm(0.5, 3.0, rate=0.5),
            W * (0.5 * np.clip(NORMS, 0.5, 3.0) + 0.5 * NORMS) / (EPS + NORMS),
        ),
    ],
    ids=["max_norm", "max_norm_axis1", "non_neg", "unit_norm", "min_max_norm"],
)
def test_constraint_is_keras_formula(constraint, expected):
    np.testing.assert_allclose(constraint(W), expected, rtol=1e-6)


def test_get_by_name_class_and_config_round_trip():
    assert isinstance(constraints.get("max_norm"), constraints.MaxNorm)
    assert isinstance(constraints.get("NonNeg"), constraints.NonNeg)
    assert isinstance(constraints.get(constraints.UnitNorm), constraints.UnitNorm)
    assert constraints.get(None) is None
    original = constraints.MinMaxNorm(0.1, 2.0, rate=0.5, axis=1)
    config = constraints.serialize(original)
    assert config == {  # Keras 3's form
        "module": "keras.constraints",
        "class_name": "MinMaxNorm",
        "config": {"min_value": 0.1, "max_value": 2.0, "rate": 0.5, "axis": 1},
        "registered_name": None,
    }
    for form in (config, {"class_name": config["class_name"], "config": config["config"]}):
        again = constraints.get(form)  # and tf.keras 2's
        assert type(again) is constraints.MinMaxNorm
        assert again.get_config() == original.get_config()


def test_unknown_constraint_lists_the_valid_names():
    with pytest.raises(ValueError, match="Unknown constraint: 'max'.*max_norm.*non_neg.*unit_norm"):
        constraints.get("max")


def _fit(optimizer="sgd", **dense_kwargs):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([layers.Dense(3, input_shape=(4,), **dense_kwargs)])
    model.compile(keras.optimizers.get(optimizer), "mse")
    model.fit(X, Y, epochs=5, batch_size=8, verbose=0)
    return model.layers[0]


def _column_norms(dense):
    return np.linalg.norm(dense.kernel.numpy(), axis=0)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_fit_keeps_kernel_norms_under_max_norm_and_bias_non_negative(optimizer):
    free = _fit(optimizer)
    assert _column_norms(free).max() > 1.0 and free.bias.numpy().min() < 0  # not vacuous
    dense = _fit(optimizer, kernel_constraint=constraints.max_norm(1.0), bias_constraint="non_neg")
    assert np.all(_column_norms(dense) <= 1.0 + 1e-6)
    assert np.all(dense.bias.numpy() >= 0)


def test_fit_with_unit_norm_and_min_max_norm():
    np.testing.assert_allclose(_column_norms(_fit(kernel_constraint="unit_norm")), 1.0, rtol=1e-5)
    dense = _fit(kernel_constraint=constraints.MinMaxNorm(0.5, 0.8, rate=1.0))
    assert np.all((_column_norms(dense) >= 0.5 - 1e-6) & (_column_norms(dense) <= 0.8 + 1e-6))


def test_dense_config_keeps_its_constraints():
    dense = layers.Dense(3, kernel_constraint=constraints.MaxNorm(1.5), bias_constraint="non_neg")
    config = dense.get_config()
    assert config["kernel_constraint"] == {
        "module": "keras.constraints",
        "class_name": "MaxNorm",
        "config": {"max_value": 1.5, "axis": 0},
        "registered_name": None,
    }
    again = layers.Dense.from_config(config)
    assert isinstance(again.kernel_constraint, constraints.MaxNorm)
    assert again.kernel_constraint.max_value == 1.5
    assert isinstance(again.bias_constraint, constraints.NonNeg)


def test_saved_model_keeps_the_constraint(tmp_path):
    model = keras.Sequential(
        [layers.Dense(3, input_shape=(4,), kernel_constraint=constraints.MaxNorm(0.7))]
    )
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    constraint = loaded.layers[0].kernel_constraint
    assert type(constraint) is constraints.MaxNorm and constraint.get_config() == {
        "max_value": 0.7,
        "axis": 0,
    }
    loaded.compile("sgd", "mse")
    loaded.fit(X, Y, epochs=2, verbose=0)
    assert np.all(_column_norms(loaded.layers[0]) <= 0.7 + 1e-6)
