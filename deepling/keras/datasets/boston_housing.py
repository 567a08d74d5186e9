"""keras.datasets.boston_housing: the Boston housing prices, split like Keras's loader.

The 506 rows ship in this package (`data/boston_housing.csv`, scikit-learn's copy in the
original StatLib order; see `data/README.md`), so nothing is downloaded.
"""

from __future__ import annotations

from importlib import resources

import numpy as np

_CSV = "data/boston_housing.csv"


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """Loads the Boston Housing dataset: 13 house attributes -> median value (MEDV, in k$).

    **WARNING:** column `B` encodes the proportion of Black residents by town, an ethical problem
    that made scikit-learn drop this data set; use it to illustrate such issues or to replay old
    tutorials, not to build models of house prices.

    The rows are shuffled by `np.random.RandomState(seed)` permuting the indices, then the first
    `int(506 * (1 - test_split))` go to training, as `keras.datasets.boston_housing` does.

    Args:
        path: accepted for compatibility and ignored: the data ships inside deepling.
        test_split: fraction of the data to reserve as test set, in [0, 1).
        seed: random seed for shuffling the data before computing the test split.

    Returns:
        Tuple of NumPy float64 arrays `(x_train, y_train), (x_test, y_test)`: x of shape
        `(num_samples, 13)`, y of shape `(num_samples,)`.

    Example:
        >>> from deepling.keras.datasets import boston_housing
        >>> (x_train, y_train), (x_test, y_test) = boston_housing.load_data()
        >>> x_train.shape, y_train.shape, x_test.shape, y_test.shape
        ((404, 13), (404,), (102, 13), (102,))
    """
    if not 0 <= test_split < 1:
        raise ValueError(f"`test_split` must be in [0, 1), got test_split={test_split!r}")
    with resources.files(__package__).joinpath(_CSV).open("r") as f:
        table = np.loadtxt(f, delimiter=",", skiprows=1, dtype=np.float64)
    x, y = table[:, :-1], table[:, -1]
    indices = np.arange(len(x))
    np.random.RandomState(seed).shuffle(indices)  # Keras permutes indices, then x and y alike
    x, y = x[indices], y[indices]
    n_train = int(len(x) * (1 - test_split))
    return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:])
