"""The engine's higher-order walk (deepling/autograd/engine.py): create_graph on backward and
grad, PyTorch's grad options, the checked `.grad`, and gradgradcheck catching a wrong rule."""

import numpy as np
import pytest

import deepling as dl
from deepling.autograd.function import Function
from deepling.gradcheck import GradcheckError
from tests.helpers import requires_torch


def test_backward_create_graph_makes_grad_differentiable():
    w = dl.tensor([1.0, 2.0], requires_grad=True)
    (w**3).sum().backward(create_graph=True)
    assert w.grad.grad_fn is not None and w.grad.tolist() == [3.0, 12.0]
    (second,) = dl.grad(w.grad.sum(), [w])
    assert second.tolist() == [6.0, 12.0]


def test_grad_keeps_the_graph_when_it_records_and_frees_it_otherwise():
    x = dl.tensor(2.0, requires_grad=True)
    y = x**3
    (g,) = dl.grad(y, x, create_graph=True)  # retain_graph defaults to create_graph
    (g2,) = dl.grad(y, x)  # so the graph is still there
    assert g.item() == g2.item() == 12.0
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        dl.grad(y, x)


def test_grad_options_as_pytorch():
    x, unused = dl.tensor([1.0, 2.0], requires_grad=True), dl.tensor(1.0, requires_grad=True)
    y = (x * x).sum()
    with pytest.raises(RuntimeError, match="appears to not have been used"):
        dl.grad(y, [x, unused], retain_graph=True)
    g, none = dl.grad(y, [x, unused], retain_graph=True, allow_unused=True)
    assert none is None
    _, zero = dl.grad(y, [x, unused], retain_graph=True, materialize_grads=True)
    assert zero.item() == 0.0
    out = x * 3
    (batched,) = dl.grad(out, x, dl.eye(2), is_grads_batched=True)
    assert batched.tolist() == [[3.0, 0.0], [0.0, 3.0]]


def test_backward_into_chosen_inputs_only():
    a, b = dl.tensor(1.0, requires_grad=True), dl.tensor(2.0, requires_grad=True)
    (a * b).backward(inputs=[a])
    assert a.grad.item() == 2.0 and b.grad is None


@requires_torch
def test_third_derivative_matches_torch():
    import torch

    def f(lib, x):
        return (lib.tanh(x) * x**2).sum()

    x, xt = (
        dl.tensor([0.3, -0.7], requires_grad=True),
        torch.tensor([0.3, -0.7], requires_grad=True),
    )
    ours, theirs = f(dl, x), f(torch, xt)
    for _ in range(3):
        (ours,) = dl.grad(ours, x, create_graph=True)
        (theirs,) = torch.autograd.grad(theirs, xt, create_graph=True)
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-6)
        ours, theirs = ours.sum(), theirs.sum()


@pytest.mark.parametrize(
    "value, error, match",
    [
        (dl.zeros(3), RuntimeError, "size '\\[3\\]' to a tensor of size '\\[2\\]'"),
        (dl.zeros(2, dtype=dl.float64), RuntimeError, "dtype 'float64' to a tensor with dtype"),
        ([0.0, 0.0], TypeError, "Tensor or None"),
    ],
)
def test_assigning_a_wrong_grad_raises_at_assignment(value, error, match):
    w = dl.zeros(2, requires_grad=True)
    with pytest.raises(error, match=match):
        w.grad = value
    assert w.grad is None
    w.grad = dl.ones(2)
    assert w.grad.tolist() == [1.0, 1.0]


class _WrongSecondOrder(Function):
    """y = x**2 whose backward is right on arrays but saves a derived value (2x), so that on
    Tensors its gradient is a constant: first order passes, second order must not."""

    def forward(self, x):
        self.save_for_backward(2 * x)
        return x * x

    def backward(self, gy):
        (two_x,) = self.saved
        return gy * two_x


def test_gradgradcheck_catches_a_rule_that_is_wrong_only_at_second_order():
    x = np.array([0.5, -1.5])
    assert dl.gradcheck(lambda t: _WrongSecondOrder()(t), [x])
    with pytest.raises(GradcheckError, match="input 0"):
        dl.autograd.gradgradcheck(lambda t: _WrongSecondOrder()(t), [x])
    assert dl.autograd.gradgradcheck(lambda t: t * t, [x])
