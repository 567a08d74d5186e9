import numpy as np
import pytest

import deepling as dl
from tests.helpers import Case, op_tests

SHAPES = [[()], [(5,)], [(3, 4)]]


def _quotients(rng):
    """Dividends and divisors whose quotients stay away from whole numbers (the steps)."""
    b = rng.uniform(0.6, 1.5, (3, 4)) * rng.choice([-1, 1], (3, 4))
    q = rng.integers(-3, 4, (3, 4)) + rng.uniform(0.2, 0.8, (3, 4))
    return [q * b, b]


def _torch_div(mode):
    def div(a, b):
        import torch

        return torch.div(a, b, rounding_mode=mode)

    return div


CASES = [
    *[
        Case(getattr(dl, n), s, n, getattr(np, n), low=-3.0, high=3.0)
        for n in ("floor", "ceil", "trunc", "sign")
        for s in SHAPES
    ],  # fmt: skip
    *[Case(dl.round, s, "round", np.round, low=-3.0, high=3.0) for s in SHAPES],
    Case(
        dl.round,
        [(3, 4)],
        "round",
        lambda x, decimals: np.round(x, decimals),
        kwargs=dict(decimals=1),
        low=-3.0,
        high=3.0,
    ),  # fmt: skip
    *[Case(dl.frac, s, "frac", lambda x: x - np.trunc(x), low=-3.0, high=3.0) for s in SHAPES],
    Case(dl.fmod, make_inputs=_quotients, torch="fmod", numpy=np.fmod, name="fmod"),
    Case(
        dl.remainder,
        make_inputs=_quotients,
        torch="remainder",
        numpy=np.remainder,
        name="remainder",
    ),  # fmt: skip
    Case(dl.fmod, [(3, 4), (4,)], "fmod", np.fmod, low=0.6, high=1.4, name="fmod-broadcast"),
    Case(dl.remainder, [(), (3,)], "remainder", np.remainder, low=0.6, high=1.4, name="rem-0d"),
    Case(dl.floor_divide, make_inputs=_quotients, torch=_torch_div("floor"), name="floordiv"),
    Case(
        lambda a, b: dl.div(a, b, rounding_mode="trunc"),
        make_inputs=_quotients,
        torch=_torch_div("trunc"),
        name="div-trunc",
    ),  # fmt: skip
    Case(dl.lerp, [(3, 4), (3, 4), (3, 4)], "lerp", lambda a, b, w: a + w * (b - a)),
    Case(dl.lerp, [(3, 4), (4,), ()], "lerp", lambda a, b, w: a + w * (b - a), name="lerp-bc"),
    Case(
        lambda a, b: dl.lerp(a, b, 0.3),
        [(5,), (5,)],
        lambda a, b: a.lerp(b, 0.3),
        name="lerp-number",
    ),  # fmt: skip
]

test_op = op_tests(CASES)


def test_steps_of_integers_are_the_integers_and_sign_keeps_bools():
    i = dl.tensor([-2, 0, 3])
    for name in ("floor", "ceil", "round", "trunc"):
        y = getattr(dl, name)(i)
        assert y.dtype == np.int64 and y.tolist() == [-2, 0, 3]
    assert dl.sign(i).tolist() == [-1, 0, 1]
    assert dl.sign(dl.tensor([True, False])).tolist() == [True, False]
    with pytest.raises(RuntimeError, match="frac_cpu"):
        dl.frac(i)


def test_round_halves_to_even_and_to_decimals():
    assert dl.round(dl.tensor([0.5, 1.5, 2.5, -0.5])).tolist() == [0.0, 2.0, 2.0, -0.0]
    np.testing.assert_allclose(dl.round(dl.tensor([1.2345]), decimals=2).numpy(), [1.23])


def test_floor_divide_and_remainder_operators_follow_pythons_signs():
    a = dl.tensor([5, -5])
    assert (a // 2).tolist() == [2, -3] and (a % 3).tolist() == [2, 1]
    assert (5 % dl.tensor([3, -3])).tolist() == [2, -1]
    assert (dl.tensor([5.0, -5.0]) // 2).tolist() == [2.0, -3.0]
    assert dl.div(a, 2, rounding_mode="trunc").tolist() == [2, -2]
    assert dl.div(a, 2, rounding_mode="floor").dtype == np.int64
    assert dl.fmod(dl.tensor([-3.0, 3.0]), 2).tolist() == [-1.0, 1.0]
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        dl.tensor([1, 2]) // dl.tensor([0, 1])
    with pytest.raises(RuntimeError, match="rounding_mode"):
        dl.div(a, 2, rounding_mode="round")


def test_rounded_division_of_floats_has_zero_gradient_as_pytorch():
    x = dl.tensor([5.0, -5.0], requires_grad=True)
    y = dl.div(x, 3, rounding_mode="floor")
    assert y.requires_grad
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]


def test_lerp_refuses_integers_and_mixed_dtypes():
    with pytest.raises(RuntimeError, match="lerp_kernel_scalar"):
        dl.lerp(dl.tensor([1, 2]), dl.tensor([3, 4]), 0.5)
    with pytest.raises(RuntimeError, match="expected dtype"):
        dl.lerp(dl.ones(2), dl.ones(2, dtype=dl.float64), 0.5)
