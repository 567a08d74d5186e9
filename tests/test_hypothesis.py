"""Property tests: broadcasting binary ops, and random compositions of ops, against gradcheck
(and PyTorch when it is installed)."""

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra.numpy import mutually_broadcastable_shapes  # noqa: E402

import deepling as dl  # noqa: E402
from tests.helpers import HAS_TORCH  # noqa: E402

if HAS_TORCH:
    import torch

SETTINGS = settings(max_examples=40, deadline=None)

# op name -> (deepling op, torch name, NumPy forward)
BINARY = {
    "add": (dl.add, "add", np.add),
    "mul": (dl.mul, "mul", np.multiply),
    "sub": (dl.sub, "sub", np.subtract),
    "div": (dl.div, "div", np.divide),
    "maximum": (dl.maximum, "maximum", np.maximum),
}


def _operands(name, shapes, seed):
    """Random float64 operands; the divisor stays away from zero, maximum sees no ties."""
    rng = np.random.default_rng(seed)
    if name == "maximum":  # on two grids 0.25 apart, so no pair ties or nearly ties
        return rng.integers(-4, 5, shapes[0]) * 0.5, rng.integers(-4, 5, shapes[1]) * 0.5 + 0.25
    a = rng.uniform(-2, 2, shapes[0])
    return a, rng.uniform(0.5, 2, shapes[1]) * rng.choice([-1, 1], shapes[1])


@SETTINGS
@given(
    name=st.sampled_from(sorted(BINARY)),
    shapes=mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3),
    seed=st.integers(0, 2**16),
)
def test_binary_ops_broadcast_like_numpy(name, shapes, seed):
    op, torch_name, reference = BINARY[name]
    a, b = _operands(name, shapes.input_shapes, seed)
    ta, tb = dl.tensor(a, requires_grad=True), dl.tensor(b, requires_grad=True)
    out = op(ta, tb)
    assert out.shape == np.broadcast_shapes(a.shape, b.shape) == shapes.result_shape
    np.testing.assert_allclose(out.detach().numpy(), reference(a, b), rtol=1e-12)

    gy = np.random.default_rng(seed + 1).standard_normal(out.shape)
    ga, gb = dl.grad(out, [ta, tb], gy)
    assert ga.shape == a.shape and gb.shape == b.shape
    assert ga.dtype == gb.dtype == np.float64
    assert dl.gradcheck(op, [a, b])
    if HAS_TORCH:
        xa, xb = (torch.tensor(v, requires_grad=True) for v in (a, b))
        theirs = torch.autograd.grad(getattr(torch, torch_name)(xa, xb), [xa, xb], torch.tensor(gy))
        np.testing.assert_allclose(ga.numpy(), theirs[0].numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(gb.numpy(), theirs[1].numpy(), rtol=1e-10, atol=1e-12)


# --- random compositions ---
# Each op: (name, applies to a shape?, f(data, t, y) -> tensor); `y` is a second leaf of
# shape (1,), and `data` draws the op's settings (a dim, keepdim, a new shape).
def _dim(data, t):
    return data.draw(st.integers(-t.ndim, t.ndim - 1), label="dim")


def _reshape(data, t):
    n = t.numel()
    target = data.draw(st.sampled_from([(-1,), (n, 1), (1, -1), (1, n, 1)]), label="shape")
    return t.reshape(*target)


POOL = [
    ("exp", lambda s: True, lambda data, t, y: dl.exp(dl.tanh(t))),  # small values only
    ("tanh", lambda s: True, lambda data, t, y: dl.tanh(t)),
    ("sigmoid", lambda s: True, lambda data, t, y: dl.sigmoid(t)),
    ("mul", lambda s: True, lambda data, t, y: t * y),
    ("add", lambda s: True, lambda data, t, y: t + dl.sigmoid(t) * y),  # two paths from t
    (
        "sum",
        lambda s: len(s) >= 1,
        lambda data, t, y: t.sum(dim=_dim(data, t), keepdim=data.draw(st.booleans())),
    ),
    ("mean", lambda s: True, lambda data, t, y: t.mean()),
    ("mean_dim", lambda s: len(s) >= 1, lambda data, t, y: t.mean(dim=_dim(data, t))),
    ("reshape", lambda s: True, lambda data, t, y: _reshape(data, t)),
    ("transpose", lambda s: len(s) >= 2, lambda data, t, y: t.transpose(0, -1)),
    ("T", lambda s: len(s) == 2, lambda data, t, y: t.T),
    ("softmax", lambda s: len(s) >= 1, lambda data, t, y: dl.softmax(t, dim=_dim(data, t))),
    ("log", lambda s: True, lambda data, t, y: dl.log(t * t + 0.5)),  # of a positive value
]


@SETTINGS
@given(
    data=st.data(),
    shape=st.lists(st.integers(1, 4), min_size=0, max_size=3).map(tuple),
    depth=st.integers(2, 5),
    seed=st.integers(0, 2**16),
)
def test_random_compositions_pass_gradcheck(data, shape, depth, seed):
    steps = []
    probe = dl.zeros(*shape)
    for _ in range(depth):  # choose the ops on a probe, so each one fits the shape it gets
        name, _, fn = data.draw(st.sampled_from([op for op in POOL if op[1](probe.shape)]))
        settings_data = _Replay(data)
        probe = fn(settings_data, probe, dl.zeros(1))
        steps.append((name, fn, settings_data.values))

    def composed(x, y):
        t = x
        for _, fn, values in steps:
            t = fn(_Replay(None, values), t, y)
        return t

    rng = np.random.default_rng(seed)
    x, y = rng.uniform(-1, 1, shape), rng.uniform(-1, 1, (1,))
    out = composed(dl.tensor(x), dl.tensor(y))
    assert out.shape == probe.shape, [s[0] for s in steps]
    assert dl.gradcheck(composed, [x, y]), [s[0] for s in steps]


class _Replay:
    """Records the settings an op draws, then hands the same ones back for each evaluation."""

    def __init__(self, data, values=None):
        self.data, self.values = data, [] if values is None else list(values)
        self._next = 0

    def draw(self, strategy, label=None):
        if self.data is not None:
            value = self.data.draw(strategy, label=label)
            self.values.append(value)
            return value
        self._next += 1
        return self.values[self._next - 1]
