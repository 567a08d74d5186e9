import math

import numpy as np
import pytest

import deepling as dl
from tests.helpers import Case, op_tests

SHAPES = [[()], [(5,)], [(3, 4)]]

CASES = [
    *[Case(dl.exp, s, "exp", np.exp) for s in SHAPES],
    *[Case(dl.expm1, s, "expm1", np.expm1) for s in SHAPES],
    *[Case(dl.log1p, s, "log1p", np.log1p, low=-0.5) for s in SHAPES],
    *[Case(dl.erf, s, "erf", lambda x: np.vectorize(math.erf)(x)) for s in SHAPES],
    *[Case(dl.log, s, "log", np.log, low=0.5) for s in SHAPES],
    *[Case(dl.sqrt, s, "sqrt", np.sqrt, low=0.5) for s in SHAPES],
    *[Case(dl.sin, s, "sin", np.sin) for s in SHAPES],
    *[Case(dl.cos, s, "cos", np.cos) for s in SHAPES],
    *[Case(dl.tanh, s, "tanh", np.tanh) for s in SHAPES],
    *[Case(dl.abs, s, "abs", np.abs) for s in SHAPES],
    Case(
        dl.clamp,
        [(3, 4)],
        "clamp",
        lambda x, **k: np.clip(x, -1, 0.5),
        kwargs=dict(min=-1.0, max=0.5),
    ),
    Case(dl.clamp, [(5,)], "clamp", lambda x, **k: np.maximum(x, 0.1), kwargs=dict(min=0.1)),
    *[Case(dl.log2, s, "log2", np.log2, low=0.5) for s in SHAPES],
    *[Case(dl.log10, s, "log10", np.log10, low=0.5) for s in SHAPES],
    *[Case(dl.rsqrt, s, "rsqrt", lambda x: 1 / np.sqrt(x), low=0.5) for s in SHAPES],
    *[Case(dl.reciprocal, s, "reciprocal", lambda x: 1 / x, low=0.5) for s in SHAPES],
]

test_op = op_tests(CASES)


def test_abs_slope_at_zero_is_zero():
    x = dl.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    dl.abs(x).sum().backward()
    assert x.grad.tolist() == [-1.0, 0.0, 1.0]


def test_clamp_passes_gradient_at_its_edges():
    x = dl.tensor([-2.0, -1.0, 0.0, 0.5, 1.0], requires_grad=True)
    dl.clamp(x, -1.0, 0.5).sum().backward()
    assert x.grad.tolist() == [0.0, 1.0, 1.0, 1.0, 0.0]


FLOAT_FUNCTIONS = "exp expm1 log log1p erf sqrt sin cos tanh log2 log10 rsqrt reciprocal".split()


@pytest.mark.parametrize("name", FLOAT_FUNCTIONS)
def test_float_functions_of_integers_give_the_default_float_as_pytorch(name):
    assert getattr(dl, name)(dl.tensor([1, 2, 4])).dtype == np.float32
    assert getattr(dl, name)(dl.tensor([True])).dtype == np.float32
    with pytest.raises(TypeError, match="must be Tensor"):
        getattr(dl, name)(2.0)


def test_reciprocal_of_zero_is_inf_silently():
    assert dl.reciprocal(dl.tensor([0.0, 2.0])).tolist() == [float("inf"), 0.5]
