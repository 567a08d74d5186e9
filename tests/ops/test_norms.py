import math

import numpy as np
import pytest

import deepling as dl
from tests.helpers import Case, op_tests, requires_torch


def _linalg(name, **kwargs):
    def ours(*xs):
        return getattr(dl.linalg, name)(*xs, **kwargs)

    def theirs(*xs):
        import torch

        return getattr(torch.linalg, name)(*xs, **kwargs)

    return ours, theirs


def _case(name, shapes, **kwargs):
    ours, theirs = _linalg(name, **kwargs)
    return Case(ours, shapes, theirs, name=f"linalg.{name}{shapes}{kwargs}")


def _solvable(rng):
    return [rng.uniform(-1, 1, (3, 3)) + 3 * np.eye(3), rng.uniform(-1, 1, (3, 2))]


CASES = [
    Case(dl.norm, [(3, 4)], "norm"),
    Case(dl.norm, [(3, 4)], "norm", kwargs=dict(dim=1)),
    Case(dl.norm, [(3, 4)], "norm", kwargs=dict(p=1, dim=0, keepdim=True)),
    Case(dl.norm, [(2, 3, 4)], "norm", kwargs=dict(p=3, dim=(1, 2))),
    Case(dl.norm, [()], "norm", name="norm-0d"),
    Case(dl.dist, [(3, 4), (4,)], "dist"),
    Case(dl.dist, [(5,), (5,)], "dist", kwargs=dict(p=1)),
    _case("vector_norm", [(3, 4)]),
    _case("vector_norm", [(3, 4)], ord=math.inf, dim=1),
    _case("vector_norm", [(3, 4)], ord=-math.inf),
    _case("vector_norm", [(3, 4)], ord=0.5, dim=-1),
    _case("vector_norm", [(3, 4)], ord=-2, dim=0),
    _case("matrix_norm", [(3, 4)]),
    _case("matrix_norm", [(2, 3, 4)], ord=1),
    _case("matrix_norm", [(2, 3, 4)], ord=-math.inf, keepdim=True),
    _case("norm", [(3, 4)]),
    _case("norm", [(3, 4)], ord=math.inf),
    _case("norm", [(5,)], ord=3),
    _case("norm", [(2, 3, 4)], dim=(0, 2)),
    _case("inv", [(3, 3)]),
    _case("det", [(3, 3)]),
    _case("det", [(2, 3, 3)]),
    Case(*_linalg("solve"), make_inputs=_solvable, name="solve"),
    Case(
        *_linalg("solve"),
        make_inputs=lambda rng: [
            rng.uniform(-1, 1, (2, 3, 3)) + 3 * np.eye(3),
            rng.uniform(-1, 1, (2, 3)),
        ],
        name="solve-batched-vectors",
    ),  # fmt: skip
]
CASES[-5].make_inputs = lambda rng: [rng.uniform(-1, 1, (3, 3)) + 3 * np.eye(3)]  # inv
CASES[-5].shapes = []

test_op = op_tests(CASES)


def test_the_gradient_of_a_norm_at_zero_is_zero_as_pytorchs():
    x = dl.zeros(3, requires_grad=True)
    (dl.norm(x) + dl.linalg.vector_norm(x, 3)).backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]


@requires_torch
def test_norm_values_and_errors_match_torch():
    import torch

    x = [[3.0, 4.0], [0.0, 0.0]]
    for lib in (dl, torch):
        t = lib.tensor(x)
        assert lib.linalg.vector_norm(t, dim=1).tolist() == [5.0, 0.0]
        assert lib.linalg.vector_norm(t, ord=0).item() == 2.0
        assert lib.linalg.norm(t, ord=1).item() == 4.0
        assert lib.linalg.matrix_norm(t, ord=math.inf).item() == 7.0
        with pytest.raises(RuntimeError, match="Expected a floating point"):
            lib.linalg.vector_norm(lib.tensor([1, 2]))
        with pytest.raises(RuntimeError, match="must be 1D or 2D"):
            lib.linalg.norm(lib.ones(2, 2, 2), ord=1)
    with pytest.raises(NotImplementedError, match="singular values"):
        dl.linalg.matrix_norm(dl.ones(2, 2), ord="nuc")


def test_singular_matrices_raise_linalg_error():
    with pytest.raises(dl.linalg.LinAlgError, match="singular"):
        dl.linalg.inv(dl.ones(2, 2))
    assert isinstance(dl.linalg.LinAlgError("x"), RuntimeError)
    with pytest.raises(RuntimeError, match="square matrices"):
        dl.linalg.det(dl.ones(2, 3))
    assert dl.inverse(dl.eye(2)).tolist() == [[1.0, 0.0], [0.0, 1.0]]
