"""var/std where no spread or no degrees of freedom is left: values, gradients and the warning
are PyTorch's (numbers observed from torch 2.13, and compared with torch when installed)."""

import math
import warnings

import numpy as np
import pytest

import deepling as dl
from tests.helpers import HAS_TORCH

NAN, INF = math.nan, math.inf
ONES, TWO_ROWS, SPREAD = [1.0, 1.0, 1.0], [[1.0, 1.0, 1.0], [1.0, 2.0, 3.0]], [1.0, 2.0, 4.0]
NO_DOF = [NAN, INF, INF]  # TWO_ROWS over dim 0 without degrees of freedom: 0/0, then c/0

# (method, input, kwargs, value, gradient of value.sum()) as torch 2.13 gives them
EDGES = [
    ("std", ONES, {}, 0.0, [0.0] * 3),  # no spread: 0, not nan (std_backward masks 1/0)
    ("var", ONES, {}, 0.0, [0.0] * 3),
    ("std", ONES, dict(unbiased=False), 0.0, [0.0] * 3),
    ("std", ONES, dict(correction=2), 0.0, [0.0] * 3),
    ("std", ONES, dict(correction=0.5), 0.0, [0.0] * 3),
    ("std", ONES, dict(correction=3), NAN, [NAN] * 3),  # no degrees of freedom: 0/0
    ("var", ONES, dict(correction=4), NAN, [NAN] * 3),
    ("std", [2.0], {}, NAN, [NAN]),
    ("var", [2.0], {}, NAN, [NAN]),
    ("std", [2.0], dict(correction=0), 0.0, [0.0]),
    ("std", 2.0, {}, NAN, NAN),
    ("std", 2.0, dict(correction=0), 0.0, 0.0),
    ("var", SPREAD, dict(correction=3), INF, [INF] * 3),  # inf where x != mean
    ("std", SPREAD, dict(correction=3), INF, [NAN] * 3),
    ("std", TWO_ROWS, dict(dim=1), [0.0, 1.0], [[0.0] * 3, [-0.5, 0.0, 0.5]]),
    ("std", TWO_ROWS, dict(dim=0, correction=0), [0.0, 0.5, 1.0], [[0, -0.5, -0.5], [0, 0.5, 0.5]]),
    ("var", TWO_ROWS, dict(dim=0, correction=2), NO_DOF, [[NAN, -INF, -INF], [NAN, INF, INF]]),
    ("std", TWO_ROWS, dict(dim=0, correction=3), NO_DOF, [[NAN, 0.0, 0.0], [NAN, 0.0, 0.0]]),
]  # fmt: skip


def _run(lib, method, data, kwargs):
    x = lib.tensor(data, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = getattr(x, method)(**kwargs)
        y.sum().backward()
    return y.detach().numpy(), x.grad.numpy()


@pytest.mark.parametrize("method, data, kwargs, value, grad", EDGES)
def test_var_std_edges_are_pytorchs(method, data, kwargs, value, grad):
    y, g = _run(dl, method, data, kwargs)
    np.testing.assert_allclose(y, value, rtol=1e-6, err_msg="value")
    np.testing.assert_allclose(g, grad, rtol=1e-6, err_msg="gradient")
    if HAS_TORCH:
        import torch

        ty, tg = _run(torch, method, data, kwargs)
        np.testing.assert_allclose(y, ty, rtol=1e-6)
        np.testing.assert_allclose(g, tg, rtol=1e-6)


@pytest.mark.parametrize("method", ["var", "std"])
def test_no_degrees_of_freedom_warns_as_pytorch(method):
    x = dl.tensor([2.0])
    with pytest.warns(UserWarning, match=rf"{method}\(\): degrees of freedom is <= 0"):
        getattr(x, method)()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # enough degrees of freedom: no warning, no NumPy noise
        getattr(dl.tensor(ONES), method)()


def test_std_of_a_constant_has_no_nan_gradient_under_a_graph_of_losses():
    """The case that bit: normalizing by std of a constant batch must not poison the weights."""
    w = dl.tensor([1.0, 1.0, 1.0], requires_grad=True)
    loss = (w * 2).std() + w.sum()
    loss.backward()
    assert w.grad.tolist() == [1.0, 1.0, 1.0]
