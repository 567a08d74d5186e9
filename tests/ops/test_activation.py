import math
import warnings

import numpy as np
import pytest

import deepling as dl
from tests.helpers import Case, op_tests, requires_torch


def _away_from_zero(shape):
    """Inputs in [-2, -0.1] or [0.1, 2], so central differences never straddle the kink at 0."""

    def make(rng):
        return [rng.choice([-1.0, 1.0], shape) * rng.uniform(0.1, 2.0, shape)]

    return make


def _gelu(x, approximate="none"):
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    return 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))


def _log_softmax(x, dim):
    shifted = x - x.max(dim, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(dim, keepdims=True))


# forward references for runs without PyTorch
NUMPY = dict(
    sigmoid=lambda x: 1 / (1 + np.exp(-x)),
    relu=lambda x: np.maximum(x, 0),
    leaky_relu=lambda x, negative_slope=0.01: np.where(x > 0, x, negative_slope * x),
    elu=lambda x, alpha=1.0: np.where(x > 0, x, alpha * np.expm1(x)),
    gelu=_gelu,
    softplus=lambda x, beta=1.0, threshold=20.0: np.where(
        beta * x > threshold, x, np.log1p(np.exp(beta * x)) / beta
    ),
    log_softmax=_log_softmax,
    softmax=lambda x, dim: np.exp(_log_softmax(x, dim)),
)


def _case(fn, shapes, **settings):
    """A case of dl.<name> against torch.nn.functional.<name> (imported only when it runs)."""

    def reference(*xs, **kwargs):
        import torch.nn.functional as F

        return getattr(F, fn)(*xs, **kwargs)

    return Case(getattr(dl, fn), shapes, reference, NUMPY[fn], **settings)


def _logits(rng):
    """Logits 2000 apart: exp overflows without the max shift, and whole rows underflow."""
    x = rng.uniform(-2, 2, (3, 4))
    x[0] += 1000.0
    x[1, :2] -= 1000.0
    x[2, 1] += 1000.0
    return [x]


def _kinked(name, **kwargs):
    return [_case(name, [s], kwargs=kwargs, make_inputs=_away_from_zero(s)) for s in SHAPES]


SHAPES = [(), (5,), (3, 4)]
TANH = dict(approximate="tanh")
CASES = [
    *[_case("sigmoid", [s], low=-6, high=6) for s in SHAPES],
    *_kinked("relu"),
    *_kinked("leaky_relu"),
    *_kinked("leaky_relu", negative_slope=0.2),
    *_kinked("elu"),
    *_kinked("elu", alpha=0.5),
    *[_case("gelu", [s], low=-4, high=4) for s in SHAPES],
    *[_case("gelu", [s], kwargs=TANH, low=-4, high=4) for s in SHAPES],
    *[_case("softplus", [s], low=-5, high=5) for s in SHAPES],
    _case("softplus", [(3, 4)], kwargs=dict(beta=2.0), low=-3),
    _case("softplus", [(4, 5)], kwargs=dict(beta=2.0, threshold=1.0), low=-3),
    _case("softplus", [(3, 4)], kwargs=dict(threshold=5.0), low=-10, high=10),
]
for _fn in ("softmax", "log_softmax"):
    CASES += [
        *[_case(_fn, [(3, 4)], kwargs=dict(dim=d)) for d in (0, 1, -1)],
        _case(_fn, [(2, 3, 4)], kwargs=dict(dim=1)),
        _case(_fn, [()], kwargs=dict(dim=0)),
        _case(_fn, [(5,)], kwargs=dict(dim=-1)),
        *[
            _case(_fn, [], kwargs=dict(dim=d), make_inputs=_logits, name=f"{_fn} +-1000 {d}")
            for d in (0, 1)
        ],
    ]

test_op = op_tests(CASES)


# --- kinks, exactly as PyTorch ---
def _grad_at(fn, values, **kwargs):
    x = dl.tensor(values, requires_grad=True)
    fn(x, **kwargs).sum().backward()
    return x.grad.tolist()


def test_relu_slope_at_zero_is_zero():
    assert _grad_at(dl.relu, [-1.0, 0.0, 2.0]) == [0.0, 0.0, 1.0]


def test_leaky_relu_slope_at_zero_is_the_negative_slope():
    assert _grad_at(dl.leaky_relu, [-1.0, 0.0, 2.0], negative_slope=0.25) == [0.25, 0.25, 1.0]


def test_elu_slope_at_zero_is_alpha():
    assert _grad_at(dl.elu, [0.0, 2.0], alpha=0.5) == [0.5, 1.0]


@requires_torch
def test_kinks_agree_with_torch():
    import torch
    import torch.nn.functional as F

    for fn, kwargs in [("relu", {}), ("leaky_relu", {"negative_slope": 0.3}), ("elu", {})]:
        t = torch.tensor([-1.0, 0.0, 1.0], requires_grad=True)
        getattr(F, fn)(t, **kwargs).sum().backward()
        assert _grad_at(getattr(dl, fn), [-1.0, 0.0, 1.0], **kwargs) == t.grad.tolist()


# --- stability: no nan, no inf, no warnings ---
@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
def test_softmax_of_huge_logits_is_finite(fn):
    x = dl.tensor([[1000.0, 0.0, -1000.0], [-1000.0, -1000.0, -1000.0]], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = getattr(dl, fn)(x, dim=1)
        y.backward(dl.tensor([[1.0, 2.0, 3.0], [1.0, 0.0, -1.0]]))
    assert np.isfinite(x.grad.numpy()).all()
    if fn == "softmax":
        np.testing.assert_allclose(y.numpy(), [[1, 0, 0], [1 / 3] * 3], atol=1e-7)
    else:
        np.testing.assert_allclose(y.numpy(), [[0, -1000, -2000], [-np.log(3)] * 3], rtol=1e-6)


@pytest.mark.parametrize("fn", ["sigmoid", "softplus", "gelu", "elu", "leaky_relu"])
def test_activations_of_huge_inputs_are_finite(fn):
    x = dl.tensor([-1000.0, -50.0, 50.0, 1000.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = getattr(dl, fn)(x)
        y.sum().backward()
    assert np.isfinite(y.numpy()).all() and np.isfinite(x.grad.numpy()).all()
    assert y.tolist()[-1] == pytest.approx(1.0 if fn == "sigmoid" else 1000.0)


def test_softplus_threshold_returns_x_above_it():
    x = dl.tensor([1.0, 30.0])
    assert dl.softplus(x).tolist()[1] == 30.0
    assert dl.softplus(x, beta=2.0, threshold=1.0).tolist() == [1.0, 30.0]


# --- dtypes and defaults ---
@pytest.mark.parametrize(
    "fn", ["sigmoid", "relu", "leaky_relu", "elu", "gelu", "softplus", "softmax", "log_softmax"]
)
def test_float32_stays_float32(fn):
    x = dl.tensor([[-1.0, 0.5, 2.0]], requires_grad=True)
    y = getattr(dl, fn)(x)
    y.sum().backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32


def test_softmax_default_dim_is_pytorchs_legacy_choice():
    x = dl.tensor(np.arange(24.0).reshape(2, 3, 4) / 10)
    np.testing.assert_allclose(dl.softmax(x).sum(0).numpy(), np.ones((3, 4)))  # 3-d: dim 0
    y = dl.tensor(np.arange(6.0).reshape(2, 3))
    np.testing.assert_allclose(dl.softmax(y).sum(1).numpy(), np.ones(2))  # 2-d: dim 1
    np.testing.assert_allclose(dl.softmax(y, axis=0).sum(0).numpy(), np.ones(3))


def test_gelu_rejects_unknown_approximation():
    with pytest.raises(ValueError, match="approximate"):
        dl.gelu(dl.ones(2), approximate="fast")
