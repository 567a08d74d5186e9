"""In-place changes and the backward walk: a tensor that a Function saved for its backward and
that changed in place since makes backward raise PyTorch's error (views, detached copies and
bases share one change counter, as PyTorch's share a version counter); changes that backward
does not need stay legal. Each scenario runs in deepling and, when installed, in PyTorch, and
the two must agree: both raise, or both give the same gradients.

A scenario takes `m`, a namespace holding one framework's names (tensor, no_grad, grad, nn,
optim, F), so the same lines run in both.
"""

from types import SimpleNamespace

import numpy as np
import pytest

import deepling as dl
from tests.helpers import HAS_TORCH, requires_torch

MESSAGE = "modified by an inplace operation"


def _framework(m, nn, optim):
    return SimpleNamespace(tensor=m.tensor, no_grad=m.no_grad, manual_seed=m.manual_seed,
                           grad=m.autograd.grad, nn=nn, optim=optim, F=nn.functional)  # fmt: skip


DL = _framework(dl, dl.nn, dl.optim)
FRAMEWORKS = [DL]
if HAS_TORCH:
    import torch

    TORCH = _framework(torch, torch.nn, torch.optim)
    FRAMEWORKS.append(TORCH)


def _matrix(m):
    return m.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)


# --- scenarios where backward needs old values: every framework raises ---
def issue_example(m):
    w = m.tensor([1.0, 2.0], requires_grad=True)
    y = (w * w).sum()
    with m.no_grad():
        w.mul_(10)
    y.backward()


def optimizer_step_between_two_backwards(m):
    m.manual_seed(0)
    model = m.nn.Sequential(m.nn.Linear(2, 3), m.nn.Tanh(), m.nn.Linear(3, 1))
    opt = m.optim.SGD(model.parameters(), lr=0.1)
    loss = model(m.tensor([[1.0, 2.0], [0.5, -1.0]])).pow(2).sum()
    loss.backward(retain_graph=True)
    opt.step()  # the second Linear saved its weight (its input needs a gradient)
    loss.backward()


def _change_of(change):
    """A scenario: w saved by w * w, then `change(w)` under no_grad, then backward."""

    def scenario(m):
        w = _matrix(m)
        y = (w * w).sum()
        with m.no_grad():
            change(w)
        y.backward()

    return scenario


CHANGES = {
    "view": lambda w: w.view(4).mul_(2),
    "row": lambda w: w[0].mul_(2),
    "transpose": lambda w: w.transpose(0, 1).mul_(2),
    "T": lambda w: w.T.mul_(2),
    "setitem": lambda w: w.__setitem__((0, 1), 5.0),
    "zero_": lambda w: w.zero_(),
    "copy_ of the same values": lambda w: w.copy_(w.detach() * 1),
    "augmented assignment": lambda w: w.__isub__(0.1),
}


def view_made_before_the_forward(m):
    w = _matrix(m)
    v = w.view(4)
    y = (w * w).sum()
    with m.no_grad():
        v.mul_(2)
    y.backward()


def detached_copy(m):
    w = _matrix(m)
    y = (w * w).sum()
    w.detach().mul_(2)  # shares w's storage and so its change counter
    y.backward()


def base_of_a_saved_view(m):
    x = m.tensor([[1.0, 2.0], [3.0, 4.0]])
    w = m.tensor([1.0, -1.0], requires_grad=True)
    y = (w * x[0]).sum()  # saves the view x[0] for w's gradient
    x.mul_(2)
    y.backward()


def saved_output_of_exp(m):
    x = m.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()  # exp saves its output
    z = y.sum()
    with m.no_grad():
        y.mul_(2)
    z.backward()


def saved_output_of_sigmoid_through_a_view(m):
    x = m.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    y = x.sigmoid()
    z = y.sum()
    with m.no_grad():
        y.view(2, 2)[1].mul_(2)
    z.backward()


def second_order_graph_after_a_change(m):
    w = m.tensor([1.0, 2.0], requires_grad=True)
    (g,) = m.grad((w**3).sum(), w, create_graph=True)
    with m.no_grad():
        w.mul_(2)
    m.grad(g.sum(), w)


RAISE = [issue_example, optimizer_step_between_two_backwards, view_made_before_the_forward,
         detached_copy, base_of_a_saved_view, saved_output_of_exp,
         saved_output_of_sigmoid_through_a_view, second_order_graph_after_a_change,
         *[_change_of(c) for c in CHANGES.values()]]  # fmt: skip
RAISE_IDS = [f.__name__ for f in RAISE[: -len(CHANGES)]] + [f"change of {c}" for c in CHANGES]


@pytest.mark.parametrize("scenario", RAISE, ids=RAISE_IDS)
@pytest.mark.parametrize("m", FRAMEWORKS, ids=["deepling", "torch"][: len(FRAMEWORKS)])
def test_backward_that_needs_changed_values_raises(m, scenario):
    with pytest.raises(RuntimeError, match=MESSAGE):
        scenario(m)


def test_a_failing_backward_leaves_grad_untouched():
    w = dl.tensor([1.0, 2.0], requires_grad=True)
    (w * 3).sum().backward()
    y = (w * w).sum()
    with dl.no_grad():
        w.mul_(10)
    with pytest.raises(RuntimeError, match=MESSAGE):
        y.backward()
    assert w.grad.tolist() == [3.0, 3.0]


# --- the message names the tensor's type and shape, and the Function that saved it ---
def test_the_error_names_the_shape_and_the_op():
    w = dl.tensor(np.ones((2, 3)), requires_grad=True)
    y = dl.tanh(w @ dl.tensor(np.ones((3, 4)), requires_grad=True)).sum()
    with dl.no_grad():
        w.add_(1)
    with pytest.raises(RuntimeError, match=r"\[torch\.DoubleTensor \[2, 3\]\].*MmBackward0"):
        y.backward()


@requires_torch
def test_torchs_message_names_the_same_shape():
    w = torch.ones((2, 3), dtype=torch.float64, requires_grad=True)
    y = torch.tanh(w @ torch.ones((3, 4), dtype=torch.float64, requires_grad=True)).sum()
    with torch.no_grad():
        w.add_(1)
    with pytest.raises(RuntimeError, match=r"\[torch\.DoubleTensor \[2, 3\]\]"):
        y.backward()


# --- changes that backward does not need: legal, same gradients as PyTorch ---
def change_of_an_unsaved_input(m):
    w = m.tensor([1.0, 2.0], requires_grad=True)
    y = ((w + 1) * m.tensor([2.0, 3.0], requires_grad=True)).sum()  # add saves nothing
    with m.no_grad():
        w.add_(1)
    y.backward()
    return [w.grad]


def change_before_the_forward(m):
    w = m.tensor([1.0, 2.0], requires_grad=True)
    with m.no_grad():
        w.mul_(2)
    (w * w).sum().backward()
    return [w.grad]


def change_of_an_unrelated_tensor(m):
    w, u = m.tensor([1.0, 2.0], requires_grad=True), m.tensor([5.0], requires_grad=True)
    y = (w * w).sum()
    with m.no_grad():
        u.mul_(2)
    y.backward()
    return [w.grad]


def change_of_a_tensor_saved_only_on_another_branch(m):
    w = m.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum()  # saves w, but this graph is never walked
    y = (w + 1).sum()
    with m.no_grad():
        w.add_(1)
    y.backward()
    return [w.grad]


def change_of_an_input_whose_op_saved_its_output(m):
    x = m.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp().sum() + x.tanh().sum()  # exp and tanh keep their outputs, not x
    with m.no_grad():
        x.mul_(2)
    y.backward()
    return [x.grad]


def change_of_a_copy_made_by_fancy_indexing(m):
    w = _matrix(m)
    y = (w * w).sum()
    with m.no_grad():
        w[m.tensor([1, 0])].mul_(2)  # advanced indexing copies: w is untouched
    y.backward()
    return [w.grad]


def change_of_the_dividend(m):
    w = m.tensor([1.0, 2.0], requires_grad=True)
    y = (w / m.tensor([2.0, 4.0])).sum()  # d/dw needs only the divisor
    with m.no_grad():
        w.add_(1)
    y.backward()
    return [w.grad]


def change_of_a_factor_whose_gradient_is_not_asked(m):
    """w * 3, x @ w and linear(x, W) with x constant: d/dw needs only the constant, so w itself
    is not saved (PyTorch's rule), and changing it is legal."""
    w, big = m.tensor([1.0, 2.0], requires_grad=True), _matrix(m)
    x = m.tensor([[0.5, -1.0], [2.0, 1.0]])
    y = (w * 3.0).sum() + (x @ big).sum() + m.F.linear(x, big).sum()
    with m.no_grad():
        w.add_(1)
        big.mul_(2)
    y.backward()
    return [w.grad, big.grad]


def change_of_the_divisor_of_a_number(m):
    """2 / w keeps only its result (PyTorch's reciprocal form): changing w is legal."""
    w = m.tensor([1.0, 2.0], requires_grad=True)
    y = (2.0 / w).sum()
    with m.no_grad():
        w.add_(1)
    y.backward()
    return [w.grad]


def training_loop_with_updates_between_steps(m):
    m.manual_seed(0)
    model = m.nn.Sequential(m.nn.Linear(2, 4), m.nn.Tanh(), m.nn.Linear(4, 1))
    with m.no_grad():  # one start for both frameworks
        for i, p in enumerate(model.parameters()):
            p.copy_(m.tensor(np.linspace(-0.5, 0.5, p.numel()).reshape(tuple(p.shape)) + i / 10))
    opt = m.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x = m.tensor(np.linspace(-1, 1, 16).reshape(8, 2).astype(np.float32))
    for _ in range(20):
        loss = m.F.mse_loss(model(x), x.sum(1, keepdim=True) ** 2)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with m.no_grad():  # a manual update on a leaf, as older tutorials write it
        for p in model.parameters():
            p -= 0.01 * p.grad
    return list(model.parameters())


LEGAL = [change_of_an_unsaved_input, change_before_the_forward, change_of_an_unrelated_tensor,
         change_of_a_tensor_saved_only_on_another_branch,
         change_of_an_input_whose_op_saved_its_output, change_of_a_copy_made_by_fancy_indexing,
         change_of_the_dividend, change_of_a_factor_whose_gradient_is_not_asked,
         change_of_the_divisor_of_a_number, training_loop_with_updates_between_steps]  # fmt: skip


@pytest.mark.parametrize("scenario", LEGAL, ids=lambda f: f.__name__)
def test_changes_backward_does_not_need_stay_legal_and_match_torch(scenario):
    ours = [t.detach().numpy() for t in scenario(DL)]
    assert all(np.all(np.isfinite(a)) for a in ours)
    if HAS_TORCH:
        theirs = [t.detach().numpy() for t in scenario(TORCH)]
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
