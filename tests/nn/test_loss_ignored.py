"""Cross-entropy and NLL when every target is ignore_index (or weighs 0), as PyTorch 2.13:
a mean is nan, a sum and 'none' are 0, and the gradient of an ignored row is exactly 0, never
nan, with or without class weights and label smoothing, for every layout and for the modules."""

import warnings

import numpy as np
import pytest

import deepling as dl
from tests.helpers import HAS_TORCH

W = [1.0, 2.0, 3.0]
SHAPES = {(2, 3): (2,), (3,): (), (2, 3, 2): (2, 2)}  # input shape: target shape


def _loss(lib, kind, shape, target, reduction, weight, smoothing, module=False, ignore=-100):
    """Value and input gradient of one loss over input arange(shape) / 3, in float64."""
    x = lib.tensor(np.arange(np.prod(shape)).reshape(shape) / 3, requires_grad=True)
    t = lib.tensor(np.asarray(target, np.int64))
    kw = dict(
        ignore_index=ignore,
        reduction=reduction,
        weight=None if weight is None else lib.tensor(np.asarray(weight, np.float64)),
    )
    if kind == "cross_entropy":
        kw["label_smoothing"] = smoothing
    if module:
        name = "CrossEntropyLoss" if kind == "cross_entropy" else "NLLLoss"
        y = getattr(lib.nn, name)(**kw)(x, t)
    else:
        y = getattr(lib.nn.functional, kind)(x, t, **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # NumPy's divide-by-zero notes in the walk (engine)
        y.sum().backward()
    return y.detach().numpy(), x.grad.numpy()


def _both(*args, **kwargs):
    y, g = _loss(dl, *args, **kwargs)
    if HAS_TORCH:
        import torch

        ty, tg = _loss(torch, *args, **kwargs)
        np.testing.assert_allclose(y, ty, rtol=1e-6, err_msg="value vs torch")
        np.testing.assert_allclose(g, tg, rtol=1e-6, err_msg="gradient vs torch")
    return y, g


KINDS = [("cross_entropy", 0.0), ("cross_entropy", 0.1), ("nll_loss", 0.0)]


@pytest.mark.parametrize("kind, smoothing", KINDS)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weight", [None, W])
@pytest.mark.parametrize("shape", list(SHAPES))
def test_all_targets_ignored(kind, smoothing, reduction, weight, shape):
    target = np.full(SHAPES[shape], -100)
    y, g = _both(kind, shape, target, reduction, weight, smoothing)
    if reduction == "mean":
        assert np.isnan(y).all()
    else:
        assert (y == 0).all()
    assert (g == 0).all(), "an ignored target's gradient is 0, not nan"


@pytest.mark.parametrize("kind, smoothing", KINDS)
def test_modules_with_all_targets_ignored(kind, smoothing):
    y, g = _both(kind, (2, 3), [1, 1], "mean", None, smoothing, module=True, ignore=1)
    assert np.isnan(y) and (g == 0).all()


@pytest.mark.parametrize("kind, smoothing", KINDS)
def test_zero_weight_sum_without_ignored_targets_is_nan_everywhere(kind, smoothing):
    """Targets whose class weight is 0 are not ignored: PyTorch's 0/0 reaches their rows."""
    y, g = _both(kind, (2, 3), [0, 0], "mean", [0.0, 1.0, 1.0], smoothing)
    assert np.isnan(y)
    assert np.isnan(g[:, 0]).all()


def test_some_targets_ignored_gives_finite_values():
    y, g = _both("cross_entropy", (2, 3), [-100, 2], "mean", W, 0.1)
    assert np.isfinite(y) and (g[0] == 0).all() and np.isfinite(g).all()


@pytest.mark.parametrize("weight", [None, W])
def test_1d_nll_mean_divides_by_the_targets_weight(weight):
    """PyTorch's (C,) input with a () target: the mean is over w[t], so -x[t], not -w[t] x[t]."""
    y, g = _both("nll_loss", (3,), 1, "mean", weight, 0.0)
    np.testing.assert_allclose(y, -1 / 3, rtol=1e-6)
    np.testing.assert_allclose(g, [0.0, -1.0, 0.0])


def test_weighted_mse_of_0d_tensors_divides_by_the_weight():
    x = dl.tensor(2.0, requires_grad=True)
    y = dl.nn.functional.mse_loss(x, dl.tensor(0.0), weight=dl.tensor(3.0))
    assert y.item() == 4.0  # torch 2.13: sum(w (x - t)^2) / sum(w)
