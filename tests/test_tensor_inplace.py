"""In-place methods (tensor_inplace.py): PyTorch's values, dtype rules and errors, and the
version counter each change bumps (so a backward that needs the old values raises)."""

import numpy as np
import pytest

import deepling as dl
from tests.helpers import requires_torch

# name, arguments (as a function of the library), starting values
CASES = [
    ("add_", lambda m: (m.tensor([1.0, -2.0, 0.5]),), {}),
    ("add_", lambda m: (m.tensor([1.0, -2.0, 0.5]),), {"alpha": 2}),
    ("sub_", lambda m: (2.0,), {"alpha": 0.5}),
    ("mul_", lambda m: (m.tensor([[2.0], [3.0]]),), {}),
    ("div_", lambda m: (4.0,), {}),
    ("pow_", lambda m: (2,), {}),
    ("clamp_", lambda m: (), {"min": -0.5, "max": 0.5}),
    ("clip_", lambda m: (-0.1,), {}),
    ("exp_", lambda m: (), {}),
    ("abs_", lambda m: (), {}),
    ("neg_", lambda m: (), {}),
    ("sigmoid_", lambda m: (), {}),
    ("tanh_", lambda m: (), {}),
    ("relu_", lambda m: (), {}),
    ("floor_", lambda m: (), {}),
    ("round_", lambda m: (), {}),
    ("sign_", lambda m: (), {}),
    ("square_", lambda m: (), {}),
    ("masked_fill_", lambda m: (m.tensor([True, False, True]), 7.0), {}),
    ("scatter_", lambda m: (1, m.tensor([[2], [0]]), 9.0), {}),
    ("scatter_add_", lambda m: (1, m.tensor([[2, 2], [0, 1]]), m.ones(2, 2)), {}),
    ("lerp_", lambda m: (m.zeros(2, 3), 0.25), {}),
    ("zero_", lambda m: (), {}),
    ("fill_", lambda m: (2.5,), {}),
    ("copy_", lambda m: (m.tensor([1, 2, 3]),), {}),
    ("fill_diagonal_", lambda m: (5.0,), {}),
]
START = [[0.5, -1.5, 2.0], [-0.25, 1.0, -3.0]]


@requires_torch
@pytest.mark.parametrize("name, args, kwargs", CASES, ids=[c[0] for c in CASES])
def test_in_place_methods_match_torch(name, args, kwargs):
    import torch

    ours, theirs = dl.tensor(START), torch.tensor(START)
    out = getattr(ours, name)(*args(dl), **kwargs)
    getattr(theirs, name)(*args(torch), **kwargs)
    assert out is ours
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)
    assert ours._changed is not None and ours._changed[0] > 0  # the version counter moved


def test_casting_and_shape_rules_are_pytorchs():
    i = dl.tensor([1, 2, 3])
    with pytest.raises(
        RuntimeError, match="result type Float can't be cast to the desired output type Long"
    ):
        i.add_(0.5)
    with pytest.raises(RuntimeError, match="result type Float"):
        i /= 2
    i += 1
    assert i.tolist() == [2, 3, 4] and i.dtype == np.int64
    assert dl.zeros(3, dtype=dl.int64).fill_(2.7).tolist() == [2, 2, 2]  # fill_ and copy_ cast
    with pytest.raises(
        RuntimeError, match=r"output with shape \[3\] doesn't match the broadcast shape \[2, 3\]"
    ):
        dl.ones(3).add_(dl.ones(2, 3))
    with pytest.raises(RuntimeError, match="0-dimension value tensor"):
        dl.ones(3).fill_(dl.ones(2))


def test_autograd_rules_for_in_place_changes():
    w = dl.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        w.mul_(2)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        w.normal_()
    with dl.no_grad():
        w.mul_(2).add_(1)
    assert w.tolist() == [3.0, 3.0, 3.0] and w.requires_grad
    w.data.normal_(0, 0.01)  # .data is outside the graph, as in PyTorch
    w.data.fill_(1.0)
    assert w.tolist() == [1.0, 1.0, 1.0]
    buffer = dl.zeros(3)
    with pytest.raises(RuntimeError, match="operand requires grad"):
        buffer.add_(w)  # PyTorch records this; deepling says to write it out of place
    y = w * 2
    with pytest.raises(RuntimeError, match="in the graph are not supported"):
        y.exp_()
    # a change after use is caught by the backward that needed the old values
    a = dl.ones(2, requires_grad=True)
    b = dl.ones(2)
    loss = (a * b).sum()
    b.mul_(3)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


def test_random_fills_use_the_seed_and_the_bounds():
    dl.manual_seed(0)
    a = dl.empty(1000).uniform_(-0.1, 0.1)
    dl.manual_seed(0)
    b = dl.empty(1000).uniform_(**{"from": -0.1, "to": 0.1})
    assert dl.equal(a, b) and a.abs().max().item() <= 0.1 and a.std().item() > 0.05
    n = dl.empty(4000).normal_(2.0, 0.5)
    assert abs(n.mean().item() - 2.0) < 0.05 and abs(n.std().item() - 0.5) < 0.05
    bits = dl.empty(1000).bernoulli_(0.25)
    assert set(bits.tolist()) <= {0.0, 1.0} and 0.15 < bits.mean().item() < 0.35
    g = dl.Generator().manual_seed(3)
    assert dl.equal(
        dl.empty(3).normal_(generator=g),
        dl.empty(3).normal_(generator=dl.Generator().manual_seed(3)),
    )
    assert dl.empty(500).exponential_(2.0).min().item() >= 0


# --- x[key] = v in grad mode: recorded as PyTorch's CopySlices ---
# key (as a function of the library, for tensor keys), the shape of v; x is (4, 3)
SETITEM_KEYS = [
    (lambda m: slice(1, 3), (2, 3)),
    (lambda m: 1, (3,)),
    (lambda m: (slice(None), 0), (4,)),
    (lambda m: [0, 2], (2, 3)),
    (lambda m: m.tensor([True, False, True, False]), (2, 3)),
    (lambda m: (m.tensor([0, 3]), m.tensor([1, 2])), (2,)),
    (lambda m: slice(0, 2), (1, 3)),  # broadcast over rows
    (lambda m: 0, (1, 3)),  # a leading 1 that the assignment drops
    (lambda m: (Ellipsis, 2), ()),
]
SETITEM_IDS = ["slice", "int", "column", "rows", "mask", "pairs", "bcast", "lead1", "scalar"]


def _setitem_graph(m, key, a, v):
    x = a * 2.0  # x is in the graph: its earlier values reach a where they are not overwritten
    x[key(m)] = v * 3.0
    return x


@requires_torch
@pytest.mark.parametrize("key, shape", SETITEM_KEYS, ids=SETITEM_IDS)
def test_setitem_gradients_are_torchs(key, shape):
    import torch

    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal((4, 3)), rng.standard_normal(shape), rng.standard_normal((4, 3))]
    grads = {}
    for m in (dl, torch):
        a, v = (m.tensor(arrays[i], requires_grad=True) for i in (0, 1))
        x = _setitem_graph(m, key, a, v)
        (x.sin() * m.tensor(arrays[2])).sum().backward()
        name = repr(x).split("grad_fn=<")[1].split(">")[0].split(" ")[0]
        grads[m] = [name, x.detach().numpy(), a.grad.numpy(), v.grad.numpy()]
    assert grads[dl][0] == grads[torch][0]  # CopySlices, or IndexPutBackward0 (advanced keys)
    for ours, theirs in zip(grads[dl][1:], grads[torch][1:]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("key, shape", SETITEM_KEYS, ids=SETITEM_IDS)
def test_setitem_gradients_match_central_differences(key, shape):
    rng = np.random.default_rng(1)
    a, v = dl.tensor(rng.standard_normal((4, 3))), dl.tensor(rng.standard_normal(shape))
    assert dl.gradcheck(lambda a, v: _setitem_graph(dl, key, a, v).sin(), [a, v])
    f = lambda a, v: _setitem_graph(dl, key, a * a, v * v)  # noqa: E731
    assert dl.autograd.gradgradcheck(f, [a, v])  # the rule runs on Tensors too


def test_setitem_in_a_loop_into_a_buffer():
    w = dl.tensor([0.5, -1.0, 2.0], dtype=dl.float64, requires_grad=True)
    out = dl.zeros(3, 3, dtype=dl.float64)
    for i in range(3):
        out[i] = w * (i + 1)
    assert out.requires_grad and not out.is_leaf and "grad_fn=<CopySlices>" in repr(out)
    (g,) = dl.grad((out * out).sum(), [w], retain_graph=True)  # grad() walks it too
    np.testing.assert_allclose(g.numpy(), 2 * w.detach().numpy() * 14)
    out.sum().backward()
    assert w.grad.tolist() == [6.0, 6.0, 6.0]
    x = w * 1.0
    x.retain_grad()  # follows x to its new grad_fn, as in PyTorch
    x[1] = 7.0  # a constant: no gradient reaches w there
    x.sum().backward()
    assert w.grad.tolist() == [7.0, 6.0, 7.0]  # 6 + 1, 6 + 0, 6 + 1
    assert x.grad.tolist() == [1.0, 1.0, 1.0]


def test_setitem_that_cannot_be_recorded_raises():
    a = dl.ones(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        a[0] = 1.0
    x = a * 2
    view = x[0]
    with pytest.raises(RuntimeError, match="shares its memory with another tensor.*out of place"):
        x[1] = a[0]
    with pytest.raises(RuntimeError, match="shares its memory"):
        view[1] = 5.0  # x, which view is a view of, would not see it
    del view
    x[1] = a[0]  # no live view any more
    assert x.tolist() == [[2.0, 2.0, 2.0], [1.0, 1.0, 1.0]]
    e = a.exp()
    e[0, 0] = 0.0
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        e.sum().backward()  # exp saved its output, as in PyTorch
    i = dl.zeros(3, dtype=dl.int64)
    i[0] = a[0, 0] * 2.5  # an integer tensor takes the values, outside the graph (PyTorch)
    assert i.tolist() == [2, 0, 0] and not i.requires_grad and i.grad_fn is None
    with dl.no_grad():
        x[0] = a[1]  # not recorded under no_grad
    assert x.grad_fn.name() == "CopySlices"
