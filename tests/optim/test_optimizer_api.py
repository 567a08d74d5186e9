"""The Optimizer base: both ways of driving it, state_dict, param groups, errors."""

import numpy as np
import pytest

import deepling as dl
from deepling import optim
from tests.helpers import requires_torch

ALL = ["SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "Adadelta", "Adamax", "NAdam"]
RICH = {  # settings that give every rule all of its state
    "SGD": dict(lr=0.05, momentum=0.9, nesterov=True),
    "RMSprop": dict(lr=0.01, momentum=0.5, centered=True),
    "Adam": dict(lr=0.05, amsgrad=True),
}


def grads_at(params, t):
    rng = np.random.default_rng(t)
    return [2 * p.detach().numpy() + rng.standard_normal(p.shape) for p in params]


def fresh():
    return [
        dl.tensor(np.linspace(-1, 1, 6).reshape(2, 3), requires_grad=True),
        dl.tensor(np.array(0.5), requires_grad=True),
    ]


def train(opt, params, ts):
    for t in ts:
        for p, g in zip(params, grads_at(params, t)):
            p.grad = dl.tensor(g)
        opt.step()


@pytest.mark.parametrize("name", ALL)
def test_state_dict_round_trip_continues_identically(name):
    kwargs = RICH.get(name, dict(lr=0.05))
    a = fresh()
    opt_a = getattr(optim, name)(a, **kwargs)
    train(opt_a, a, range(20))

    b = fresh()
    opt_b = getattr(optim, name)(b, **kwargs)
    train(opt_b, b, range(10))
    saved = opt_b.state_dict()
    c = [dl.tensor(p.detach().numpy().copy(), requires_grad=True) for p in b]
    opt_c = getattr(optim, name)(c, lr=123.0)  # hyperparameters come back from the dict too
    opt_c.load_state_dict(saved)
    train(opt_b, b, range(10, 20))  # must not change `saved`
    train(opt_c, c, range(10, 20))
    for x, y, z in zip(a, b, c):
        np.testing.assert_array_equal(x.detach().numpy(), y.detach().numpy())
        np.testing.assert_array_equal(x.detach().numpy(), z.detach().numpy())


def test_state_dict_has_torchs_layout_with_deepling_tensors():
    params = fresh()
    opt = optim.Adam([{"params": params[:1]}, {"params": params[1:], "lr": 0.5}], lr=0.1)
    train(opt, params, range(2))
    sd = opt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [[0], [1]]
    assert [g["lr"] for g in sd["param_groups"]] == [0.1, 0.5]
    assert set(sd["state"][0]) == {"step", "exp_avg", "exp_avg_sq"} and sd["state"][0]["step"] == 2
    assert (
        isinstance(sd["state"][1]["exp_avg"], dl.Tensor) and sd["state"][1]["exp_avg"].shape == ()
    )


@requires_torch
def test_loads_a_torch_state_dict_and_continues_like_torch():
    import torch

    theirs = [torch.tensor(p.detach().numpy(), requires_grad=True) for p in fresh()]
    topt = torch.optim.Adam(theirs, lr=0.05, amsgrad=True)
    for t in range(10):
        for p, g in zip(theirs, grads_at([dl.tensor(p.detach().numpy()) for p in theirs], t)):
            p.grad = torch.tensor(g)
        topt.step()
    ours = [dl.tensor(p.detach().numpy().copy(), requires_grad=True) for p in theirs]
    opt = optim.Adam(ours)
    opt.load_state_dict(topt.state_dict())
    train(opt, ours, range(10, 15))
    for t in range(10, 15):
        for p, g in zip(theirs, grads_at([dl.tensor(p.detach().numpy()) for p in theirs], t)):
            p.grad = torch.tensor(g)
        topt.step()
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-10)


def test_apply_gradients_equals_step_and_keeps_state_across_calls():
    a, b = fresh(), fresh()
    stepped = optim.Adam(a, lr=0.05)
    applied = optim.Adam(0.05)  # no parameters: a number first is the learning rate
    assert applied.learning_rate == 0.05 and applied.param_groups[0]["params"] == []
    for t in range(5):
        train(stepped, a, [t])
        assert applied.apply_gradients(zip([dl.tensor(g) for g in grads_at(b, t)], b)) == t + 1
    assert len(applied.state) == 2 and applied.state[b[0]]["step"] == 5
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x.detach().numpy(), y.detach().numpy())
    assert optim.SGD(learning_rate=0.3).learning_rate == 0.3


def test_apply_gradients_skips_none_with_a_warning_and_refuses_all_none():
    w, b = dl.tensor([1.0], requires_grad=True), dl.tensor([1.0], requires_grad=True)
    opt = optim.SGD(0.5)
    with pytest.warns(UserWarning, match="Gradients do not exist for variables"):
        opt.apply_gradients([(dl.tensor([1.0]), w), (None, b)])
    assert w.item() == 0.5 and b.item() == 1.0
    with pytest.raises(ValueError, match="No gradients provided for any variable"):
        opt.apply_gradients([(None, w)])
    with pytest.raises(ValueError, match=r"gradient 0 of shape \(2,\) .*does not match .* \(1,\)"):
        opt.apply_gradients([(dl.tensor([1.0, 2.0]), w)])


def test_zero_grad_step_closure_iterations_and_learning_rate():
    w = dl.tensor([2.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    assert opt.step(closure).item() == 4.0 and w.item() == 1.0 and opt.iterations == 1
    opt.zero_grad(set_to_none=False)
    assert w.grad.tolist() == [0.0]
    opt.zero_grad()
    assert w.grad is None
    opt.step()  # no gradient: nothing moves
    assert w.item() == 1.0
    opt.add_param_group({"params": [dl.tensor([0.0], requires_grad=True)], "lr": 1.0})
    opt.learning_rate = 0.1
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.1]
    assert "Parameter Group 1" in repr(opt) and "lr: 0.1" in repr(opt)


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda p: optim.SGD(p, lr=-1), ValueError, "Invalid learning rate: -1"),
        (lambda p: optim.SGD(p, momentum=-0.5), ValueError, "Invalid momentum value: -0.5"),
        (lambda p: optim.SGD(p, weight_decay=-1), ValueError, "Invalid weight_decay value: -1"),
        (lambda p: optim.SGD(p, nesterov=True), ValueError, "Nesterov momentum requires"),
        (lambda p: optim.Adam(p, betas=(1.0, 0.9)), ValueError, "beta parameter at index 0: 1.0"),
        (lambda p: optim.Adam(p, eps=-1), ValueError, "Invalid epsilon value: -1"),
        (lambda p: optim.Adadelta(p, rho=1.5), ValueError, "Invalid rho value: 1.5"),
        (lambda p: optim.Adagrad(p, lr_decay=-1), ValueError, "Invalid lr_decay value: -1"),
        (lambda p: optim.RMSprop(p, alpha=-1), ValueError, "Invalid alpha value: -1"),
        (lambda p: optim.NAdam(p, momentum_decay=-1), ValueError, "momentum_decay value: -1"),
        (lambda p: optim.SGD([], lr=0.1), ValueError, "empty parameter list"),
        (lambda p: optim.SGD(p[0]), TypeError, "iterable of Tensors or dicts, but got Tensor"),
        (lambda p: optim.SGD([np.zeros(2)]), TypeError, "can only optimize Tensors"),
        (lambda p: optim.SGD([p[0] * 2]), ValueError, "can't optimize a non-leaf Tensor"),
        (lambda p: optim.SGD([{"params": p}, {"params": p[:1]}]), ValueError, "more than one"),
    ],
)
def test_bad_arguments_raise_torchs_errors(make, error, message):
    with pytest.raises(error, match=message):
        make(fresh())


def test_load_state_dict_checks_the_groups():
    params = fresh()
    saved = optim.SGD(params).state_dict()
    with pytest.raises(ValueError, match="different number of parameter groups"):
        optim.SGD([{"params": params[:1]}, {"params": params[1:]}]).load_state_dict(saved)
    with pytest.raises(ValueError, match="doesn't match the size"):
        optim.SGD(params[:1]).load_state_dict(saved)
