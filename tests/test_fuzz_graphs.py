"""Random small graphs over every differentiable op of the PyTorch face (tests/fuzz/), run in
deepling and in PyTorch from the same inputs: the forward value, the first-order gradients of a
random linear functional of the output (random grad_outputs), and the second-order gradients
(create_graph=True, then grad again with random weights), in float64 and in float32.

Each op keeps its operand away from its kinks and ties with constants (tests/fuzz/graph.py), so
both frameworks differentiate the same smooth function and must agree to rounding.
"""

import numpy as np
import pytest

import deepling as dl
from tests.fuzz import LOSSES, POOL, Draws, Graph, Lib, derivatives
from tests.helpers import requires_torch

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

# rtol, atol (relative to the largest reference value): float64 differs by rounding only
TOLERANCE = {"float64": (1e-7, 1e-9), "float32": (2e-3, 2e-4)}
OPS = sorted(set(POOL) - LOSSES)


def build(draws, rng, depth, first=None, last=None):
    """A graph of `depth` random ops on one or two leaves (`first`/`last` fix an end)."""
    g = Graph(draws, rng)
    for _ in range(draws.integer(1, 2)):
        x = g.leaf(tuple(draws.integer(1, 3) for _ in range(draws.integer(0, 3))))
    if first is not None:  # a leaf shape the first op accepts
        shapes = [(3, 2), (2, 3, 2), (4,), (2, 1, 3), (), (1, 3)]
        x = g.leaf(draws.pick([s for s in shapes if POOL[first][0](s)]))
    for step in range(depth):
        x = g.bounded(x)
        if step == 0 and first is not None:
            name = first
        elif step == depth - 1 and last is not None and POOL[last][0](g.shape(x)):
            name = last
        else:
            name = draws.pick([n for n in OPS if POOL[n][0](g.shape(x))])
        g.current = name
        x = POOL[name][1](g, x)
    return g


def check_against_torch(g, dtype, seed):
    """deepling and PyTorch agree on the forward, first and second derivatives of graph g."""
    rng = np.random.default_rng(seed)
    leaves = [a for call, a in g.nodes if call is None]
    gy = rng.standard_normal(g.shape(len(g.nodes) - 1))
    vs = [rng.standard_normal(np.shape(a)) for a in leaves]
    ours = derivatives(g, Lib("deepling", dtype), gy, vs)
    theirs = derivatives(g, Lib("torch", dtype), gy, vs)
    ops = " -> ".join(f"{n}{g.shape(i)}" for i, n in enumerate(g.names))
    rtol, atol = TOLERANCE[dtype]

    def same(a, b, what):
        assert a.shape == b.shape, f"{what} shape {a.shape} vs torch {b.shape} ({dtype}): {ops}"
        scale = 1.0 + np.max(np.abs(b), initial=0.0)
        np.testing.assert_allclose(a, b, rtol, atol * scale, err_msg=f"{what} ({dtype}): {ops}")

    same(ours[0], theirs[0], "forward")
    for k, (a, b) in enumerate(zip(ours[1], theirs[1])):
        assert (a is None) == (b is None), f"leaf {k} used in one framework only: {ops}"
        if a is not None:
            same(a, b, f"first-order grad of leaf {k}")
    for k, (a, b) in enumerate(zip(ours[2], theirs[2])):
        same(a, b, f"second-order grad of {'grad_outputs' if k == len(leaves) else k}")


@requires_torch
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    data=st.data(),
    depth=st.integers(2, 6),
    dtype=st.sampled_from(["float64", "float32"]),
    end_in_loss=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_random_graphs_match_torch(data, depth, dtype, end_in_loss, seed):
    draws = Draws(data=data)
    last = draws.pick(sorted(LOSSES)) if end_in_loss else None
    g = build(draws, np.random.default_rng(seed), depth, last=last)
    check_against_torch(g, dtype, seed)


@requires_torch
@pytest.mark.parametrize("name", sorted(POOL))
def test_every_op_in_a_random_graph(name):
    """Each op of the pool at least once, first in a graph of three, in both dtypes."""
    for seed in range(2):
        rng = np.random.default_rng([seed, *name.encode()])
        g = build(Draws(rng=rng), rng, 3, first=name, last=None)
        for dtype in TOLERANCE:
            check_against_torch(g, dtype, seed)


# names of the PyTorch face with no gradient, and names reached as a form of a pool op
NOT_DIFFERENTIABLE = {"argmax", "argmin", "eq", "ge", "gt", "le", "lt", "ne", "logical_and",
                      "logical_not", "logical_or", "logical_xor", "one_hot", "all", "allclose",
                      "any", "argsort", "argwhere", "bincount", "count_nonzero", "equal",
                      "isclose", "isfinite", "isinf", "isnan", "nonzero", "numel",
                      "unique",  # and the steps, whose gradient is 0 everywhere: a graph through
                      # one has no second derivative for PyTorch to take (tests/ops/ has them)
                      "ceil", "floor", "floor_divide", "round", "sign", "trunc"}  # fmt: skip
SUBMODULES = {"activation", "attention", "conv", "functional", "layers", "loss"}
FORMS = {  # name -> the pool op that draws it among its forms
    "concatenate": "cat", "concat": "cat", "view": "reshape", "broadcast_to": "expand",
    "dot": "matmul", "mm": "matmul", "chunk": "split", "clip": "clamp", "mv": "matmul",
    "bmm": "matmul", "msort": "sort", "moveaxis": "movedim", "swapdims": "swapaxes",
}  # fmt: skip


def test_the_pool_covers_every_differentiable_op_of_the_pytorch_face():
    names = set(dl.ops.__all__) | {n for n in dir(dl.nn.functional) if not n.startswith("_")}
    names -= NOT_DIFFERENTIABLE | SUBMODULES
    missing = sorted(n for n in names if n not in POOL and FORMS.get(n) not in POOL)
    assert not missing, f"add these to tests/fuzz/: {missing}"
