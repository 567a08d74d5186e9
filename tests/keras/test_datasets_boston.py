"""keras.datasets.boston_housing: the packaged CSV, shuffled and split as Keras's loader does."""

import hashlib
from importlib import resources

import numpy as np
import pytest

import deepling.tf as tf
from deepling import keras
from deepling.keras.datasets import boston_housing

CSV_SHA256 = "79ac716620024011b03c0c44d2bf99069b8173649181926d9109c25475a3804c"


def _csv_table():
    text = resources.files("deepling.keras.datasets").joinpath("data/boston_housing.csv")
    return np.loadtxt(text.open("r"), delimiter=",", skiprows=1)


def test_packaged_csv_is_the_shared_file():
    data = resources.files("deepling.keras.datasets").joinpath("data/boston_housing.csv")
    assert hashlib.sha256(data.read_bytes()).hexdigest() == CSV_SHA256


def test_default_split_shapes_and_dtypes():
    (x_train, y_train), (x_test, y_test) = boston_housing.load_data()
    assert (x_train.shape, y_train.shape) == ((404, 13), (404,))
    assert (x_test.shape, y_test.shape) == ((102, 13), (102,))
    for a in (x_train, y_train, x_test, y_test):
        assert a.dtype == np.float64


def test_default_split_is_kerass():
    # Keras's loader (seed=113) on its boston_housing.npz gives these, as printed in Chollet's
    # "Deep Learning with Python" (3.6) and TensorFlow's old "Predict house prices" tutorial.
    (x_train, y_train), (_, y_test) = boston_housing.load_data()
    first_targets = [15.2, 42.3, 50.0, 21.1, 17.7, 18.5, 11.3, 15.6, 15.6, 14.4]
    np.testing.assert_array_equal(y_train[:10], first_targets)
    np.testing.assert_array_equal(y_test[:5], [7.2, 18.8, 19.0, 27.0, 22.2])
    first_sample = [1.23247, 0.0, 8.14, 0.0, 0.538, 6.142, 91.7, 3.9769, 4.0, 307.0, 21.0,
                    396.9, 18.72]  # fmt: skip
    np.testing.assert_array_equal(x_train[0], first_sample)


@pytest.mark.parametrize("seed", [113, 777, 0])
def test_rows_are_the_csvs_permuted_by_randomstate(seed):
    table = _csv_table()
    order = np.arange(506)
    np.random.RandomState(seed).shuffle(order)
    (x_train, y_train), (x_test, y_test) = boston_housing.load_data(seed=seed)
    np.testing.assert_array_equal(np.concatenate([x_train, x_test]), table[order, :13])
    np.testing.assert_array_equal(np.concatenate([y_train, y_test]), table[order, 13])


def test_split_is_disjoint_and_covers_every_row():
    table = _csv_table()
    (x_train, y_train), (x_test, y_test) = boston_housing.load_data(seed=777)
    rows = np.concatenate([np.c_[x_train, y_train], np.c_[x_test, y_test]])
    as_set = {tuple(r) for r in rows}
    assert len(as_set) == 506  # every CSV row is distinct, so no row appears twice
    assert as_set == {tuple(r) for r in table}
    assert not {tuple(r) for r in x_train} & {tuple(r) for r in x_test}


def test_same_seed_same_split_other_seed_other_split():
    (a, ya), (b, yb) = boston_housing.load_data(seed=777)
    (a2, ya2), (b2, yb2) = boston_housing.load_data(seed=777)
    for one, two in ((a, a2), (ya, ya2), (b, b2), (yb, yb2)):
        np.testing.assert_array_equal(one, two)
    (c, _), _ = boston_housing.load_data(seed=778)
    assert not np.array_equal(a, c)


def test_does_not_touch_the_global_numpy_generator():
    np.random.seed(5)
    expected = np.random.rand()
    np.random.seed(5)
    boston_housing.load_data()
    assert np.random.rand() == expected


@pytest.mark.parametrize("test_split, n_train", [(0.0, 506), (0.5, 253), (0.1, 455), (0.99, 5)])
def test_other_splits(test_split, n_train):
    (x_train, y_train), (x_test, y_test) = boston_housing.load_data(test_split=test_split)
    assert len(x_train) == len(y_train) == n_train == int(506 * (1 - test_split))
    assert len(x_test) == len(y_test) == 506 - n_train


@pytest.mark.parametrize("test_split", [-0.1, 1.0, 1.5])
def test_invalid_test_split_raises(test_split):
    with pytest.raises(ValueError, match="test_split"):
        boston_housing.load_data(test_split=test_split)


def test_path_is_accepted_and_ignored():
    (x_train, _), _ = boston_housing.load_data(path="/no/such/dir/boston_housing.npz")
    (x_default, _), _ = boston_housing.load_data()
    np.testing.assert_array_equal(x_train, x_default)


def test_reachable_by_keras_and_tf_keras_paths():
    from deepling.keras.datasets.boston_housing import load_data

    assert load_data is boston_housing.load_data
    assert keras.datasets.boston_housing is boston_housing
    assert tf.keras.datasets.boston_housing is boston_housing
