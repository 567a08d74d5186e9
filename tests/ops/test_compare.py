import numpy as np
import pytest

import deepling as dl
from tests.helpers import Case, op_tests, requires_torch


def _with_non_finite(rng):
    x = rng.uniform(-2, 2, (3, 4))
    x[0, 1], x[1, 2], x[2, 0] = np.nan, np.inf, -np.inf
    return [x]


# central differences need finite inputs: the non-finite ones are checked below
CASES = [
    Case(dl.nan_to_num, [(3, 4)], "nan_to_num", kwargs=dict(nan=1.5, posinf=9.0, neginf=-9.0)),
    Case(dl.nan_to_num, [()], "nan_to_num", name="nan_to_num-0d"),
]

test_op = op_tests(CASES)

VALUES = [[1.0, np.nan, np.inf, -np.inf, 0.0], [[0.0, 1.5], [np.nan, -2.0]], 2.5]


@requires_torch
@pytest.mark.parametrize("values", VALUES, ids=str)
def test_tests_of_values_match_torch(values):
    import torch

    a, t = dl.tensor(values, dtype=dl.float64), torch.tensor(values, dtype=torch.float64)
    for name in ("isnan", "isinf", "isfinite"):
        assert getattr(dl, name)(a).tolist() == getattr(torch, name)(t).tolist(), name
    for dim in (None, 0, -1, (0, -1)):
        if a.ndim < 2 and dim == (0, -1):
            continue
        kwargs = {} if dim is None else {"dim": dim}
        for name in ("any", "all", "count_nonzero"):
            ours, theirs = getattr(dl, name)(a, **kwargs), getattr(torch, name)(t, **kwargs)
            assert ours.tolist() == theirs.tolist() and ours.dtype == np.dtype(
                str(theirs.dtype).replace("torch.", "")
            ), (name, dim)
    assert a.any(0 if a.ndim else None, keepdim=True).shape == t.any(0 if t.ndim else 0, True).shape


def test_integers_are_finite_and_any_of_uint8_is_uint8():
    i = dl.tensor([0, 3])
    assert dl.isfinite(i).tolist() == [True, True] and dl.isnan(i).tolist() == [False, False]
    assert dl.any(dl.tensor([0, 2], dtype=dl.uint8)).dtype == np.uint8
    assert dl.all(dl.tensor([1.0, 0.0])).item() is False
    assert dl.nan_to_num(i).tolist() == [0, 3]


def test_isclose_allclose_and_equal():
    a = dl.tensor([1.0, 2.0, np.nan])
    b = dl.tensor([1.0 + 1e-7, 2.1, np.nan])
    assert dl.isclose(a, b).tolist() == [True, False, False]
    assert dl.isclose(a, b, equal_nan=True).tolist() == [True, False, True]
    assert dl.allclose(dl.ones(2, 3), dl.ones(3)) is True
    assert a.allclose(a) is False and a.allclose(a, equal_nan=True) is True
    assert dl.equal(dl.ones(2), dl.ones(2)) is True and dl.equal(dl.ones(2), dl.ones(3)) is False
    with pytest.raises(RuntimeError, match="Float did not match Double"):
        dl.isclose(dl.ones(2), dl.ones(2, dtype=dl.float64))
    with pytest.raises(RuntimeError, match="size of tensor a"):
        dl.allclose(dl.ones(2), dl.ones(3))
    with pytest.raises(TypeError, match="must be Tensor"):
        dl.isclose(dl.ones(1), 1.0)


@requires_torch
def test_nan_to_num_of_non_finite_values_matches_torch():
    import torch

    (x,) = _with_non_finite(np.random.default_rng(0))
    for kwargs in ({}, dict(nan=1.5, posinf=9.0, neginf=-9.0)):
        ours = dl.nan_to_num(dl.tensor(x), **kwargs).numpy()
        np.testing.assert_array_equal(ours, torch.nan_to_num(torch.tensor(x), **kwargs).numpy())


def test_nan_to_num_defaults_to_the_dtypes_extremes_and_passes_finite_gradients():
    x = dl.tensor([np.nan, np.inf, -np.inf, 1.0], requires_grad=True)
    y = dl.nan_to_num(x)
    assert y.tolist()[1] == float(np.finfo(np.float32).max) and y.tolist()[0] == 0.0
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0, 1.0]
