import numpy as np
import pytest

import deepling as dl
from tests.helpers import Case, op_tests


def _with_zeros(rng):
    x = rng.uniform(0.5, 1.5, (3, 5)) * rng.choice([-1, 1], (3, 5))
    x[0, 2] = 0.0  # one zero in a row
    x[1, 0] = x[1, 3] = 0.0  # two zeros, the first at the start
    return [x]


CASES = [
    Case(dl.cumsum, [(5,)], "cumsum", kwargs=dict(dim=0)),
    Case(dl.cumsum, [(3, 4)], "cumsum", kwargs=dict(dim=1)),
    Case(dl.cumsum, [(2, 3, 4)], "cumsum", kwargs=dict(dim=-2)),
    Case(dl.cumsum, [()], "cumsum", kwargs=dict(dim=0)),
    Case(dl.cumprod, [(5,)], "cumprod", kwargs=dict(dim=0), low=0.5, high=1.5),
    Case(dl.cumprod, [(3, 4)], "cumprod", kwargs=dict(dim=0)),
    Case(dl.cumprod, [()], "cumprod", kwargs=dict(dim=-1)),
    Case(
        dl.cumprod,
        make_inputs=_with_zeros,
        torch="cumprod",
        kwargs=dict(dim=1),
        name="cumprod-zeros",
    ),  # fmt: skip
]

test_op = op_tests(CASES)


def test_integers_run_in_int64_and_dtype_casts_first():
    x = dl.tensor([1, 2, 3], dtype=dl.int32)
    assert dl.cumsum(x, 0).dtype == np.int64 and dl.cumprod(x, 0).tolist() == [1, 2, 6]
    assert dl.tensor([True, True]).cumsum(0).tolist() == [1, 2]
    assert dl.cumsum(x, 0, dtype=dl.float64).dtype == np.float64


def test_cumsum_needs_a_dim_as_pytorch():
    with pytest.raises(TypeError):
        dl.cumsum(dl.ones(3))
    with pytest.raises(IndexError, match="Dimension out of range"):
        dl.cumsum(dl.ones(3), 1)
