"""One step of each rule against its formula written out in NumPy (no torch needed)."""

import numpy as np
import pytest

import deepling as dl
from deepling import optim

P0 = np.array([1.0, -2.0, 0.5])
G1 = np.array([0.3, -1.0, 2.0])
G2 = np.array([-0.5, 0.25, 1.0])


def steps(opt_cls, grads, **kwargs):
    p = dl.tensor(P0.copy(), requires_grad=True)
    opt = opt_cls([p], **kwargs)
    for g in grads:
        p.grad = dl.tensor(g)
        opt.step()
    return p.detach().numpy()


def test_sgd_one_step_with_l2_weight_decay():
    expected = P0 - 0.1 * (G1 + 0.01 * P0)
    np.testing.assert_allclose(steps(optim.SGD, [G1], lr=0.1, weight_decay=0.01), expected)


def test_sgd_momentum_and_nesterov_two_steps():
    b2 = 0.9 * G1 + G2  # the first buffer is g itself
    p = P0 - 0.1 * G1 - 0.1 * b2
    np.testing.assert_allclose(steps(optim.SGD, [G1, G2], lr=0.1, momentum=0.9), p)
    p = P0 - 0.1 * (G1 + 0.9 * G1) - 0.1 * (G2 + 0.9 * b2)
    np.testing.assert_allclose(steps(optim.SGD, [G1, G2], lr=0.1, momentum=0.9, nesterov=True), p)


def test_adagrad_one_step():
    expected = P0 - 0.1 * G1 / (np.sqrt(0.5 + G1**2) + 1e-10)
    got = steps(optim.Adagrad, [G1], lr=0.1, initial_accumulator_value=0.5)
    np.testing.assert_allclose(got, expected)


def test_rmsprop_one_step_centered():
    v, mean = 0.01 * G1**2, 0.01 * G1
    expected = P0 - 0.01 * G1 / (np.sqrt(v - mean**2) + 1e-8)
    np.testing.assert_allclose(steps(optim.RMSprop, [G1], centered=True), expected)


def test_adam_two_steps():
    m1, v1 = 0.1 * G1, 0.001 * G1**2
    m2, v2 = 0.9 * m1 + 0.1 * G2, 0.999 * v1 + 0.001 * G2**2
    p1 = P0 - 0.01 / 0.1 * m1 / (np.sqrt(v1 / 0.001) + 1e-8)
    p2 = p1 - 0.01 / (1 - 0.9**2) * m2 / (np.sqrt(v2 / (1 - 0.999**2)) + 1e-8)
    np.testing.assert_allclose(steps(optim.Adam, [G1, G2], lr=0.01), p2)


def test_adamw_decays_the_weights_before_the_adam_step():
    expected = P0 * (1 - 0.01 * 0.5) - 0.01 * np.sign(G1)  # Adam's first step is lr * sign(g)
    got = steps(optim.AdamW, [G1], lr=0.01, weight_decay=0.5)
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_adadelta_one_step():
    v = 0.1 * G1**2
    delta = np.sqrt(0 + 1e-6) / np.sqrt(v + 1e-6) * G1
    np.testing.assert_allclose(steps(optim.Adadelta, [G1]), P0 - delta)


def test_adamax_one_step():
    m, u = 0.1 * G1, np.abs(G1) + 1e-8
    np.testing.assert_allclose(steps(optim.Adamax, [G1]), P0 - 2e-3 / 0.1 * m / u)


def test_nadam_one_step():
    mu1 = 0.9 * (1 - 0.5 * 0.96**0.004)
    mu2 = 0.9 * (1 - 0.5 * 0.96**0.008)
    m, v = 0.1 * G1, 0.001 * G1**2
    denom = np.sqrt(v / 0.001) + 1e-8
    expected = P0 - 2e-3 * (1 - mu1) / (1 - mu1) * G1 / denom
    expected -= 2e-3 * mu2 / (1 - mu1 * mu2) * m / denom
    np.testing.assert_allclose(steps(optim.NAdam, [G1]), expected)


@pytest.mark.parametrize(
    "cls", [optim.SGD, optim.Adagrad, optim.RMSprop, optim.Adam, optim.Adadelta, optim.Adamax]
)
def test_maximize_climbs(cls):
    up = steps(cls, [G1], lr=0.1, maximize=True)
    down = steps(cls, [G1], lr=0.1)
    assert np.all(np.sign(up - P0) == np.sign(G1))
    assert np.all(np.sign(down - P0) == -np.sign(G1))


def test_updates_are_in_place_and_keep_dtype_and_identity():
    p = dl.tensor([1.0, 2.0], requires_grad=True)  # float32
    array = p._data
    opt = optim.Adam([p], lr=0.1)
    with pytest.raises(RuntimeError, match="dtype 'float64' to a tensor with dtype 'float32'"):
        p.grad = dl.tensor(np.array([1.0, 1.0]))  # a float64 gradient: PyTorch refuses it
    opt.step()
    assert p.tolist() == [1.0, 2.0] and not opt.state
    p.grad = dl.tensor([1.0, 1.0])
    opt.step()
    assert p._data is array and p.dtype == np.float32 and p.requires_grad and p.is_leaf
    np.testing.assert_allclose(p.detach().numpy(), [0.9, 1.9], rtol=1e-6)


def test_training_a_line_with_backward_reaches_the_fit():
    x = dl.linspace(-1, 1, 20).reshape(-1, 1)
    y = 3 * x - 1
    w, b = dl.zeros(1, requires_grad=True), dl.zeros(1, requires_grad=True)
    opt = optim.SGD([w, b], lr=0.5, momentum=0.5)
    for _ in range(100):
        opt.zero_grad()
        loss = ((x * w + b - y) ** 2).mean()
        loss.backward()
        opt.step()
    assert abs(w.item() - 3) < 1e-3 and abs(b.item() + 1) < 1e-3
