"""The loss modules against torch.nn's: constructor arguments, reprs, buffers, values and input
gradients; and the tutorial uses `nn.BCELoss()(p, y)` and `nn.CrossEntropyLoss()(logits, y)`."""

import warnings

import numpy as np
import pytest

import deepling as dl
from deepling import nn
from deepling.nn import loss as loss_modules
from tests.helpers import requires_torch

RNG = np.random.default_rng(0)
X = RNG.standard_normal((6, 4)).astype(np.float32)
P = RNG.uniform(0.05, 0.95, (6, 4)).astype(np.float32)
T_FLOAT = RNG.uniform(0, 1, (6, 4)).astype(np.float32)
T_INDEX = np.array([0, 3, 1, 2, 3, -100])
W = np.array([0.5, 2.0, 1.0, 0.25], np.float32)

# (label, builder taking (the nn namespace, a tensor maker), input, target)
MODULES = [
    ("MSELoss", lambda nn, make: nn.MSELoss(), X, T_FLOAT),
    ("MSELoss-sum", lambda nn, make: nn.MSELoss(reduction="sum"), X, T_FLOAT),
    ("L1Loss-none", lambda nn, make: nn.L1Loss(reduction="none"), X, T_FLOAT),
    ("HuberLoss", lambda nn, make: nn.HuberLoss(delta=0.5), X, T_FLOAT),
    ("SmoothL1Loss", lambda nn, make: nn.SmoothL1Loss(beta=0.5, reduction="sum"), X, T_FLOAT),
    ("BCELoss", lambda nn, make: nn.BCELoss(), P, T_FLOAT),
    ("BCELoss-weight", lambda nn, make: nn.BCELoss(weight=make(W), reduction="none"), P, T_FLOAT),
    ("BCEWithLogitsLoss", lambda nn, make: nn.BCEWithLogitsLoss(), X, T_FLOAT),
    ("BCEWithLogitsLoss-pos", lambda nn, make: nn.BCEWithLogitsLoss(make(W), pos_weight=make(W)), X, T_FLOAT),
    ("CrossEntropyLoss", lambda nn, make: nn.CrossEntropyLoss(), X, T_INDEX),
    ("CrossEntropyLoss-all", lambda nn, make: nn.CrossEntropyLoss(make(W), ignore_index=3, label_smoothing=0.1), X, T_INDEX + 103 * (T_INDEX < 0)),
    ("CrossEntropyLoss-onehot", lambda nn, make: nn.CrossEntropyLoss(), X, np.eye(4, dtype=np.float32)[[0, 3, 1, 2, 3, 0]]),
    ("NLLLoss", lambda nn, make: nn.NLLLoss(make(W), reduction="sum"), X, T_INDEX),
    ("NLLLoss-legacy", lambda nn, make: nn.NLLLoss(size_average=False), X, T_INDEX),
]  # fmt: skip


@requires_torch
@pytest.mark.parametrize("label, build, x, t", MODULES, ids=[m[0] for m in MODULES])
def test_module_matches_torch(label, build, x, t):
    import torch

    with warnings.catch_warnings():  # the legacy size_average warns, in both
        warnings.simplefilter("ignore")
        ours, theirs = build(nn, dl.tensor), build(torch.nn, torch.tensor)
    assert repr(ours) == repr(theirs) == f"{label.split('-')[0]}()"
    assert ours.reduction == theirs.reduction
    assert list(ours.state_dict()) == list(theirs.state_dict())
    xd, xt = dl.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, t_out = ours(xd, dl.tensor(t)), theirs(xt, torch.tensor(t))
    np.testing.assert_allclose(out.detach().numpy(), t_out.detach().numpy(), rtol=1e-5, atol=1e-6)
    gy = np.random.default_rng(1).standard_normal(out.shape).astype(np.float32)
    (g,) = dl.grad(out, [xd], [gy])
    (tg,) = torch.autograd.grad(t_out, [xt], [torch.tensor(gy)])
    np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-5, atol=1e-6)


@requires_torch
def test_constructor_signatures_are_torchs():
    import inspect

    import torch

    for name in ("MSELoss", "L1Loss", "HuberLoss", "SmoothL1Loss", "BCELoss",
                 "BCEWithLogitsLoss", "CrossEntropyLoss", "NLLLoss"):  # fmt: skip
        ours = inspect.signature(getattr(nn, name)).parameters
        theirs = inspect.signature(getattr(torch.nn, name)).parameters
        assert list(ours) == list(theirs), name
        assert [p.default for p in ours.values()] == [p.default for p in theirs.values()], name


def test_settings_are_kept_and_weight_is_a_buffer():
    w = dl.tensor([1.0, 2.0, 3.0])
    ce = nn.CrossEntropyLoss(weight=w, ignore_index=2, label_smoothing=0.1)
    assert (ce.weight is w, ce.ignore_index, ce.label_smoothing) == (True, 2, 0.1)
    assert list(ce.state_dict()) == ["weight"] and list(ce.parameters()) == []
    assert nn.CrossEntropyLoss().weight is None and list(nn.CrossEntropyLoss().state_dict()) == []
    assert (nn.HuberLoss(delta=2.0).delta, nn.SmoothL1Loss(beta=0.3).beta) == (2.0, 0.3)
    with pytest.warns(UserWarning, match="reduction='none'"):
        assert nn.MSELoss(reduce=False).reduction == "none"


def _binary_data():
    x = RNG.standard_normal((32, 3)).astype(np.float32)
    y = (x @ np.array([1.0, -2.0, 0.5], np.float32) > 0).astype(np.float32)[:, None]
    return dl.tensor(x), dl.tensor(y)


def test_bce_loss_trains_a_logistic_regression_as_a_tutorial_does():
    dl.manual_seed(0)
    x, y_train = _binary_data()
    model = nn.Sequential(nn.Linear(3, 1), nn.Sigmoid())
    loss_fn = nn.BCELoss()
    losses = []
    for _ in range(30):
        loss = loss_fn(model(x), y_train)
        model.zero_grad()
        loss.backward()
        with dl.no_grad():
            for p in model.parameters():
                p -= 0.5 * p.grad
        losses.append(loss.item())
    assert losses[-1] < 0.7 * losses[0]


@pytest.mark.parametrize("one_hot", [False, True])
def test_cross_entropy_loss_takes_int64_labels_or_one_hot_rows(one_hot):
    dl.manual_seed(0)
    x = dl.tensor(RNG.standard_normal((30, 4)).astype(np.float32))
    labels = np.argmax(x.numpy()[:, :3], axis=1)  # learnable from x
    y_train = dl.tensor(np.eye(3, dtype=np.float32)[labels] if one_hot else labels)
    assert y_train.dtype == (np.float32 if one_hot else np.int64)
    model, loss_fn = nn.Linear(4, 3), nn.CrossEntropyLoss()
    first = None
    for _ in range(30):
        loss = loss_fn(model(x), y_train)
        first = loss.item() if first is None else first
        model.zero_grad()
        loss.backward()
        with dl.no_grad():
            for p in model.parameters():
                p -= 0.5 * p.grad
    assert loss.item() < 0.6 * first
    both = [nn.CrossEntropyLoss()(model(x), dl.tensor(y)) for y in (labels, np.eye(3)[labels])]
    assert both[0].item() == pytest.approx(both[1].item(), rel=1e-6)


def test_the_loss_modules_are_nn_names():
    for name in ("MSELoss", "L1Loss", "HuberLoss", "SmoothL1Loss", "BCELoss",
                 "BCEWithLogitsLoss", "CrossEntropyLoss", "NLLLoss"):  # fmt: skip
        assert getattr(nn, name) is getattr(loss_modules, name)
    import deepling.nn.functional as F

    for name in ("mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss", "binary_cross_entropy",
                 "binary_cross_entropy_with_logits", "cross_entropy", "nll_loss"):  # fmt: skip
        assert callable(getattr(F, name)), name
