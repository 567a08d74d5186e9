"""Iris and Wine, shipped inside the package (`data/*.csv`, scikit-learn's copies; see
`data/README.md`), returned as scikit-learn's `load_*(return_X_y=True)` does."""

from __future__ import annotations

from importlib import resources

import numpy as np


def _load_csv(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Read `data/<name>`: a header row, then features and the class (0, 1, 2) last."""
    with resources.files(__package__).joinpath("data", name).open("r") as f:
        table = np.loadtxt(f, delimiter=",", skiprows=1, dtype=np.float64)
    return table[:, :-1], table[:, -1].astype(np.int64)


def load_iris() -> tuple[np.ndarray, np.ndarray]:
    """Fisher's iris data: 150 flowers, 4 measurements in cm -> species.

    Features, in order: sepal length, sepal width, petal length, petal width. Classes: 0 setosa,
    1 versicolor, 2 virginica, 50 each, in that order. The values are scikit-learn's (which
    follow Fisher's paper; UCI's `iris.data` differs in samples 35 and 38).

    Returns:
        `(x, y)`: x float64 of shape (150, 4), y int64 of shape (150,), like
        `sklearn.datasets.load_iris(return_X_y=True)`.
    """
    return _load_csv("iris.csv")


def load_wine() -> tuple[np.ndarray, np.ndarray]:
    """The UCI wine recognition data: 178 wines, 13 chemical measurements -> cultivar.

    Features, in order: alcohol, malic_acid, ash, alcalinity_of_ash, magnesium, total_phenols,
    flavanoids, nonflavanoid_phenols, proanthocyanins, color_intensity, hue,
    od280/od315_of_diluted_wines, proline. Classes 0/1/2 (UCI's 1/2/3) count 59/71/48.

    Returns:
        `(x, y)`: x float64 of shape (178, 13), y int64 of shape (178,), like
        `sklearn.datasets.load_wine(return_X_y=True)`.
    """
    return _load_csv("wine.csv")
