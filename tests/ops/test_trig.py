import numpy as np
import pytest

import deepling as dl
from tests.helpers import Case, op_tests

SHAPES = [[()], [(5,)], [(3, 4)]]
PAIRS = [[(3, 4), (3, 4)], [(3, 4), (4,)], [(2, 1, 4), (3, 1)], [(), (3,)]]

CASES = [
    *[Case(dl.tan, s, "tan", np.tan, low=-1.2, high=1.2) for s in SHAPES],
    *[Case(dl.asin, s, "asin", np.arcsin, low=-0.9, high=0.9) for s in SHAPES],
    *[Case(dl.acos, s, "acos", np.arccos, low=-0.9, high=0.9) for s in SHAPES],
    *[Case(dl.atan, s, "atan", np.arctan) for s in SHAPES],
    *[Case(dl.sinh, s, "sinh", np.sinh) for s in SHAPES],
    *[Case(dl.cosh, s, "cosh", np.cosh) for s in SHAPES],
    *[Case(dl.atan2, p, "atan2", np.arctan2, low=0.3, high=2.0) for p in PAIRS],
    Case(dl.atan2, [(4,), (4,)], "atan2", np.arctan2, low=-2.0, high=-0.3, name="atan2-neg"),
]

test_op = op_tests(CASES)


@pytest.mark.parametrize("name", ["tan", "asin", "acos", "atan", "sinh", "cosh"])
def test_integers_give_the_default_float(name):
    assert getattr(dl, name)(dl.tensor([0, 1])).dtype == np.float32


def test_atan2_promotes_and_knows_its_quadrants():
    y = dl.atan2(dl.tensor([1, -1]), dl.tensor([-1.0, -1.0], dtype=dl.float64))
    assert y.dtype == np.float64
    np.testing.assert_allclose(y.numpy(), [3 * np.pi / 4, -3 * np.pi / 4])
    with pytest.raises(TypeError, match="must be Tensor"):
        dl.atan2(dl.ones(2), 2.0)


def test_asin_outside_its_domain_is_nan_as_pytorch():
    with np.errstate(invalid="raise"):  # no NumPy warning either
        assert np.isnan(dl.asin(dl.tensor([2.0])).item())
        assert np.isnan(dl.acos(dl.tensor([-2.0])).item())
