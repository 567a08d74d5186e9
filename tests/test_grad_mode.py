"""Grad mode (deepling/grad_mode.py): no_grad, enable_grad, set_grad_enabled."""

import pytest

import deepling as dl
from tests.helpers import HAS_TORCH

if HAS_TORCH:
    import torch


@pytest.fixture(autouse=True)
def grad_mode_is_restored():
    assert dl.is_grad_enabled()
    yield
    assert dl.is_grad_enabled()
    dl.set_grad_enabled(True)


def test_no_grad_context_records_nothing():
    w = dl.tensor([1.0, 2.0], requires_grad=True)
    with dl.no_grad():
        assert not dl.is_grad_enabled()
        y = dl.tanh(w * 2).sum()
    assert not y.requires_grad and y.grad_fn is None and y.is_leaf
    assert (w * 2).requires_grad  # recording resumes after the block


def test_no_grad_restores_after_an_exception():
    with pytest.raises(KeyError):
        with dl.no_grad():
            raise KeyError("boom")
    assert dl.is_grad_enabled()


@pytest.mark.parametrize("decorator", [dl.no_grad(), dl.no_grad], ids=["call", "bare"])
def test_no_grad_as_a_decorator(decorator):
    w = dl.tensor([1.0], requires_grad=True)

    @decorator
    def predict(x):
        """Doubles x."""
        return x * 2, dl.is_grad_enabled()

    y, enabled = predict(w)
    assert not enabled and not y.requires_grad
    assert predict.__name__ == "predict" and predict.__doc__ == "Doubles x."
    assert dl.is_grad_enabled()
    if HAS_TORCH:

        @torch.no_grad
        def torch_predict(x):
            return x * 2

        assert not torch_predict(torch.tensor([1.0], requires_grad=True)).requires_grad


def test_enable_grad_inside_no_grad():
    w = dl.tensor([1.0], requires_grad=True)
    with dl.no_grad():
        with dl.enable_grad():
            assert dl.is_grad_enabled()
            y = w * 3
        assert not dl.is_grad_enabled()
    y.backward()
    assert w.grad.tolist() == [3.0]

    @dl.enable_grad()
    def recorded(x):
        return x * 2

    with dl.no_grad():
        assert recorded(w).requires_grad


def test_nested_no_grad_keeps_the_outer_mode():
    with dl.no_grad():
        with dl.no_grad():
            pass
        assert not dl.is_grad_enabled()


def test_set_grad_enabled_as_call_context_and_decorator():
    w = dl.tensor([1.0], requires_grad=True)
    dl.set_grad_enabled(False)  # a plain call takes effect at once, like PyTorch's
    assert not dl.is_grad_enabled() and not (w * 2).requires_grad
    dl.set_grad_enabled(True)
    assert dl.is_grad_enabled()
    for mode in (False, True):
        with dl.set_grad_enabled(mode):
            assert dl.is_grad_enabled() is mode
            assert (w * 2).requires_grad is mode
        assert dl.is_grad_enabled()

    @dl.set_grad_enabled(False)
    def frozen():
        return dl.is_grad_enabled()

    assert dl.is_grad_enabled()  # decorating does not change the mode
    assert frozen() is False and dl.is_grad_enabled()
