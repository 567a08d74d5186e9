import math

import numpy as np

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
