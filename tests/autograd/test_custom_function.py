"""Custom autograd Functions the PyTorch way (deepling/autograd/custom.py): the same class body
runs on deepling and on torch, with the same values and first and second derivatives."""

import numpy as np
import pytest

import deepling as dl
from tests.helpers import HAS_TORCH, requires_torch


def make_legendre(lib):
    """P3(x) = (5x^3 - 3x) / 2, as PyTorch's "Learning PyTorch with Examples" writes it."""

    class LegendrePolynomial3(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return 0.5 * (5 * x**3 - 3 * x)

        @staticmethod
        def backward(ctx, grad_output):
            (x,) = ctx.saved_tensors
            return grad_output * 1.5 * (5 * x**2 - 1)

    return LegendrePolynomial3


def make_scaled(lib):
    """Non-tensor arguments, needs_input_grad, and the newer forward/setup_context style."""

    class Scaled(lib.autograd.Function):
        @staticmethod
        def forward(x, w, factor):
            return (x * w).sum() * factor

        @staticmethod
        def setup_context(ctx, inputs, output):
            x, w, factor = inputs
            ctx.save_for_backward(x, w)
            ctx.factor = factor

        @staticmethod
        def backward(ctx, grad_output):
            x, w = ctx.saved_tensors
            gx = grad_output * w * ctx.factor if ctx.needs_input_grad[0] else None
            gw = grad_output * x * ctx.factor if ctx.needs_input_grad[1] else None
            return gx, gw, None

    return Scaled


X = np.array([0.3, -0.8, 1.2])


def _run(lib, x_array):
    x = lib.tensor(x_array, requires_grad=True)
    y = make_legendre(lib).apply(x)
    (g,) = lib.autograd.grad(y.sum(), x, create_graph=True)
    (h,) = lib.autograd.grad(g.sum(), x)
    return y.detach().numpy(), g.detach().numpy(), h.numpy()


def test_values_and_two_derivatives():
    y, g, h = _run(dl, X)
    np.testing.assert_allclose(y, 0.5 * (5 * X**3 - 3 * X))
    np.testing.assert_allclose(g, 1.5 * (5 * X**2 - 1))
    np.testing.assert_allclose(h, 15 * X)


@requires_torch
def test_same_numbers_as_torch():
    import torch

    for ours, theirs in zip(_run(dl, X), _run(torch, X)):
        np.testing.assert_allclose(ours, theirs)


def test_gradcheck_and_gradgradcheck_accept_it():
    legendre = make_legendre(dl)
    assert dl.gradcheck(legendre.apply, [X])
    assert dl.autograd.gradgradcheck(legendre.apply, [X])


@pytest.mark.parametrize("lib_name", ["deepling", "torch"])
def test_non_tensor_arguments_and_needs_input_grad(lib_name):
    if lib_name == "torch" and not HAS_TORCH:
        pytest.skip("PyTorch is not installed")
    lib = dl if lib_name == "deepling" else __import__("torch")
    x, w = lib.tensor(X, requires_grad=True), lib.tensor(X[::-1].copy())
    make_scaled(lib).apply(x, w, 2.0).backward()
    np.testing.assert_allclose(x.grad.numpy(), 2.0 * X[::-1])
    assert w.grad is None


def test_a_wrong_number_of_gradients_is_an_error():
    class Bad(dl.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            return x * y

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output

    x = dl.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="incorrect number of gradients"):
        Bad.apply(x, x).sum().backward()


def test_non_differentiable_outputs_and_no_grad():
    class Above(dl.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = (x > 1).float()
            ctx.mark_non_differentiable(y)
            return y

        @staticmethod
        def backward(ctx, grad_output):
            return None

    x = dl.tensor([1.5], requires_grad=True)
    assert not Above.apply(x).requires_grad
    with dl.no_grad():
        assert not make_legendre(dl).apply(x).requires_grad


def test_a_saved_tensor_changed_in_place_raises():
    x = dl.tensor([0.5, 1.0], requires_grad=True)
    y = make_legendre(dl).apply(x)
    with dl.no_grad():
        x.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()
