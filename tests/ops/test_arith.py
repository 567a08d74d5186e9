import numpy as np
import pytest

import deepling as dl
from tests.helpers import HAS_TORCH, Case, op_tests, requires_torch

BROADCAST = [[(3, 4), (3, 4)], [(3, 4), (4,)], [(2, 1, 4), (3, 1)], [(), ()], [(), (3, 4)]]


def _nonzero(*shapes):
    """Inputs in [-2, -0.5] or [0.5, 2]: no division by zero, no kink of |x|."""

    def make(rng):
        return [rng.choice([-1.0, 1.0], s) * rng.uniform(0.5, 2.0, s) for s in shapes]

    return make


def _expr(f, name, shapes=((3, 4),), **settings):
    """A case of an operator expression, which reads the same on torch tensors and arrays."""
    return Case(f, list(shapes), f, f, name=name, **settings)


def _where_inputs(rng):
    return [rng.uniform(size=(3, 1)) > 0.5, rng.uniform(-2, 2, (3, 4)), rng.uniform(-2, 2, (4,))]


def _torch_where_scalar(c, a):
    import torch

    return torch.where(c, a, 0.5)


CASES = [
    *[Case(dl.add, s, "add", np.add) for s in BROADCAST],
    *[Case(dl.sub, s, "sub", np.subtract) for s in BROADCAST],
    *[Case(dl.mul, s, "mul", np.multiply) for s in BROADCAST],
    *[
        Case(dl.div, s, "div", np.divide, make_inputs=_nonzero(*s), name=f"div{s}")
        for s in BROADCAST
    ],
    *[Case(dl.pow, s, "pow", np.power, low=0.5, name=f"pow{s}") for s in BROADCAST],
    *[Case(dl.maximum, s, "maximum", np.maximum) for s in BROADCAST],
    *[Case(dl.minimum, s, "minimum", np.minimum) for s in BROADCAST],
    *[Case(dl.neg, s, "neg", np.negative) for s in [[()], [(3, 4)]]],
    *[Case(dl.square, s, "square", np.square) for s in [[()], [(3, 4)]]],
    _expr(lambda x: x + 1.5, "x + 1.5"),
    _expr(lambda x: 2 - x, "2 - x"),
    _expr(lambda x: 2 / x, "2 / x", make_inputs=_nonzero((3, 4))),
    _expr(lambda x: x**3, "x**3, negative base too"),
    _expr(lambda x: x**2.5, "x**2.5", low=0.5),
    _expr(lambda x: x**-1, "x**-1", low=0.5),
    _expr(lambda x: 2.0**x, "2.0**x"),
    _expr(lambda x: 3**x, "3**x, 0-d", shapes=[()]),
    Case(
        dl.where,
        torch="where",
        numpy=np.where,
        make_inputs=_where_inputs,
        name="where(cond(3,1), (3,4), (4,))",
    ),
    Case(
        lambda c, a: dl.where(c, a, 0.5),
        make_inputs=lambda rng: [rng.uniform(size=5) > 0.5, rng.uniform(-2, 2, 5)],
        torch=_torch_where_scalar,
        numpy=lambda c, a: np.where(c, a, 0.5),
        name="where(cond, a, 0.5)",
    ),
    Case(
        lambda x: dl.cast(x, dl.float64),
        make_inputs=lambda rng: [rng.uniform(-2, 2, (3, 4)).astype(np.float32)],
        torch=lambda x: x.double(),
        numpy=lambda x: x.astype(np.float64),
        name="cast float32->float64",
    ),
]

test_op = op_tests(CASES)


# --- kinks and edges, exactly as PyTorch ---
def test_maximum_minimum_ties_split_the_gradient():
    a = dl.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = dl.tensor([1.0, 1.0, 4.0], requires_grad=True)
    dl.maximum(a, b).sum().backward()
    assert a.grad.tolist() == [0.5, 1.0, 0.0] and b.grad.tolist() == [0.5, 0.0, 1.0]
    a.grad = b.grad = None
    dl.minimum(a, b).sum().backward()
    assert a.grad.tolist() == [0.5, 0.0, 1.0] and b.grad.tolist() == [0.5, 1.0, 0.0]


def test_pow_gradient_is_zero_where_pytorch_masks_it():
    x = dl.tensor([0.0, 2.0], requires_grad=True)
    (x**0).sum().backward()  # x**0 is constant 1, also at x = 0 (not 0 * inf)
    assert x.grad.tolist() == [0.0, 0.0]
    e = dl.tensor([0.0, 1.0, 2.0], requires_grad=True)
    (0.0**e).sum().backward()  # 0**e is constant for e >= 0 (not 0 * log 0)
    assert e.grad.tolist() == [0.0, 0.0, 0.0]


def test_cast_gradient_comes_back_in_the_input_dtype():
    x = dl.tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = x.float()
    assert y.dtype == np.float32 and y.grad_fn is not None
    y.backward(dl.tensor([3.0, 4.0]))
    assert x.grad.dtype == np.float64 and x.grad.tolist() == [3.0, 4.0]
    assert not dl.cast(x, dl.int64).requires_grad  # integers carry no gradient
    assert dl.cast(x, dl.float64) is x


# --- dtype promotion, as PyTorch ---
PROMOTIONS = [
    (lambda: dl.tensor([1, 2]) * 2.5, np.float32),
    (lambda: dl.ones(3) + dl.tensor([1, 2, 3]), np.float32),
    (lambda: dl.tensor([1, 2]) / dl.tensor([2, 2]), np.float32),
    (lambda: dl.tensor([1, 2]) / 2, np.float32),
    (lambda: 3 / dl.tensor([1, 2]), np.float32),
    (lambda: dl.tensor([True]) / dl.tensor([True]), np.float32),
    (lambda: dl.ones(3) * np.float64(2.0), np.float32),
    (lambda: np.float64(2.0) * dl.ones(3), np.float32),
    (lambda: dl.ones(3) + dl.tensor(np.float64(1.0)), np.float32),
    (lambda: dl.tensor(np.ones(3)) + dl.ones(3), np.float64),
    (lambda: dl.tensor(np.array([1, 2], np.int32)) + dl.tensor([1, 2]), np.int64),
    (lambda: dl.tensor(np.array([1, 2], np.int32)) + dl.tensor(5), np.int32),
    (lambda: dl.tensor([True, False]) + dl.tensor([1, 2]), np.int64),
    (lambda: dl.tensor([1, 2]) * dl.tensor(2.5, dtype=dl.float64), np.float64),
    (lambda: dl.tensor([1, 2]) + np.int64(3), np.int64),
    (lambda: dl.tensor([1, 2]) ** 2, np.int64),
    (lambda: dl.tensor([1, 2]) ** 0.5, np.float32),
    (lambda: 2 ** dl.tensor([1, 2]), np.int64),
    (lambda: 2.0 ** dl.tensor([1, 2]), np.float32),
    (lambda: dl.where(dl.tensor([True, False]), 1.0, 2.0), np.float32),
    (lambda: dl.where(dl.tensor([True, False]), dl.tensor([1, 2]), 0.5), np.float32),
    (lambda: dl.maximum(dl.tensor([1, 2]), dl.ones(2)), np.float32),
]


@pytest.mark.parametrize("i", range(len(PROMOTIONS)))
def test_dtype_promotion_is_pytorchs(i):
    make, dtype = PROMOTIONS[i]
    assert make().dtype == dtype


# --- comparisons and logic ---
_NP = dict(eq="equal", ne="not_equal", lt="less", le="less_equal", gt="greater", ge="greater_equal")


@pytest.mark.parametrize("name", list(_NP))
def test_comparisons_are_bool_tensors_without_grad(name):
    a = np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]], np.float32)
    b = np.array([2.0, 2.0, 2.0], np.float32)
    x = dl.tensor(a, requires_grad=True)
    for other, ref in [(dl.tensor(b), b), (2.0, 2.0), (2, 2), (np.float64(2.0), 2.0)]:
        y = getattr(dl, name)(x, other)
        assert isinstance(y, dl.Tensor) and y.dtype == np.bool_
        assert not y.requires_grad and y.grad_fn is None
        np.testing.assert_array_equal(y.numpy(), getattr(np, _NP[name])(a, ref))


def test_comparison_operators_and_logic():
    x = dl.tensor([1.0, 2.0, 3.0])
    assert (x < 2).tolist() == [True, False, False] and (2 < x).tolist() == [False, False, True]
    assert (x == 2).tolist() == [False, True, False] and (x >= 2).tolist() == [False, True, True]
    p, q = dl.tensor([True, True, False]), dl.tensor([True, False, False])
    assert (p & q).tolist() == [True, False, False] and (p | q).tolist() == [True, True, False]
    assert (p ^ q).tolist() == [False, True, False] and (~p).tolist() == [False, False, True]
    assert dl.logical_not(dl.tensor([0, 3])).tolist() == [True, False]


def test_compare_with_none_is_identity():
    t = dl.ones(3)
    assert (t == None) is False  # noqa: E711 (the point of the test)
    assert (t != None) is True  # noqa: E711


def test_where_with_one_argument_gives_indices():
    cond = np.array([[True, False, True], [False, False, True]])
    rows, cols = dl.where(dl.tensor(cond))
    assert rows.tolist() == [0, 0, 1] and cols.tolist() == [0, 2, 2]
    assert rows.dtype == np.int64 and not rows.requires_grad
    if HAS_TORCH:
        import torch

        assert [t.tolist() for t in torch.where(torch.tensor(cond))] == [[0, 0, 1], [0, 2, 2]]


def test_where_sends_gradient_to_the_chosen_input():
    a = dl.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = dl.tensor([4.0, 5.0, 6.0], requires_grad=True)
    dl.where(dl.tensor([True, False, True]), a, b).backward(dl.tensor([1.0, 2.0, 3.0]))
    assert a.grad.tolist() == [1.0, 0.0, 3.0] and b.grad.tolist() == [0.0, 2.0, 0.0]


# --- reflected operators ---
def test_reflected_operators():
    x = dl.tensor([1.0, 2.0, 4.0], requires_grad=True)
    assert (2 - x).tolist() == [1.0, 0.0, -2.0]
    assert (2 / x).tolist() == [2.0, 1.0, 0.5]
    assert (2**x).tolist() == [2.0, 4.0, 16.0]
    (2 / x).sum().backward()
    assert x.grad.tolist() == [-2.0, -0.5, -0.125]
    y = np.array([1.0, 2.0, 3.0], np.float32) * x
    assert isinstance(y, dl.Tensor) and y.requires_grad and y.tolist() == [1.0, 4.0, 12.0]
    assert isinstance(np.ones(3, np.float32) + x, dl.Tensor)


# --- errors ---
def test_broadcast_error_names_op_and_shapes():
    with pytest.raises(dl.ShapeError) as info:
        dl.ones(3) + dl.ones(4)
    assert isinstance(info.value, ValueError) and isinstance(info.value, RuntimeError)
    msg = str(info.value)
    assert "Add" in msg and "(3,)" in msg and "(4,)" in msg


@pytest.mark.parametrize("op", [dl.sub, dl.mul, dl.div, dl.maximum])
def test_broadcast_errors_for_every_binary_op(op):
    with pytest.raises(dl.ShapeError, match=r"\(2, 3\).*\(4,\)"):
        op(dl.ones(2, 3), dl.ones(4))


@requires_torch
def test_error_types_match_pytorch():
    import torch

    with pytest.raises(RuntimeError):
        torch.ones(3) + torch.ones(4)
    with pytest.raises(RuntimeError):
        dl.ones(3) + dl.ones(4)
