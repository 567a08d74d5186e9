"""nn.init: gains equal torch's, draws have the right bounds and spread, in place, seeded."""

import math

import numpy as np
import pytest

import deepling as dl
from deepling.nn import init
from tests.helpers import requires_torch

GAINS = [
    ("linear", None),
    ("conv2d", None),
    ("sigmoid", None),
    ("tanh", None),
    ("relu", None),
    ("leaky_relu", None),
    ("leaky_relu", 0.2),
    ("leaky_relu", math.sqrt(5)),
    ("selu", None),
]


@requires_torch
@pytest.mark.parametrize("nonlinearity, param", GAINS)
def test_calculate_gain_equals_torchs(nonlinearity, param):
    import torch

    expected = torch.nn.init.calculate_gain(nonlinearity, param)
    assert init.calculate_gain(nonlinearity, param) == pytest.approx(expected, rel=1e-12)


def test_calculate_gain_values_and_errors():
    assert init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert init.calculate_gain("leaky_relu", 0.0) == pytest.approx(math.sqrt(2))
    with pytest.raises(ValueError, match="Unsupported nonlinearity softsign"):
        init.calculate_gain("softsign")
    with pytest.raises(ValueError, match="not a valid number"):
        init.calculate_gain("leaky_relu", "x")


def _filled(fn, shape=(200, 300), **kwargs):
    dl.manual_seed(0)
    t = dl.nn.Parameter(dl.zeros(*shape))
    data = t._data
    assert fn(t, **kwargs) is t
    assert t._data is data and t.requires_grad and t.grad_fn is None  # in place, no graph
    return t.detach().numpy()


def _uniform_bound(w, bound):
    assert np.abs(w).max() <= bound + 1e-7
    assert np.abs(w).max() > 0.99 * bound
    assert w.std() == pytest.approx(bound / math.sqrt(3), rel=0.02)  # std of U(-b, b)


def test_uniform_and_normal():
    w = _filled(init.uniform_, a=-2.0, b=1.0)
    assert w.min() >= -2 and w.max() < 1 and w.mean() == pytest.approx(-0.5, abs=0.01)
    w = _filled(init.normal_, mean=3.0, std=0.5)
    assert w.mean() == pytest.approx(3.0, abs=0.01) and w.std() == pytest.approx(0.5, rel=0.01)


def test_constants():
    assert (_filled(init.zeros_) == 0).all()
    assert (_filled(init.ones_) == 1).all()
    assert (_filled(init.constant_, val=0.25) == 0.25).all()
    assert (_filled(init.eye_, shape=(3, 4)) == np.eye(3, 4)).all()


def test_xavier():
    _uniform_bound(_filled(init.xavier_uniform_, gain=2.0), 2.0 * math.sqrt(6 / 500))
    w = _filled(init.xavier_normal_)
    assert w.std() == pytest.approx(math.sqrt(2 / 500), rel=0.01)


@pytest.mark.parametrize("mode, fan", [("fan_in", 300 * 9), ("fan_out", 200 * 9)])
def test_kaiming_uses_fans_of_conv_weights(mode, fan):
    shape = (200, 300, 3, 3)
    w = _filled(init.kaiming_uniform_, shape=shape, mode=mode, nonlinearity="relu")
    _uniform_bound(w, math.sqrt(2) * math.sqrt(3 / fan))
    w = _filled(init.kaiming_normal_, shape=shape, mode=mode, nonlinearity="relu")
    assert w.std() == pytest.approx(math.sqrt(2 / fan), rel=0.01)


def test_kaiming_with_sqrt5_is_linears_bound():
    _uniform_bound(_filled(init.kaiming_uniform_, a=math.sqrt(5)), 1 / math.sqrt(300))


def test_trunc_normal_stays_inside():
    w = _filled(init.trunc_normal_, std=1.0, a=-0.5, b=0.5)
    assert w.min() >= -0.5 and w.max() <= 0.5 and w.std() > 0.25


def test_init_errors():
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init.xavier_uniform_(dl.zeros(3))
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        init.kaiming_uniform_(dl.zeros(3, 3), mode="fan_avg")


def test_draws_repeat_with_the_seed():
    a = _filled(init.normal_)
    np.testing.assert_array_equal(_filled(init.normal_), a)


def test_init_accepts_the_array_behind_a_parameter():
    layer = dl.nn.Linear(3, 2)
    init.constant_(layer.weight.data, 0.5)  # tutorials write init.normal_(m.weight.data, ...)
    init.xavier_uniform_(layer.weight.data)
    init.zeros_(layer.bias.data)
    assert layer.weight.dtype == np.float32 and np.abs(
        layer.weight.detach().numpy()
    ).max() <= math.sqrt(6 / 5)
    assert not layer.bias.detach().numpy().any()


SEEDED = [
    init.uniform_,
    init.normal_,
    init.trunc_normal_,
    init.xavier_uniform_,
    init.xavier_normal_,
    init.kaiming_uniform_,
    init.kaiming_normal_,
]


@pytest.mark.parametrize("fill", SEEDED, ids=lambda f: f.__name__)
def test_generator_repeats_draws_and_leaves_the_global_generator_alone(fill):
    def draw(seed):
        w = dl.zeros(20, 30)
        fill(w, generator=dl.Generator().manual_seed(seed))
        return w.numpy()

    dl.manual_seed(0)
    a, b, other = draw(7), draw(7), draw(8)
    after = dl.rand(5).numpy()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, other)
    dl.manual_seed(0)
    np.testing.assert_array_equal(dl.rand(5).numpy(), after)  # the global one did not move
    dl.manual_seed(0)
    assert not np.array_equal(fill(dl.zeros(20, 30)).numpy(), a)  # without it: the global's
