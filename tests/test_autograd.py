"""The backward walk (deepling/autograd.py): seeds, errors, accumulation, freeing, grad()."""

import numpy as np
import pytest

import deepling as dl
from deepling.autograd.function import Function, ShapeError
from tests.helpers import HAS_TORCH, requires_torch

if HAS_TORCH:
    import torch


def leaf(values, dtype=np.float32):
    return dl.tensor(np.array(values, dtype=dtype), requires_grad=True)


# --- seeds and their errors ---
def test_backward_on_a_scalar():
    x = leaf([1.0, 2.0, 3.0])
    (x * x).sum().backward()
    assert x.grad.tolist() == [2.0, 4.0, 6.0]
    assert x.grad.dtype == np.float32 and not x.grad.requires_grad


@requires_torch
def test_backward_with_gradient_on_a_non_scalar():
    values, gy = [[1.0, -2.0], [0.5, 3.0]], [[1.0, 0.5], [-2.0, 4.0]]
    x = leaf(values)
    dl.tanh(x * 3).backward(gradient=dl.tensor(gy))
    tx = torch.tensor(values, requires_grad=True)
    torch.tanh(tx * 3).backward(gradient=torch.tensor(gy))
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-5, atol=1e-6)
    x2 = leaf(values)
    (x2 * 2).backward(np.array(gy))  # a NumPy array works as the gradient too
    assert x2.grad.tolist() == (2 * np.array(gy)).tolist()


def test_non_scalar_without_gradient_raises():
    x = leaf([1.0, 2.0])
    with pytest.raises(
        RuntimeError, match="grad can be implicitly created only for scalar outputs"
    ):
        (x * 2).backward()
    assert x.grad is None


def test_backward_on_a_tensor_that_needs_no_grad_raises():
    message = "element 0 of tensors does not require grad and does not have a grad_fn"
    with pytest.raises(RuntimeError, match=message):
        dl.tensor([1.0]).sum().backward()
    if HAS_TORCH:
        with pytest.raises(RuntimeError, match=message):
            torch.tensor([1.0]).sum().backward()


def test_wrong_gradient_shape_names_both_shapes_before_any_grad_changes():
    x = leaf([1.0, 2.0])
    (x * 1).sum().backward()
    y = x * 2
    with pytest.raises(ShapeError, match=r"Size\(\[3\]\).*Size\(\[2\]\)"):
        y.backward(dl.ones(3))
    with pytest.raises(RuntimeError):  # a ShapeError is a RuntimeError, as PyTorch raises
        y.backward(dl.ones(2, 1))
    assert x.grad.tolist() == [1.0, 1.0]
    y.backward(dl.ones(2))  # the graph is intact: nothing ran
    assert x.grad.tolist() == [3.0, 3.0]


class WrongShape(Function):
    """A broken op: its backward returns a gradient of the wrong shape."""

    def forward(self, x):
        return x * 2

    def backward(self, gy):
        return np.ones(3)


class TooFew(Function):
    """A broken op: two inputs, one gradient."""

    def forward(self, a, b):
        return a * b

    def backward(self, gy):
        return gy


def test_a_backward_with_the_wrong_shape_names_the_op_and_changes_no_grad():
    a, b = leaf([1.0, 2.0]), leaf([5.0, 6.0])
    out = WrongShape()(b).sum() + (a * 3).sum()  # recorded last, a's branch is walked first
    with pytest.raises(ShapeError, match=r"WrongShapeBackward0.*\(3,\).*\(2,\)"):
        out.backward()
    assert a.grad is None and b.grad is None


def test_a_backward_returning_too_few_gradients_raises():
    a, b = leaf([1.0]), leaf([2.0])
    with pytest.raises(RuntimeError, match="TooFewBackward0 returned 1 gradients for 2 inputs"):
        TooFew()(a, b).sum().backward()


# --- accumulation, retaining and freeing ---
def test_grads_accumulate_across_backward_calls():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.tolist() == [4.0, 8.0]


def test_second_backward_without_retain_graph_raises():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()
    assert x.grad.tolist() == [2.0, 4.0]


def test_saved_arrays_are_freed_after_backward_unless_retained():
    x = leaf([1.0, 2.0])
    m = x * x
    m.sum().backward(retain_graph=True)
    assert m.grad_fn.saved is not None and m.grad_fn.inputs is not None
    m.sum().backward()
    assert m.grad_fn.saved is None and m.grad_fn.inputs is None


def test_a_long_chain_walks_without_recursion():
    x = leaf(1.0, np.float64)
    y = x
    for _ in range(100_000):
        y = y * 1.0001
    y.backward()
    assert x.grad.item() == pytest.approx(1.0001**100_000, rel=1e-6)


@requires_torch
def test_retain_grad_on_a_non_leaf_accumulates_like_pytorch():
    x, tx = leaf([1.0, 2.0]), torch.tensor([1.0, 2.0], requires_grad=True)
    results = []
    for t in (x, tx):
        m = t * 3
        m.retain_grad()
        y = (m * m).sum()
        y.backward(retain_graph=True)
        first = m.grad.tolist()
        y.backward()
        results.append((first, m.grad.tolist(), t.grad.tolist()))
    assert results[0] == results[1] == ([6.0, 12.0], [12.0, 24.0], [36.0, 72.0])
    with pytest.raises(RuntimeError, match="requires_grad=False"):
        dl.tensor([1.0]).retain_grad()


def test_grad_returns_gradients_without_touching_dot_grad():
    x, unused = leaf([1.0, 2.0]), leaf([3.0])
    y = (x * x).sum()
    with pytest.raises(RuntimeError, match="index 1 appears to not have been used"):
        dl.grad(y, [x, unused])
    y = (x * x).sum()
    gx, gu = dl.grad(y, [x, unused], allow_unused=True)
    assert gx.tolist() == [2.0, 4.0] and gu is None
    assert x.grad is None and unused.grad is None
    (g,) = dl.grad((x * 3).sum(), x)
    assert g.tolist() == [3.0, 3.0] and x.grad is None


def test_grad_with_grad_outputs_and_a_non_leaf_input():
    x = leaf([1.0, 2.0])
    m = x * 2
    y = m * m
    gm, gx = dl.grad([y], [m, x], grad_outputs=[dl.tensor([1.0, -1.0])])
    assert gm.tolist() == [4.0, -8.0] and gx.tolist() == [8.0, -16.0]


def test_no_two_leaves_share_a_gradient_array():
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (a + b).sum().backward()
    a.grad.zero_()
    assert b.grad.tolist() == [1.0, 1.0]
    ga, gb = dl.grad((a + b).sum(), [a, b])
    ga.numpy()[0] = 7.0
    assert gb.tolist() == [1.0, 1.0]


# --- in-place updates ---
def test_sgd_step_in_place_under_no_grad():
    w = leaf([1.0, 2.0])
    (w * w).sum().backward()
    data = w.detach().numpy()
    with dl.no_grad():
        w -= 0.1 * w.grad
    assert w.detach().numpy() is data and w.is_leaf and w.requires_grad
    np.testing.assert_allclose(w.detach().numpy(), [0.8, 1.6], rtol=1e-6)
    w.grad.zero_()
    assert w.grad.tolist() == [0.0, 0.0]


def test_in_place_on_a_leaf_requiring_grad_raises_outside_no_grad():
    w = leaf([1.0, 2.0])
    message = "a leaf Variable that requires grad is being used in an in-place operation."
    with pytest.raises(RuntimeError, match=message):
        w -= 1.0
    with pytest.raises(RuntimeError, match=message):
        w[0] = 3.0
    assert w.tolist() == [1.0, 2.0]
    if HAS_TORCH:
        tw = torch.tensor([1.0, 2.0], requires_grad=True)
        with pytest.raises(RuntimeError, match=message):
            tw -= 1.0


@requires_torch
def test_augmented_assignment_on_a_non_leaf_differentiates():
    x, tx = leaf([1.0, 2.0]), torch.tensor([1.0, 2.0], requires_grad=True)
    for t in (x, tx):
        y = t * 2
        y += 1
        y *= t
        (y * y).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-6)


def test_augmented_assignment_keeps_the_graph_of_the_right_operand():
    w = leaf([1.0, 2.0])
    total = dl.zeros(2)
    total += w * 3  # the zeros need no grad, w does: the sum must stay in the graph
    assert total.requires_grad
    total.sum().backward()
    assert w.grad.tolist() == [3.0, 3.0]


# --- graph shapes and dtypes ---
@requires_torch
def test_diamond_graph():
    def f(x, lib):
        a, b = lib.tanh(x * 2), lib.exp(x) * x  # two branches from x, joined again
        return (a * b + a).sum()

    x, tx = leaf([0.3, -1.2]), torch.tensor([0.3, -1.2], requires_grad=True)
    f(x, dl).backward()
    f(tx, torch).backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-5)
    s = leaf(2.0)
    (s * 3 * (s * s)).backward()  # d(3 s^3)/ds = 9 s^2
    assert s.grad.item() == 36.0


def test_gradients_keep_the_leaf_dtype():
    w32, w64 = leaf([1.0, 2.0]), leaf([3.0], np.float64)
    ints = dl.tensor([1, 2])
    ((w32 * ints).sum() + (w32 * w64).sum() + w32.double().sum()).backward()
    assert w32.grad.dtype == np.float32 and w64.grad.dtype == np.float64
    assert w32.grad.tolist() == [5.0, 6.0] and w64.grad.tolist() == [3.0]
