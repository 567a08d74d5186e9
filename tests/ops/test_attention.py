"""The attention ops (ops/attention.py): the safe softmax against PyTorch's softmax (and its
zero rows), and attention composed over it against PyTorch's scaled_dot_product_attention."""

import numpy as np
import pytest

import deepling as dl
from deepling.ops import attention as A
from tests.helpers import Case, op_tests

EXCLUDED = np.array([[True, False, True, True], [False, False, False, False], [True] * 4])


def _with_excluded(x):
    return dl.where(dl.tensor(EXCLUDED), x, dl.tensor(-np.inf, dtype=dl.float64))


def _torch_safe(x):
    import torch

    keep = torch.tensor(EXCLUDED)
    some = keep.any(-1, keepdim=True)  # rows with nothing: finite logits, then times 0
    return torch.softmax(torch.where(keep | ~some, x, -torch.inf), -1) * some


def _torch_sdpa(**kw):
    def run(q, k, v):
        import torch

        return torch.nn.functional.scaled_dot_product_attention(q, k, v, **kw)

    return run


CASES = [
    Case(A.safe_softmax, [(5,)], "softmax", name="safe_softmax(5,)", kwargs={}),
    Case(A.safe_softmax, [(2, 3, 4)], lambda x: x.softmax(-1), name="safe_softmax(2,3,4)"),
    Case(
        lambda x: A.safe_softmax(_with_excluded(x)),
        [(3, 4)],
        _torch_safe,
        name="safe_softmax-excluded",
    ),  # fmt: skip
    Case(
        lambda q, k, v: A.attention(q, k, v)[0],
        [(2, 3, 4), (2, 5, 4), (2, 5, 2)],
        _torch_sdpa(),
        name="attention",
    ),  # fmt: skip
    Case(
        lambda q, k, v: A.attention(q, k, v, allowed=A.causal_allowed(3, 3))[0],
        [(2, 3, 4), (2, 3, 4), (2, 3, 2)],
        _torch_sdpa(is_causal=True),
        name="attention-causal",
    ),  # fmt: skip
]
CASES[0].torch = lambda x: x.softmax(-1)

test_attention_ops = op_tests(CASES)


def test_safe_softmax_of_an_excluded_row_is_zero_with_zero_gradient():
    x = dl.tensor([[1.0, -np.inf], [-np.inf, -np.inf]], requires_grad=True)
    y = A.safe_softmax(x)
    np.testing.assert_array_equal(y.detach().numpy(), [[1.0, 0.0], [0.0, 0.0]])
    (y * dl.tensor([[2.0, 3.0], [4.0, 5.0]])).sum().backward()
    assert np.isfinite(x.grad.detach().numpy()).all()


def test_large_scores_do_not_overflow():
    y = A.safe_softmax(dl.tensor([1e4, 1e4 - 1.0], dtype=dl.float32)).detach().numpy()
    np.testing.assert_allclose(y, [1 / (1 + np.exp(-1)), np.exp(-1) / (1 + np.exp(-1))], 1e-6)


@pytest.mark.parametrize("shape", [(4,), (2, 3)])
def test_causal_allowed(shape):
    m = A.causal_allowed(3, 4)
    assert m.tolist() == [[1, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0]]
