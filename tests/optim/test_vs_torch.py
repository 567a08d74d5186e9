"""Every optimizer, 20 steps from the same start on the same gradients, against torch.optim."""

import numpy as np
import pytest

import deepling as dl
from deepling import optim
from tests.helpers import requires_torch

SHAPES = [(3, 4), (4,), ()]
STEPS = 20


def quadratic_grads(params, t):
    """g = a * p + c_t: a fixed convex quadratic plus prescribed random linear terms, so each
    gradient depends on the parameters and differences compound over the steps."""
    rng = np.random.default_rng(100 + t)
    return [(1.0 + 0.5 * i) * p + rng.standard_normal(np.shape(p)) for i, p in enumerate(params)]


def start():
    rng = np.random.default_rng(0)
    return [rng.standard_normal(s) for s in SHAPES]


def run_ours(name, kwargs, steps=STEPS, groups=None):
    params = [dl.tensor(a, requires_grad=True) for a in start()]
    opt = getattr(optim, name)(groups(params) if groups else params, **kwargs)
    for t in range(steps):
        for p, g in zip(params, quadratic_grads([p.detach().numpy() for p in params], t)):
            p.grad = dl.tensor(g)
        opt.step()
    return [p.detach().numpy() for p in params]


def run_torch(name, kwargs, steps=STEPS, groups=None):
    import torch

    params = [torch.tensor(a, requires_grad=True) for a in start()]
    opt = getattr(torch.optim, name)(groups(params) if groups else params, **kwargs)
    for t in range(steps):
        for p, g in zip(params, quadratic_grads([p.detach().numpy() for p in params], t)):
            p.grad = torch.tensor(g)
        opt.step()
    return [p.detach().numpy() for p in params]


CASES = [
    ("SGD", dict(lr=0.05)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.1)),
    ("SGD", dict(lr=0.01, maximize=True)),
    ("Adagrad", dict()),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05, weight_decay=0.1, initial_accumulator_value=0.5)),
    ("Adagrad", dict(lr=0.1, eps=1e-2)),
    ("RMSprop", dict()),
    ("RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.9)),
    ("RMSprop", dict(lr=0.01, centered=True)),
    ("RMSprop", dict(lr=0.01, centered=True, momentum=0.5, weight_decay=0.1, eps=1e-3)),
    ("Adam", dict(lr=0.05)),
    ("Adam", dict(lr=0.05, amsgrad=True)),
    ("Adam", dict(lr=0.05, weight_decay=0.1)),
    ("Adam", dict(lr=0.05, betas=(0.8, 0.9), eps=1e-3, maximize=True)),
    ("Adam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True)),
    ("AdamW", dict(lr=0.05)),
    ("AdamW", dict(lr=0.05, weight_decay=0.2, amsgrad=True)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.5, eps=1e-3, weight_decay=0.1)),
    ("Adamax", dict(lr=0.05)),
    ("Adamax", dict(lr=0.05, betas=(0.8, 0.9), eps=1e-3, weight_decay=0.1)),
    ("NAdam", dict(lr=0.05)),
    ("NAdam", dict(lr=0.05, weight_decay=0.1)),
    ("NAdam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True)),
    ("NAdam", dict(lr=0.05, momentum_decay=0.1, betas=(0.8, 0.99))),
]


@requires_torch
@pytest.mark.parametrize("name, kwargs", CASES, ids=[f"{n}{k}" for n, k in CASES])
def test_twenty_steps_match_torch(name, kwargs):
    ours, theirs = run_ours(name, kwargs), run_torch(name, kwargs)
    for p0, a, b in zip(start(), ours, theirs):
        assert not np.allclose(a, p0), "the parameters did not move"
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-10, err_msg=f"{name}{kwargs}")


@requires_torch
@pytest.mark.parametrize("name", ["SGD", "Adam"])
def test_param_groups_with_their_own_settings_match_torch(name):
    def groups(params):
        return [{"params": params[:1]}, {"params": params[1:], "lr": 0.2, "weight_decay": 0.1}]

    kwargs = dict(lr=0.03, momentum=0.5) if name == "SGD" else dict(lr=0.03)
    ours, theirs = run_ours(name, kwargs, groups=groups), run_torch(name, kwargs, groups=groups)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-10)


@requires_torch
@pytest.mark.parametrize(
    "name", ["SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "Adadelta", "Adamax", "NAdam"]
)
def test_defaults_are_torchs(name):
    import inspect

    import torch

    theirs = inspect.signature(getattr(torch.optim, name)).parameters
    ours = inspect.signature(getattr(optim, name)).parameters
    for key, p in theirs.items():
        if key in ours and p.default is not inspect.Parameter.empty and key != "params":
            assert ours[key].default == p.default, f"{name}({key}=...)"


@requires_torch
def test_float32_parameters_stay_float32_and_track_torch():
    import torch

    a = np.random.default_rng(0).standard_normal((5,)).astype(np.float32)
    ours, theirs = dl.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    opt, topt = optim.Adam([ours], lr=0.1), torch.optim.Adam([theirs], lr=0.1)
    for t in range(STEPS):
        g = (2 * a + t).astype(np.float32)
        ours.grad, theirs.grad = dl.tensor(g), torch.tensor(g)
        opt.step()
        topt.step()
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-5, atol=1e-6)
