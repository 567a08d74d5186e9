"""Fused updates (optim/fused.py) give bit for bit what per-parameter updates give, keep
per-parameter state for checkpoints, and step aside when parameters are not in step."""

import numpy as np
import pytest

import deepling as dl
from deepling import keras, nn, optim

RULES = [
    (optim.SGD, dict(lr=0.1, momentum=0.9)),
    (optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
    (optim.Adam, dict(lr=0.01, amsgrad=True)),
    (optim.AdamW, dict(lr=0.01, weight_decay=0.1, maximize=True)),
    (optim.RMSprop, dict(lr=0.01, momentum=0.5, centered=True)),
    (optim.Adagrad, dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1)),
    (optim.Adadelta, dict(lr=1.0)),
    (optim.Adamax, dict(lr=0.01)),
    (optim.NAdam, dict(lr=0.01)),
    (keras.optimizers.Adam, dict(learning_rate=0.01)),
    (keras.optimizers.RMSprop, dict(learning_rate=0.01, momentum=0.5)),
]


def _model():
    dl.manual_seed(0)
    return nn.Sequential(nn.Linear(5, 7), nn.Tanh(), nn.Linear(7, 3))


def _train(opt_cls, settings, fused: bool, steps=5, monkeypatch=None):
    model = _model()
    params = list(model.parameters())
    keras_style = opt_cls.__module__.startswith("deepling.keras")
    opt = opt_cls(**settings) if keras_style else opt_cls(params, **settings)
    if not fused:
        monkeypatch.setattr(opt, "_fuses", lambda group: False)
    x = dl.tensor(np.random.default_rng(1).normal(size=(8, 5)).astype(np.float32))
    for _ in range(steps):
        loss = (model(x) ** 2).mean()
        if keras_style:
            opt.apply_gradients(zip(dl.autograd.grad(loss, params), params))
        else:
            opt.zero_grad()
            loss.backward()
            opt.step()
    return params, opt


@pytest.mark.parametrize("opt_cls, settings", RULES)
def test_fused_steps_equal_per_parameter_steps_bit_for_bit(opt_cls, settings, monkeypatch):
    fused_params, fused_opt = _train(opt_cls, settings, True)
    plain_params, plain_opt = _train(opt_cls, settings, False, monkeypatch=monkeypatch)
    assert fused_opt.__dict__.get("_fused"), "the fused path did not run"
    for a, b in zip(fused_params, plain_params):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    for a, b in zip(fused_params, plain_params):
        sa, sb = fused_opt.state[a], plain_opt.state[b]
        assert sa.keys() == sb.keys()
        for key in sa:
            np.testing.assert_array_equal(np.asarray(sa[key]), np.asarray(sb[key]), err_msg=key)


def test_checkpoints_hold_per_parameter_state_and_resume_exactly():
    params, opt = _train(optim.Adam, dict(lr=0.01), True)
    saved = opt.state_dict()
    assert [tuple(saved["state"][i]["exp_avg"].shape) for i in range(4)] == [(7, 5), (7,), (3, 7), (3,)]  # fmt: skip
    twins = [dl.tensor(p.detach().numpy().copy(), requires_grad=True) for p in params]
    again = optim.Adam(twins, lr=0.01)
    again.load_state_dict(saved)
    for a, b in zip(params, twins):
        a.grad = dl.ones_like(a)
        b.grad = dl.ones_like(b)
    opt.step()
    again.step()  # its first step fuses state built from the checkpoint's arrays
    for a, b in zip(params, twins):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    assert again.state[twins[0]]["step"] == opt.state[params[0]]["step"] == 6


def test_a_parameter_that_missed_steps_is_updated_on_its_own():
    a, b = dl.ones(3, requires_grad=True), dl.ones(2, requires_grad=True)
    opt = optim.Adam([a, b], lr=0.1)
    for step in range(3):
        opt.zero_grad()
        loss = (a * a).sum() + ((b * b).sum() if step != 1 else 0.0)
        loss.backward()
        opt.step()
    assert opt.state[a]["step"] == 3 and opt.state[b]["step"] == 2
    reference = dl.ones(2, requires_grad=True)
    ref_opt = optim.Adam([reference], lr=0.1)
    for _ in range(2):
        ref_opt.zero_grad()
        (reference * reference).sum().backward()
        ref_opt.step()
    np.testing.assert_array_equal(b.detach().numpy(), reference.detach().numpy())


def test_changes_made_between_steps_are_seen():
    """WGAN's clipping through `.data` between steps: the next step starts from it."""
    params, opt = _train(optim.RMSprop, dict(lr=0.01), True, steps=2)
    for p in params:
        p.data.copy_(p.data.clamp(-0.01, 0.01))  # through .data: p's own counter stays
        p.grad = dl.zeros_like(p)
    opt.step()
    assert all(float(abs(p).max()) <= 0.01 + 1e-7 for p in params)
