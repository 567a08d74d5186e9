"""Reductions (deepling/ops/reduce.py) against PyTorch: forward, numerical and torch gradients."""

import numpy as np
import pytest

import deepling as dl
from tests.helpers import HAS_TORCH, Case, op_tests, requires_torch
from tests.ops.test_shape import same


def _np(f):
    """A NumPy reference that also takes PyTorch's `dim`/`keepdim` names."""

    def ref(x, dim=None, keepdim=False, *, axis=None, keepdims=None, **kw):
        axis = None if np.ndim(x) == 0 else dim if axis is None else axis  # 0-d: dim 0 is all
        return f(x, axis=axis, keepdims=keepdim if keepdims is None else keepdims, **kw)

    return ref


def _var(f):
    """np.var / np.std with PyTorch's default correction of 1."""
    return _np(lambda x, correction=1, **kw: f(x, ddof=correction, **kw))


def _with_zeros(count):
    """A 3x4 input whose first row holds `count` zeros (prod's gradient there is not y / x)."""

    def make(rng):
        x = rng.uniform(0.5, 1.5, (3, 4)) * rng.choice([-1, 1], (3, 4))
        x[0, 1 : 1 + count] = 0.0
        return [x]

    return make


# the same dims for sum and mean: None, int, negative, tuple, keepdim, NumPy/TF spellings
DIMS = [
    ((), {}),
    ((5,), {}),
    ((3, 4), {}),
    ((), dict(dim=0)),
    ((3, 4), dict(dim=1)),
    ((3, 4), dict(dim=-1, keepdim=True)),
    ((2, 3, 4), dict(dim=(0, 2))),
    ((2, 3, 4), dict(dim=(-1, 0), keepdim=True)),
    ((3, 4), dict(axis=1, keepdims=True)),
    ((2, 3, 4), dict(axis=(1, 2))),
]

PROD_DIMS = [((), {}), ((5,), {}), ((3, 4), {}), ((3, 4), dict(dim=1)), ((2, 3, 4), dict(dim=-1))]
PROD_DIMS += [((3, 4), dict(dim=0, keepdim=True))]
LSE_DIMS = [
    ((5,), dict(dim=0)),
    ((3, 4), dict(dim=1)),
    ((3, 4), dict(dim=(0, 1))),
    ((), dict(dim=0)),
]
LSE_DIMS += [((3, 4), dict(dim=-2, keepdim=True))]
VAR_DIMS = [((5,), {}), ((3, 4), {}), ((3, 4), dict(dim=1)), ((3, 4), dict(correction=0))]
VAR_DIMS += [((3, 4), dict(dim=0, keepdim=True)), ((2, 3, 4), dict(dim=(0, 2), correction=0))]
VARS = [(dl.var, np.var), (dl.std, np.std)]
EXTREMES = [(dl.max, np.max), (dl.min, np.min)]
AEXTREMES = [(dl.amax, np.max), (dl.amin, np.min)]
AMAX_DIMS = [{}, dict(dim=1), dict(dim=-1, keepdim=True), dict(dim=(0, 1))]

CASES = [
    *[Case(dl.sum, [s], "sum", _np(np.sum), kwargs=k) for s, k in DIMS],
    *[Case(dl.mean, [s], "mean", _np(np.mean), kwargs=k) for s, k in DIMS],
    same(lambda lib, x: x.sum(1), [(3, 4)], "x.sum(1)"),
    same(lambda lib, x: x.mean(-2, True), [(2, 3, 4)], "x.mean(-2, True)"),
    # max / min: full reduction, and (values, indices) along one dim
    *[Case(f, [s], f.__name__, _np(g)) for f, g in EXTREMES for s in [(), (5,), (3, 4)]],
    same(lambda lib, x: lib.max(x, 1).values, [(3, 4)], "max(x, 1).values"),
    same(lambda lib, x: lib.max(x, -1, keepdim=True)[0], [(3, 4)], "max(x, -1, keepdim)[0]"),
    same(lambda lib, x: lib.min(x, dim=0).values, [(3, 4)], "min(x, dim=0).values"),
    same(lambda lib, x: lib.min(x, axis=2, keepdims=True).values, [(2, 3, 4)], "min axis="),
    same(lambda lib, x: lib.max(x, 0).values, [()], "max(0-d, 0).values"),
    same(lambda lib, x: x.max(), [(3, 4)], "x.max()"),
    same(lambda lib, x: x.min(1)[0], [(3, 4)], "x.min(1)[0]"),
    *[Case(f, [(3, 4)], f.__name__, _np(g), kwargs=k) for f, g in AEXTREMES for k in AMAX_DIMS],
    Case(dl.amax, [(2, 3, 4)], "amax", _np(np.max), kwargs=dict(dim=(0, 2), keepdim=True)),
    # prod, also at zeros, where dividing y by x would be wrong
    *[Case(dl.prod, [s], "prod", _np(np.prod), kwargs=k) for s, k in PROD_DIMS],
    *[
        Case(
            dl.prod, [], "prod", _np(np.prod), k, make_inputs=_with_zeros(n), name=f"prod {n}0 {k}"
        )
        for n in (1, 2)
        for k in [{}, dict(dim=1), dict(dim=0)]
    ],
    # logsumexp (torch always takes a dim), also where exp alone would overflow
    *[Case(dl.logsumexp, [s], "logsumexp", kwargs=k) for s, k in LSE_DIMS],
    Case(dl.logsumexp, [(3, 4)], lambda x: x.exp().sum().log(), name="logsumexp over all"),
    Case(dl.logsumexp, [(3,)], "logsumexp", None, dict(dim=0), 800, 1000, name="logsumexp 800+"),
    # var / std: unbiased by default as PyTorch
    *[Case(f, [s], f.__name__, _var(g), kwargs=k) for f, g in VARS for s, k in VAR_DIMS],
    same(lambda lib, x: x.var(1, unbiased=False), [(3, 4)], "x.var(1, unbiased=False)"),
    same(lambda lib, x: x.std(-1, keepdim=True), [(3, 4)], "x.std(-1, keepdim=True)"),
    same(lambda lib, x: x.var((0, 2), keepdim=True), [(2, 3, 4)], "x.var((0, 2), keepdim)"),
]

test_op = op_tests(CASES)

X = np.random.default_rng(3).standard_normal((3, 4, 5))


@pytest.mark.parametrize("find", ["argmax", "argmin"])
@pytest.mark.parametrize(
    "kw, np_kw",
    [
        ({}, {}),
        (dict(keepdim=True), dict(keepdims=True)),
        (dict(dim=1), dict(axis=1)),
        (dict(dim=-1, keepdim=True), dict(axis=-1, keepdims=True)),
        (dict(axis=0), dict(axis=0)),
        (dict(axis=2, keepdims=True), dict(axis=2, keepdims=True)),
    ],
)
def test_arg_reductions_are_int64_indices(find, kw, np_kw):
    x = dl.tensor(X, requires_grad=True)
    got = getattr(dl, find)(x, **kw)
    assert got.dtype == np.int64 and not got.requires_grad
    want = getattr(np, find)(X, **np_kw)
    assert got.shape == np.shape(want)
    np.testing.assert_array_equal(got.numpy(), want)


def test_argmax_of_a_scalar_and_the_tutorial_spelling():
    assert dl.argmax(dl.tensor(2.5)).item() == 0 and dl.argmax(dl.tensor(2.5), 0).shape == ()
    logits = dl.tensor([[0.1, 2.0, -1.0], [3.0, 0.0, 0.5]])
    assert dl.argmax(logits, axis=1).tolist() == [1, 0]
    assert logits.argmax(dim=1).tolist() == [1, 0]


@pytest.mark.parametrize("dim", [1, -1, 0])
@pytest.mark.parametrize("keepdim", [False, True])
@requires_torch
def test_max_min_with_dim_match_torch_values_and_indices(dim, keepdim):
    import torch

    for name in ("max", "min"):
        ours = getattr(dl, name)(dl.tensor(X), dim, keepdim)
        theirs = getattr(torch, name)(torch.tensor(X), dim, keepdim)
        np.testing.assert_allclose(ours.values.numpy(), theirs.values.numpy())
        np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
        assert ours.indices.dtype == np.int64
        values, indices = ours  # a namedtuple, unpacked as in PyTorch
        assert values is ours[0] and indices is ours.indices


def test_max_of_a_scalar_along_its_dim():
    values, indices = dl.max(dl.tensor(2.5), 0)
    assert values.item() == 2.5 and indices.item() == 0 and indices.shape == ()


# ties: max(x, dim) sends the gradient to the returned index; amax and full max split it evenly
TIES = [[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]]


@pytest.mark.parametrize(
    "fn, grad",
    [
        (lambda lib, x: lib.max(x, 1).values, [[0, 1, 0], [1, 0, 0]]),
        (lambda lib, x: lib.amax(x, 1), [[0, 0.5, 0.5], [0.5, 0.5, 0]]),
        (lambda lib, x: lib.amax(x, (0, 1)), [[0, 0.5, 0.5], [0, 0, 0]]),
        (lambda lib, x: lib.max(x), [[0, 0.5, 0.5], [0, 0, 0]]),
        (lambda lib, x: lib.amin(x, 0), [[1, 0, 0], [0, 1, 1]]),
    ],
)
def test_gradient_at_ties_is_pytorchs(fn, grad):
    x = dl.tensor(TIES, requires_grad=True)
    fn(dl, x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), grad)
    if HAS_TORCH:
        import torch

        t = torch.tensor(TIES, requires_grad=True)
        fn(torch, t).sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy())


@pytest.mark.parametrize(
    "call",
    [
        lambda x: x.sum(3),
        lambda x: x.mean(-4),
        lambda x: x.sum((0, 3)),
        lambda x: dl.max(x, 3),
        lambda x: x.amin(-4),
        lambda x: x.prod(3),
        lambda x: x.logsumexp(3),
        lambda x: x.var(3),
        lambda x: x.std(axis=5),
        lambda x: x.argmax(3),
        lambda x: dl.argmin(x, axis=-4),
    ],
)
def test_out_of_range_dim_raises_index_error(call):
    with pytest.raises(IndexError, match=r"Dimension out of range.*\[-3, 2\]"):
        call(dl.tensor(X))


def test_scalar_accepts_dims_0_and_minus_1_only():
    s = dl.tensor(2.0)
    assert s.sum(0).item() == 2.0 and s.mean(-1).item() == 2.0
    with pytest.raises(IndexError, match=r"\[-1, 0\]"):
        s.sum(1)


def test_mean_of_integers_is_an_error_as_in_pytorch():
    with pytest.raises(RuntimeError, match="floating point"):
        dl.tensor([1, 2, 3]).mean()


@pytest.mark.parametrize("name, kw", [("mean", {}), ("mean", {"dim": 0}), ("sum", {"dim": 1})])
def test_dtype_argument_reduces_in_that_dtype_even_from_integers(name, kw):
    x = dl.tensor([[1, 2], [3, 6]])
    out = getattr(dl, name)(x, dtype=dl.float64, **kw)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(getattr(x, name)(dtype=dl.float64, **kw).numpy(), out.numpy())
    if HAS_TORCH:
        import torch

        expected = getattr(torch, name)(torch.tensor([[1, 2], [3, 6]]), dtype=torch.float64, **kw)
        np.testing.assert_array_equal(out.numpy(), expected.numpy())


@pytest.mark.parametrize("reduce", [dl.sum, dl.mean, dl.max, dl.min])
def test_out_argument_is_refused_not_ignored(reduce):
    target = dl.zeros(())
    with pytest.raises(NotImplementedError, match="out="):
        reduce(dl.tensor([1.0, 2.0]), out=target)
    assert target.item() == 0.0


def test_numpy_reductions_on_a_tensor_still_work():
    t = dl.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert np.sum(t).item() == 10.0 and np.mean(t, axis=0).tolist() == [2.0, 3.0]
    assert np.max(t).item() == 4.0
