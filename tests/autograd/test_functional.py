"""deepling.autograd.functional against torch.autograd.functional: jacobian, hessian, vjp, jvp,
hvp and vhp on single and tuple inputs and outputs (values, shapes and nesting), their
create_graph (the result differentiates again) and strict (an input the output does not
depend on raises; without strict its derivative is zeros).

Each function is written once over `m`, the framework module, and runs in both.
"""

import numpy as np
import pytest

import deepling as dl
import deepling.autograd.functional as F
from tests.helpers import HAS_TORCH, requires_torch

if HAS_TORCH:
    import torch
    import torch.autograd.functional as TF

RNG = np.random.default_rng(0)
X2, X3, X23, X0 = RNG.uniform(-1, 1, 2), RNG.uniform(-1, 1, 3), RNG.uniform(-1, 1, (2, 3)), 0.7


# --- functions of one framework module `m`, and their inputs as NumPy arrays ---
def vector(m):  # (3,) -> (2,)
    return lambda x: m.tanh(x[:2] * x[1:]) + (x**2).sum()


def matrix(m):  # (2, 3) -> (2,)
    return lambda x: m.exp(x).sum(1) * x[:, 0]


def scalar(m):  # (3,) -> ()
    return lambda x: (x**3).sum() + x.prod() + m.sin(x).sum() ** 2


def of_a_scalar(m):  # () -> ()
    return lambda x: m.sin(x) * x**2


def two_inputs(m):  # (2,), (3,) -> (3,)
    return lambda x, y: m.tanh(x.sum() * y) + y**2


def two_outputs(m):  # (2,) -> (2,), ()
    return lambda x: (m.exp(x), x.sum() * x[0])


def pairs(m):  # (2,), (3,) -> (2,), ()
    return lambda x, y: (x * y[:2], (y**2).sum() * x[1])


def scalar_of_two(m):  # (2,), (2, 3) -> ()
    return lambda x, y: ((x**2).sum() * m.tanh(y).sum()) + (x[:, None] * y).prod()


CASES = {  # name -> (function maker, inputs); a tuple of inputs means several inputs
    "vector": (vector, X3),
    "matrix": (matrix, X23),
    "scalar": (scalar, X3),
    "0-d": (of_a_scalar, np.float64(X0)),
    "two inputs": (two_inputs, (X2, X3)),
    "two outputs": (two_outputs, X2),
    "pairs": (pairs, (X2, X3)),
    "scalar of two": (scalar_of_two, (X2, X23)),
}
SCALAR = ["scalar", "0-d", "scalar of two"]


def inputs(m, arrays, requires_grad=False):
    if isinstance(arrays, tuple):
        return tuple(m.tensor(a, requires_grad=requires_grad) for a in arrays)
    return m.tensor(arrays, requires_grad=requires_grad)


def same(ours, theirs, what=""):
    """The same nesting of tuples, the same shapes and values."""
    if isinstance(theirs, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs), f"{what}: nesting"
        for i, (a, b) in enumerate(zip(ours, theirs)):
            same(a, b, f"{what}[{i}]")
        return
    assert isinstance(ours, dl.Tensor), f"{what}: {type(ours).__name__}"
    assert tuple(ours.shape) == tuple(theirs.shape), f"{what}: {ours.shape} vs {theirs.shape}"
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), 1e-10, 1e-12,
                               err_msg=what)  # fmt: skip


def both(fn_name, case, *args, **kwargs):
    """(deepling's result, torch's) of functional.<fn_name>(f, inputs, *args)."""
    make, arrays = CASES[case]
    ours = getattr(F, fn_name)(make(dl), inputs(dl, arrays), *_as(dl, args), **kwargs)
    theirs = getattr(TF, fn_name)(make(torch), inputs(torch, arrays), *_as(torch, args), **kwargs)
    return ours, theirs


def _as(m, args):
    return [None if a is None else inputs(m, a) for a in args]


def _like_inputs(case, seed=1):
    arrays = CASES[case][1]
    rng = np.random.default_rng(seed)
    if isinstance(arrays, tuple):
        return tuple(rng.standard_normal(np.shape(a)) for a in arrays)
    return rng.standard_normal(np.shape(arrays))


def _like_outputs(case, seed=2):
    make, arrays = CASES[case]
    out = make(dl)(*inputs(dl, arrays if isinstance(arrays, tuple) else (arrays,)))
    rng = np.random.default_rng(seed)
    if isinstance(out, tuple):
        return tuple(rng.standard_normal(tuple(o.shape)) for o in out)
    return rng.standard_normal(tuple(out.shape))


# --- values, shapes and nesting ---
@requires_torch
@pytest.mark.parametrize("case", CASES)
def test_jacobian(case):
    same(*both("jacobian", case), "jacobian")


@requires_torch
@pytest.mark.parametrize("case", SCALAR)
def test_hessian(case):
    same(*both("hessian", case), "hessian")


def test_hessian_of_two_inputs_is_a_tuple_of_tuples_by_hand():
    x, y = dl.tensor([1.0, 2.0]), dl.tensor(3.0)
    h = F.hessian(lambda x, y: (x**2).sum() * y, (x, y))
    assert [[tuple(b.shape) for b in row] for row in h] == [[(2, 2), (2,)], [(2,), ()]]
    assert h[0][0].tolist() == [[6.0, 0.0], [0.0, 6.0]] and h[0][1].tolist() == [2.0, 4.0]
    assert h[1][0].tolist() == [2.0, 4.0] and h[1][1].item() == 0.0


@requires_torch
@pytest.mark.parametrize("case", CASES)
def test_vjp(case):
    same(*both("vjp", case, _like_outputs(case)), "vjp")


@requires_torch
@pytest.mark.parametrize("case", CASES)
def test_jvp(case):
    same(*both("jvp", case, _like_inputs(case)), "jvp")


@requires_torch
@pytest.mark.parametrize("fn_name", ["hvp", "vhp"])
@pytest.mark.parametrize("case", SCALAR)
def test_hvp_and_vhp(fn_name, case):
    same(*both(fn_name, case, _like_inputs(case)), fn_name)


@requires_torch
@pytest.mark.parametrize("fn_name", ["vjp", "jvp", "hvp", "vhp"])
def test_v_may_be_omitted_for_a_scalar_function_of_a_scalar(fn_name):
    same(*both(fn_name, "0-d"), fn_name)


@requires_torch
@pytest.mark.parametrize("fn_name", ["vjp", "jvp"])
def test_v_of_the_wrong_kind_raises_like_torch(fn_name):
    for m, module in [(dl, F), (torch, TF)]:
        with pytest.raises(RuntimeError):  # v omitted for a vector function
            getattr(module, fn_name)(vector(m), inputs(m, X3))


# --- create_graph: the result is differentiable again ---
@requires_torch
@pytest.mark.parametrize("fn_name", ["jacobian", "hessian", "vjp", "jvp", "hvp", "vhp"])
def test_create_graph_gives_results_that_differentiate_again(fn_name):
    case = "scalar"
    args = {"vjp": [None], "jvp": [_like_inputs(case)], "hvp": [_like_inputs(case)],
            "vhp": [_like_inputs(case)]}.get(fn_name, [])  # fmt: skip
    found = []
    for m, module in [(dl, F), (torch, TF)]:
        x = inputs(m, X3, requires_grad=True)
        result = getattr(module, fn_name)(scalar(m), x, *_as(m, args), create_graph=True)
        result = result[-1] if isinstance(result, tuple) else result
        assert result.requires_grad
        weights = m.tensor(np.random.default_rng(3).standard_normal(tuple(result.shape)))
        (g,) = m.autograd.grad((result * weights).sum(), x)
        found.append(g)
    same(*found, f"{fn_name} then grad")


def test_without_create_graph_results_do_not_require_grad():
    x = dl.tensor(X3, requires_grad=True)
    assert not F.jacobian(scalar(dl), x).requires_grad
    assert not any(r.requires_grad for r in F.vjp(scalar(dl), x))
    assert not F.hessian(scalar(dl), x).requires_grad


# --- strict: an input the output does not depend on ---
def unused_second(m):
    return lambda x, y: m.exp(x).sum()


def linear(m):
    return lambda x: (x * 2).sum()


STRICT = [("jacobian", unused_second), ("vjp", unused_second), ("jvp", unused_second),
          ("hessian", unused_second), ("hvp", unused_second), ("vhp", unused_second),
          ("hessian", linear), ("hvp", linear), ("vhp", linear)]  # fmt: skip


def _strict_args(fn_name, make):
    arrays = (X2, X3) if make is unused_second else X3
    v = {"vjp": [None], "jvp": [_ones(arrays)], "hvp": [_ones(arrays)], "vhp": [_ones(arrays)]}
    return arrays, v.get(fn_name, [])


def _ones(arrays):
    return tuple(np.ones_like(a) for a in arrays) if isinstance(arrays, tuple) else np.ones(3)


@pytest.mark.parametrize(("fn_name", "make"), STRICT, ids=lambda p: getattr(p, "__name__", p))
def test_strict_raises_where_torch_does(fn_name, make):
    arrays, args = _strict_args(fn_name, make)
    modules = [(dl, F)] + ([(torch, TF)] if HAS_TORCH else [])
    for m, module in modules:
        with pytest.raises(RuntimeError, match="independent of input|jacobian .* independent"):
            getattr(module, fn_name)(make(m), inputs(m, arrays), *_as(m, args), strict=True)


@requires_torch
@pytest.mark.parametrize(("fn_name", "make"), STRICT, ids=lambda p: getattr(p, "__name__", p))
def test_without_strict_the_missing_derivative_is_zeros_like_torch(fn_name, make):
    arrays, args = _strict_args(fn_name, make)
    ours = getattr(F, fn_name)(make(dl), inputs(dl, arrays), *_as(dl, args))
    theirs = getattr(TF, fn_name)(make(torch), inputs(torch, arrays), *_as(torch, args))
    same(ours, theirs, fn_name)
