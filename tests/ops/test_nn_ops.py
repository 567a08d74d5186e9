"""Checks of the layer ops: Normalize (ops/norm.py) and Embedding (ops/nn_ops.py)."""

import numpy as np
import pytest

import deepling as dl
from deepling.ops.nn_ops import embedding
from deepling.ops.norm import normalize_over
from tests.helpers import Case, op_tests, requires_torch

IDX = np.array([[1, 2, 4], [4, 3, 1]])  # repeats: their gradients must add up


def _torch_batch_norm(x, **k):
    import torch

    return torch.nn.functional.batch_norm(x, None, None, training=True, eps=1e-5)


def _torch_layer_norm(x, shape):
    import torch

    return torch.nn.functional.layer_norm(x, shape, eps=1e-5)


def _np_normalize(x, axes):
    mean = x.mean(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(x.var(axis=axes, keepdims=True) + 1e-5)


def _torch_embedding(w, padding_idx=None):
    import torch

    return torch.nn.functional.embedding(torch.tensor(IDX), w, padding_idx=padding_idx)


CASES = [
    Case(
        lambda x: normalize_over(x, (0,)),
        [(6, 3)],
        _torch_batch_norm,
        lambda x: _np_normalize(x, (0,)),
        name="Normalize-batch(6,3)",
    ),
    Case(
        lambda x: normalize_over(x, (0, 2)),
        [(4, 3, 5)],
        _torch_batch_norm,
        lambda x: _np_normalize(x, (0, 2)),
        name="Normalize-batch(4,3,5)",
    ),
    Case(
        lambda x: normalize_over(x, (1,)),
        [(3, 5)],
        lambda x: _torch_layer_norm(x, (5,)),
        lambda x: _np_normalize(x, (1,)),
        name="Normalize-layer(3,5)",
    ),
    Case(
        lambda x: normalize_over(x, (1, 2)),
        [(2, 3, 4)],
        lambda x: _torch_layer_norm(x, (3, 4)),
        lambda x: _np_normalize(x, (1, 2)),
        name="Normalize-layer(2,3,4)",
    ),
    Case(
        lambda w: embedding(dl.tensor(IDX), w),
        [(6, 3)],
        _torch_embedding,
        lambda w: w[IDX],
        name="Embedding(6,3)",
    ),
]

test_op = op_tests(CASES)


# padding_idx breaks the true derivative on purpose (that row's gradient is zero), so the
# numerical check of check_op does not apply; the rule is checked by hand and against torch.
def test_embedding_padding_row_gets_no_gradient():
    w = dl.ones(5, 2, requires_grad=True)
    embedding(dl.tensor([0, 2, 2]), w, padding_idx=2).sum().backward()
    assert w.grad.tolist() == [[1, 1], [0, 0], [0, 0], [0, 0], [0, 0]]


@requires_torch
def test_embedding_padding_idx_gradient_matches_torch():
    import torch

    w = np.random.default_rng(0).normal(size=(6, 3))
    gy = np.random.default_rng(1).normal(size=IDX.shape + (3,))
    ours = dl.tensor(w, requires_grad=True)
    (embedding(dl.tensor(IDX), ours, padding_idx=4) * dl.tensor(gy)).sum().backward()
    theirs = torch.tensor(w, requires_grad=True)
    (_torch_embedding(theirs, 4) * torch.tensor(gy)).sum().backward()
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), atol=1e-12)
    assert not ours.grad.numpy()[4].any()


@pytest.mark.parametrize("bad", [5, -1])
def test_embedding_index_out_of_range_names_it(bad):
    with pytest.raises(IndexError, match=f"index {bad} is out of range"):
        embedding(dl.tensor([0, bad]), dl.ones(5, 2))


def test_embedding_rejects_float_indices():
    with pytest.raises(RuntimeError, match="indices"):
        embedding(dl.tensor([0.0, 1.0]), dl.ones(5, 2))


def test_normalize_output_has_zero_mean_unit_variance():
    x = dl.tensor(np.random.default_rng(0).normal(3, 2, (50, 4)))
    y = normalize_over(x, (0,)).numpy()
    np.testing.assert_allclose(y.mean(0), 0, atol=1e-12)
    np.testing.assert_allclose(y.var(0), 1, atol=1e-4)
