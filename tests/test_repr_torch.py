"""Printed tensors, shapes and results as PyTorch prints them (programs run with
`import deepling as torch` print what their tutorials show), over many random cases."""

import numpy as np
import pytest

import deepling as dl
from tests.helpers import requires_torch

torch = pytest.importorskip("torch")

SHAPES = [(), (0,), (0, 3), (2, 0, 2), (1,), (5,), (3, 4), (2, 3, 4), (40, 40), (1001,), (2, 600)]
DTYPES = ["float32", "float64", "float16", "int64", "int32", "uint8", "bool"]
SCALES = [1.0, 1e-5, 1e3, 1e9, 0.0]


def _values(rng, shape, dtype, scale):
    if dtype == "bool":
        return np.asarray(rng.random(shape) < 0.5)
    if dtype in ("int64", "int32", "uint8"):
        high = 200 if dtype == "uint8" else int(max(scale, 10))
        low = 0 if dtype == "uint8" else -high
        return rng.integers(low, high, shape).astype(dtype)
    a = np.asarray(rng.standard_normal(shape) * scale)
    if scale == 1e3:
        a = np.asarray(np.round(a))  # whole numbers print as `3.`
    if a.size > 3 and scale == 1.0:
        a.reshape(-1)[:3] = [np.nan, np.inf, -0.0]
    with np.errstate(over="ignore"):  # 1e9 is inf in float16
        return a.astype(dtype)


CASES = [
    (s, d, c) for s in SHAPES for d in DTYPES for c in (SCALES if d.startswith("f") else [1.0])
]


@requires_torch
@pytest.mark.parametrize("shape, dtype, scale", CASES, ids=str)
def test_repr_matches_torch(shape, dtype, scale):
    a = _values(np.random.default_rng(len(CASES)), shape, dtype, scale)
    ours, theirs = dl.from_numpy(a.copy()), torch.from_numpy(a.copy())
    assert repr(ours) == repr(theirs)
    assert str(ours) == str(theirs)
    assert repr(ours.shape) == repr(theirs.shape) and str(ours.shape) == str(theirs.shape)


def _graphs(m, functional):
    x = m.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], requires_grad=True)
    w = m.tensor([[0.1, 0.2, 0.3]], requires_grad=True)
    return [
        m.sigmoid(x @ w.T), functional.linear(x, w, m.tensor([0.5])), (x * 2).sum(), x.mean(1), x[0],
        x[:, 1:], x.reshape(6), x.T, x.double(), x.clamp(min=0), x**2, functional.cross_entropy(x, m.tensor([0, 2])),
        x.max(dim=1).values, m.cat([x, x]), x.exp(), functional.softmax(x, dim=1), m.relu(x), x.float(),
        m.zeros(0, 3, requires_grad=True), m.tensor(1.5, dtype=m.float64, requires_grad=True),
    ]  # fmt: skip


@requires_torch
def test_tensors_with_graphs_print_torchs_grad_fn_names():
    ours = _graphs(dl, dl.nn.functional)
    theirs = _graphs(torch, torch.nn.functional)
    for a, b in zip(ours, theirs):
        assert repr(a) == repr(b)


@requires_torch
def test_parameters_sizes_and_return_types_print_as_torchs():
    w = np.array([[0.25, -0.5]], np.float32)
    assert repr(dl.nn.Parameter(dl.tensor(w))) == repr(torch.nn.Parameter(torch.tensor(w)))
    for f in (
        lambda m: m.tensor(w).max(dim=1),
        lambda m: m.tensor(w).sort(),
        lambda m: m.tensor(w).topk(1),
    ):
        assert repr(f(dl)) == repr(f(torch))
    assert (
        repr(dl.Size([7, 1])) == "torch.Size([7, 1])" and dl.ones(2).type() == "torch.FloatTensor"
    )
    assert f"{dl.tensor(2.5):.2f}" == f"{torch.tensor(2.5):.2f}"
