"""load_iris / load_wine: the packaged CSVs, checked against shared/data/README.md's numbers and
against scikit-learn's own loaders."""

import hashlib
from importlib import resources

import numpy as np
import pytest

from deepling.datasets import load_iris, load_wine


def test_iris_shapes_dtypes_counts_and_means():
    x, y = load_iris()
    assert x.shape == (150, 4) and x.dtype == np.float64
    assert y.shape == (150,) and y.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(y), [50, 50, 50])
    np.testing.assert_allclose(x.mean(axis=0), [5.843333, 3.057333, 3.758, 1.199333], atol=1e-6)
    assert list(y[:3]) == [0, 0, 0] and y[-1] == 2  # scikit-learn's order: setosa first


def test_wine_shapes_dtypes_counts_and_means():
    x, y = load_wine()
    assert x.shape == (178, 13) and x.dtype == np.float64
    assert y.shape == (178,) and y.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(y), [59, 71, 48])
    assert x[:, 0].mean() == pytest.approx(13.000618, abs=1e-6)  # alcohol
    assert x[:, -1].mean() == pytest.approx(746.893258, abs=1e-6)  # proline
    assert (x[:, -1].min(), x[:, -1].max()) == (278.0, 1680.0)


def test_each_call_returns_fresh_arrays():
    x, y = load_iris()
    x[0, 0], y[0] = -1.0, 7
    x2, y2 = load_iris()
    assert x2[0, 0] == 5.1 and y2[0] == 0


@pytest.mark.parametrize(
    ("name", "sha256"),
    [
        ("iris.csv", "cdf459dcf51753a4f3f56e59a9c81d8c2aaf68889c0ce19ab347e46ff542e6f4"),
        ("wine.csv", "6c75822a8a38ddfff660a8cd569ad5b8311d54cdc9fd55fe2998f1dc114240d5"),
    ],
)
def test_packaged_files_are_the_documented_bytes(name, sha256):
    data = resources.files("deepling.datasets").joinpath("data", name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == sha256


@pytest.mark.parametrize(("ours", "theirs"), [(load_iris, "load_iris"), (load_wine, "load_wine")])
def test_equal_to_scikit_learn(ours, theirs):
    sklearn_datasets = pytest.importorskip("sklearn.datasets")
    x_ref, y_ref = getattr(sklearn_datasets, theirs)(return_X_y=True)
    x, y = ours()
    np.testing.assert_array_equal(x, x_ref)  # same decimal text -> bit-identical float64
    np.testing.assert_array_equal(y, y_ref)
