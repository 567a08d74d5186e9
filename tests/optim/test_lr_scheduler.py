"""Learning-rate schedulers: the same lr sequences as torch.optim.lr_scheduler."""

import math

import numpy as np
import pytest

import deepling as dl
from deepling import optim
from deepling.optim import lr_scheduler as S
from tests.helpers import requires_torch

EPOCHS = 25


def make_sgd(lib, momentum=0.9):
    a = lib.zeros(2, requires_grad=True)
    b = lib.zeros(3, requires_grad=True)
    return lib.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1, momentum=momentum)


def make_adam(lib):
    return lib.optim.Adam([lib.zeros(2, requires_grad=True)], lr=0.01)


def lr_sequence(sched, opt, metrics=None):
    """get_last_lr() and group momenta/betas before each epoch's step, as a training loop sees."""
    seen = []
    for epoch in range(EPOCHS):
        seen.append(
            (sched.get_last_lr(), [g.get("momentum", g.get("betas")) for g in opt.param_groups])
        )
        opt.step()
        sched.step(*([metrics[epoch]] if metrics else []))
    return seen


PLATEAU_METRICS = [1.0, 0.9, 0.9, 0.9, 0.9, 0.95, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5] + [0.4] * 13

CASES = {
    "StepLR": (make_sgd, lambda m, o: m.StepLR(o, step_size=3, gamma=0.5)),
    "MultiStepLR": (make_sgd, lambda m, o: m.MultiStepLR(o, milestones=[2, 5, 5, 11], gamma=0.3)),
    "ExponentialLR": (make_sgd, lambda m, o: m.ExponentialLR(o, gamma=0.9)),
    "CosineAnnealingLR": (make_sgd, lambda m, o: m.CosineAnnealingLR(o, T_max=7, eta_min=0.01)),
    "LambdaLR": (make_sgd, lambda m, o: m.LambdaLR(o, [lambda e: 0.95**e, lambda e: 1 / (e + 1)])),
    "OneCycleLR": (make_sgd, lambda m, o: m.OneCycleLR(o, max_lr=[1.0, 2.0], total_steps=EPOCHS)),
    "OneCycleLR-linear-3phase-adam": (
        make_adam,
        lambda m, o: m.OneCycleLR(
            o, 0.1, epochs=5, steps_per_epoch=5, anneal_strategy="linear", three_phase=True
        ),
    ),
    "ReduceLROnPlateau": (
        make_sgd,
        lambda m, o: m.ReduceLROnPlateau(o, factor=0.5, patience=2, cooldown=1, min_lr=0.02),
    ),
}


@requires_torch
@pytest.mark.parametrize("name", list(CASES))
def test_lr_sequence_matches_torch(name):
    import torch

    make_opt, make_sched = CASES[name]
    metrics = PLATEAU_METRICS if name == "ReduceLROnPlateau" else None
    ours_opt, theirs_opt = make_opt(dl), make_opt(torch)
    ours = lr_sequence(make_sched(S, ours_opt), ours_opt, metrics)
    theirs = lr_sequence(make_sched(torch.optim.lr_scheduler, theirs_opt), theirs_opt, metrics)
    assert len({tuple(lrs) for lrs, _ in ours}) > 2, "the schedule never changed the rate"
    for epoch, ((lr_a, mom_a), (lr_b, mom_b)) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(lr_a, lr_b, rtol=1e-13, err_msg=f"epoch {epoch}")
        np.testing.assert_allclose(np.array(mom_a, float), np.array(mom_b, float), rtol=1e-13)


def test_step_lr_by_hand_and_state_dict():
    opt = make_sgd(dl)
    sched = S.StepLR(opt, step_size=2, gamma=0.5)
    got = []
    for _ in range(6):
        got.append(sched.get_last_lr()[0])
        opt.step()
        sched.step()
    assert got == [0.1, 0.1, 0.05, 0.05, 0.025, 0.025]
    assert opt.param_groups[1]["lr"] == 0.5 / 8
    saved = sched.state_dict()
    assert "optimizer" not in saved and saved["last_epoch"] == 6
    other = S.StepLR(make_sgd(dl), step_size=99)
    other.load_state_dict(saved)
    assert other.step_size == 2 and other.last_epoch == 6 and other.base_lrs == [0.1, 0.5]


def test_cosine_follows_the_closed_form_within_one_cycle():
    opt = make_sgd(dl)
    sched = S.CosineAnnealingLR(opt, T_max=10)
    for epoch in range(11):
        expected = 0.1 * (1 + math.cos(math.pi * epoch / 10)) / 2
        assert sched.get_last_lr()[0] == pytest.approx(expected, abs=1e-12)
        sched.step()


def test_reduce_on_plateau_by_hand():
    opt = make_sgd(dl)
    sched = S.ReduceLROnPlateau(opt, mode="max", factor=0.5, patience=1)
    for acc in [0.5, 0.6, 0.6, 0.6, 0.6]:
        sched.step(dl.tensor(acc))
    assert sched.get_last_lr() == [0.05, 0.25] and sched.best == pytest.approx(0.6)


def test_scheduler_errors():
    with pytest.raises(TypeError, match="list is not an Optimizer"):
        S.StepLR([], step_size=1)
    with pytest.raises(ValueError, match="Expected 2 lr_lambdas, but got 1"):
        S.LambdaLR(make_sgd(dl), [lambda e: 1.0])
    with pytest.raises(ValueError, match="Factor should be < 1.0"):
        S.ReduceLROnPlateau(make_sgd(dl), factor=2.0)
    with pytest.raises(ValueError, match="total_steps OR"):
        S.OneCycleLR(make_sgd(dl), 1.0)
    with pytest.raises(KeyError, match="initial_lr"):
        S.StepLR(make_sgd(dl), step_size=1, last_epoch=3)
    sched = S.OneCycleLR(make_sgd(dl), 1.0, total_steps=2)
    sched.step()
    sched.step()
    with pytest.raises(ValueError, match="Tried to step 3 times"):
        sched.step()
    assert optim.lr_scheduler.StepLR is S.StepLR
