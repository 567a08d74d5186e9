"""nn.functional against torch.nn.functional: values and gradients, plus one_hot and dropout."""

import numpy as np
import pytest

import deepling as dl
import deepling.nn.functional as F
from tests.helpers import HAS_TORCH, Case, op_tests, requires_torch

if HAS_TORCH:
    import torch
    import torch.nn.functional as TF


def _tf(name, **fixed):
    """torch.nn.functional.<name>, looked up only when the test runs."""
    return lambda *xs, **k: getattr(TF, name)(*xs, **{**k, **fixed})


RUNNING_MEAN = np.array([0.5, -1.0, 2.0])
RUNNING_VAR = np.array([1.5, 0.5, 2.0])


def _running():
    return dl.tensor(RUNNING_MEAN), dl.tensor(RUNNING_VAR)


def _t_running():
    return torch.tensor(RUNNING_MEAN), torch.tensor(RUNNING_VAR)


CASES = [
    Case(F.relu, [(3, 4)], _tf("relu")),
    Case(F.sigmoid, [(3, 4)], _tf("sigmoid")),
    Case(F.tanh, [(3, 4)], _tf("tanh")),
    Case(F.silu, [(3, 4)], _tf("silu")),
    Case(F.softmax, [(3, 4)], _tf("softmax"), kwargs=dict(dim=1)),
    Case(F.softmax, [(2, 3, 4)], _tf("softmax"), kwargs=dict(dim=0)),
    Case(F.log_softmax, [(3, 4)], _tf("log_softmax"), kwargs=dict(dim=-1)),
    Case(F.leaky_relu, [(3, 4)], _tf("leaky_relu"), kwargs=dict(negative_slope=0.3)),
    Case(F.elu, [(3, 4)], _tf("elu"), kwargs=dict(alpha=0.7)),
    Case(F.gelu, [(3, 4)], _tf("gelu")),
    Case(F.gelu, [(3, 4)], _tf("gelu"), kwargs=dict(approximate="tanh")),
    Case(F.softplus, [(3, 4)], _tf("softplus"), kwargs=dict(beta=2.0, threshold=1.5)),
    Case(F.linear, [(5, 4), (3, 4), (3,)], _tf("linear")),
    Case(F.linear, [(2, 5, 4), (3, 4)], _tf("linear")),
    Case(F.pad, [(2, 3)], _tf("pad"), kwargs=dict(pad=(1, 2, 0, 1), value=0.5)),
    Case(
        lambda x, w, b: F.layer_norm(x, (4,), w, b),
        [(3, 4), (4,), (4,)],
        lambda x, w, b: TF.layer_norm(x, (4,), w, b),
        name="layer_norm(3,4)",
    ),
    Case(
        lambda x, w, b: F.layer_norm(x, [3, 4], w, b, eps=0.1),
        [(2, 3, 4), (3, 4), (3, 4)],
        lambda x, w, b: TF.layer_norm(x, [3, 4], w, b, eps=0.1),
        name="layer_norm(2,3,4)-eps",
    ),
    Case(
        lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
        [(5, 3), (3,), (3,)],
        lambda x, w, b: TF.batch_norm(x, None, None, w, b, training=True),
        name="batch_norm-train",
    ),
    Case(
        lambda x, w, b: F.batch_norm(x, *_running(), w, b, training=False),
        [(4, 3, 2), (3,), (3,)],
        lambda x, w, b: TF.batch_norm(x, *_t_running(), w, b, training=False),
        name="batch_norm-eval",
    ),
    Case(
        lambda w: F.embedding(dl.tensor([[0, 3], [3, 2]]), w),
        [(4, 2)],
        lambda w: TF.embedding(torch.tensor([[0, 3], [3, 2]]), w),
        name="embedding",
    ),
]

test_functional = op_tests(CASES)


def test_inplace_arguments_are_accepted():
    x = dl.tensor([-1.0, 2.0])
    assert F.relu(x, inplace=True).tolist() == [0.0, 2.0]
    assert F.leaky_relu(x, 0.5, True).tolist() == [-0.5, 2.0]
    assert F.softmax(dl.tensor([1, 1]), dim=0, dtype=dl.float64).dtype == np.float64


@requires_torch
def test_batch_norm_updates_running_stats_like_torch():
    x = np.random.default_rng(0).normal(size=(6, 3))
    mean, var = _running()
    t_mean, t_var = _t_running()
    F.batch_norm(dl.tensor(x), mean, var, training=True, momentum=0.3)
    TF.batch_norm(torch.tensor(x), t_mean, t_var, training=True, momentum=0.3)
    np.testing.assert_allclose(mean.numpy(), t_mean.numpy(), rtol=1e-12)
    np.testing.assert_allclose(var.numpy(), t_var.numpy(), rtol=1e-12)


def test_one_hot():
    y = F.one_hot(dl.tensor([0, 2, 1]))
    assert y.dtype == np.int64 and y.tolist() == [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
    assert F.one_hot(dl.tensor([[1], [0]]), num_classes=4).shape == (2, 1, 4)
    with pytest.raises(RuntimeError, match="smaller than num_classes"):
        F.one_hot(dl.tensor([0, 3]), 3)
    with pytest.raises(RuntimeError, match="non-negative"):
        F.one_hot(dl.tensor([-1, 0]))
    with pytest.raises(RuntimeError, match="LongTensor"):
        F.one_hot(dl.tensor([0.0, 1.0]))


@requires_torch
def test_one_hot_matches_torch():
    labels = np.array([[3, 0], [1, 1]])
    expected = TF.one_hot(torch.tensor(labels), 5).numpy()
    np.testing.assert_array_equal(F.one_hot(dl.tensor(labels), 5).numpy(), expected)


def test_dropout_function():
    x = dl.ones(1000)
    assert F.dropout(x, 0.5, training=False) is x
    dl.manual_seed(0)
    y = F.dropout(x, 0.25).numpy()
    np.testing.assert_allclose(np.unique(y), [0.0, 4 / 3], rtol=1e-6)
    assert abs((y == 0).mean() - 0.25) < 0.05
    with pytest.raises(ValueError, match="between 0 and 1"):
        F.dropout(x, -0.1)
