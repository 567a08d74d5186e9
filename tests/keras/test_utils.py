"""keras.utils: to_categorical shapes and errors; set_random_seed."""

import random

import numpy as np
import pytest

import deepling as dl
from deepling import keras
from deepling.keras.utils import set_random_seed, to_categorical


def test_to_categorical_shapes():
    out = to_categorical([0, 2, 1])
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, np.eye(3)[[0, 2, 1]])
    assert to_categorical(np.array([[0], [2]])).shape == (2, 3)  # (N, 1) -> (N, C)
    assert to_categorical([0, 1], num_classes=5).shape == (2, 5)
    assert to_categorical(np.array([[0, 1, 2], [2, 1, 0]])).shape == (2, 3, 3)
    np.testing.assert_array_equal(to_categorical(np.array([1.0, 0.0])), [[0, 1], [1, 0]])
    np.testing.assert_array_equal(to_categorical(dl.tensor([1, 0]), 2), [[0, 1], [1, 0]])
    assert to_categorical(np.array([], np.int64), 3).shape == (0, 3)


@pytest.mark.parametrize(
    "labels, kwargs, match",
    [
        ([0, 3], {"num_classes": 3}, r"label 3 is out of range for num_classes=3"),
        ([0, -1], {}, "non-negative integers, got -1"),
        ([0, 1.5], {}, "non-negative integers, got 1.5"),
        ([], {}, "num_classes"),
        (["a"], {}, "integers"),
    ],
)
def test_to_categorical_errors(labels, kwargs, match):
    with pytest.raises(ValueError, match=match):
        to_categorical(labels, **kwargs)


def test_set_random_seed_seeds_every_generator():
    def draw():
        return random.random(), np.random.rand(), dl.rand(3).numpy().tolist()

    set_random_seed(5)
    first = draw()
    set_random_seed(5)
    assert draw() == first
    set_random_seed(6)
    assert draw() != first
    with pytest.raises(ValueError, match="integer"):
        set_random_seed(1.5)
    assert keras.utils.set_random_seed is set_random_seed
