"""nn.utils: gradient clipping against torch, and parameters <-> one vector."""

import numpy as np
import pytest

import deepling as dl
from deepling import nn
from tests.helpers import requires_torch

GRADS = [np.array([[3.0, -4.0], [1.0, 0.5]]), np.array([-2.0, 12.0]), np.array([0.25])]


def _params(grads, lib):
    params = []
    for g in grads:
        p = lib.nn.Parameter(lib.zeros(*g.shape, dtype=lib.float64))
        p.grad = lib.tensor(g.copy())
        params.append(p)
    return params


@requires_torch
@pytest.mark.parametrize("max_norm", [1.0, 100.0])
@pytest.mark.parametrize("norm_type", [2.0, 1, "inf"])
def test_clip_grad_norm_matches_torch(max_norm, norm_type):
    import torch

    ours, theirs = _params(GRADS, dl), _params(GRADS, torch)
    total = nn.utils.clip_grad_norm_(ours, max_norm, norm_type)
    t_total = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type)
    assert total.item() == pytest.approx(t_total.item(), rel=1e-12)
    for p, tp in zip(ours, theirs):
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=1e-12)


def test_clip_grad_norm_by_hand():
    w = nn.Parameter(dl.zeros(2))
    w.grad = dl.tensor([3.0, 4.0])
    unused = nn.Parameter(dl.zeros(1))  # no grad: skipped
    assert nn.utils.clip_grad_norm_([w, unused], 1.0).item() == pytest.approx(5.0)
    np.testing.assert_allclose(w.grad.numpy(), [0.6, 0.8], rtol=1e-5)
    assert nn.utils.clip_grad_norm_(w, 10.0).item() == pytest.approx(1.0, rel=1e-5)
    np.testing.assert_allclose(w.grad.numpy(), [0.6, 0.8], rtol=1e-5)  # under max: untouched
    assert nn.utils.clip_grad_norm_([unused], 1.0).item() == 0.0
    w.grad = dl.tensor([np.inf, 0.0])
    with pytest.raises(RuntimeError, match="non-finite"):
        nn.utils.clip_grad_norm_(w, 1.0, error_if_nonfinite=True)


def test_clip_grad_value():
    w = nn.Parameter(dl.zeros(4))
    w.grad = dl.tensor([-3.0, -0.5, 0.2, 9.0])
    grad = w.grad
    assert nn.utils.clip_grad_value_([w], 1) is None
    assert w.grad is grad and w.grad.tolist() == [-1.0, -0.5, pytest.approx(0.2), 1.0]
    nn.utils.clip_grad_value_(w, 0.1)  # a single tensor works too
    np.testing.assert_allclose(w.grad.numpy(), [-0.1, -0.1, 0.1, 0.1], rtol=1e-6)


def test_parameters_vector_round_trip():
    model = nn.Linear(3, 2)
    vec = nn.utils.parameters_to_vector(model.parameters())
    assert vec.shape == (8,)
    nn.utils.vector_to_parameters(dl.arange(8.0), model.parameters())
    assert model.weight.tolist() == [[0, 1, 2], [3, 4, 5]] and model.bias.tolist() == [6, 7]
