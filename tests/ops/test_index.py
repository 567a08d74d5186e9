"""Indexing with gradient (deepling/ops/index.py): x[key] and gather, against PyTorch."""

import numpy as np
import pytest

import deepling as dl
from deepling.ops.index import IndexAdd
from tests.helpers import Case, op_tests
from tests.ops.test_shape import same

MASK = np.array([[True, False, True, True], [False, False, True, False], [True, True, False, True]])
ROWS = np.array([2, 0, 2, 2])  # repeated: their gradients must add up
# (dim, index into a (3, 4) input, name): repeats, and indexes smaller than the input
GATHERS = [
    (1, [[0, 3, 3, 1], [2, 2, 2, 2], [1, 0, 3, 2]], "full"),
    (0, [[0, 2, 2, 1], [1, 1, 0, 0]], "fewer rows"),
    (1, [[3], [0], [3]], "one column"),
    (1, [[1, 1], [0, 3]], "smaller in both"),
    (-1, [[2, 0, 2]], "dim -1"),
    (-2, [[2, 2, 0, 1]], "dim -2"),
]


def key(k, shape=(3, 4), name=None):
    """`x[k]` on deepling and on torch (NumPy arrays inside `k` become torch tensors there)."""

    def on_torch(x):
        import torch

        parts = k if isinstance(k, tuple) else (k,)
        t = tuple(torch.from_numpy(p) if isinstance(p, np.ndarray) else p for p in parts)
        return x[t if isinstance(k, tuple) else t[0]]

    return Case(lambda x: x[k], [shape], on_torch, name=name or f"{shape}[{k!r}]")


def flipped(k, shape=(3, 4)):
    """Negative steps: NumPy has them, PyTorch does not, so the reference is NumPy."""
    return Case(lambda x: x[k], [shape], numpy=lambda x: x[k], name=f"{shape}[{k!r}]")


def with_index(fn, x_shape, index, name):
    """`fn(lib, x, index)` where the index is an int64 or bool tensor input (no gradient)."""

    def make(rng):
        return [rng.uniform(-2, 2, x_shape), np.asarray(index)]

    return same(fn, [], name, make_inputs=make)


def index_add(k, shape, values_shape, name):
    """IndexAdd (x[key]'s backward as an op): zeros of `shape` with the values added at `k`."""

    def on_torch(g):
        import torch

        parts = k if isinstance(k, tuple) else (k,)
        t = tuple(torch.from_numpy(p) if isinstance(p, np.ndarray) else p for p in parts)
        return torch.zeros(shape, dtype=g.dtype).index_put(t, g, accumulate=True)

    return Case(lambda g: IndexAdd(shape, k)(g), [values_shape], on_torch, name=name)


CASES = [
    index_add(ROWS, (3, 4), (4, 4), "IndexAdd rows with repeats"),
    index_add((np.array([0, 2, 0]), np.array([1, 1, 1])), (3, 4), (3,), "IndexAdd pairs"),
    # basic: ints, slices, None, Ellipsis, 0-d results and 0-d inputs
    key(1),
    key(-1),
    key((1, 2)),
    key((slice(None), 1)),
    key((slice(1, None), slice(None, 3))),
    key((slice(None, None, 2), slice(1, None, 2))),
    key((None, Ellipsis, 1)),
    key((Ellipsis, None)),
    key((0, None, slice(1, 3))),
    key((Ellipsis, 0), shape=(2, 3, 4)),
    key((), shape=()),
    key(None, shape=()),
    key((Ellipsis, None), shape=()),
    flipped(slice(None, None, -1)),
    flipped((slice(None, None, -2), slice(3, 0, -1))),
    flipped((Ellipsis, slice(None, None, -1)), shape=(2, 3, 4)),
    # integer lists and arrays, with repeats
    key([0, 0, 2]),
    key(np.array([[0, 1], [1, 1]]), name="2-d int64 array"),
    key((slice(None), [3, 3, 0])),
    key(([0, 2, 0], [1, 1, 1]), name="pairs (0, 1) twice"),
    key(ROWS, name="int64 array rows"),
    key((ROWS, slice(1, None)), name="x[rows, 1:]"),
    key((slice(None), ROWS), name="x[:, rows]"),
    key((Ellipsis, ROWS), shape=(2, 3, 3), name="x[..., rows]"),
    with_index(lambda lib, x, i: x[i], (3, 4), ROWS, "x[int64 tensor]"),
    with_index(lambda lib, x, i: x[i, 1:], (3, 4), ROWS, "x[int64 tensor, 1:]"),
    with_index(lambda lib, x, i: x[:, i], (3, 4), [1, 1, 3], "x[:, int64 tensor]"),
    with_index(lambda lib, x, i: x[i, i], (3, 3), ROWS[:3], "x[i, i]"),
    # boolean masks: arrays and tensors
    key(MASK, name="bool array mask"),
    key(MASK[:, 0], name="bool array on rows"),
    key((slice(None), MASK[0]), name="bool array on columns"),
    with_index(lambda lib, x, m: x[m], (3, 4), MASK, "bool tensor mask"),
    same(lambda lib, x: x[x > 0], [(3, 4)], "x[x > 0]"),
    same(lambda lib, x: x[x.sum(1) > 0, 2:], [(3, 4)], "x[rows > 0, 2:]"),
    # gather: dims 0 and 1, negative dims, repeats, an index smaller than the input
    *[
        with_index(lambda lib, x, i, d=d: lib.gather(x, d, i), (3, 4), idx, f"gather dim {d} {n}")
        for d, idx, n in GATHERS
    ],
    with_index(lambda lib, x, i: x.gather(2, i), (2, 3, 4), np.zeros((2, 3, 2), int), "x.gather"),
]

test_op = op_tests(CASES)


def test_repeated_indices_add_their_gradients():
    x = dl.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[0, 0, 2, 0]].sum().backward()
    assert x.grad.tolist() == [3.0, 0.0, 1.0]
    x.grad = None
    dl.gather(x.reshape(1, 3), 1, dl.tensor([[2, 2]])).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 2.0]


def test_mask_selects_in_row_major_order():
    x = dl.tensor([[1.0, -2.0], [-3.0, 4.0]], requires_grad=True)
    y = x[x < 0]
    assert y.tolist() == [-2.0, -3.0]
    (y * dl.tensor([10.0, 100.0])).sum().backward()
    assert x.grad.tolist() == [[0.0, 10.0], [100.0, 0.0]]


def test_index_errors():
    x = dl.ones(3, 4)
    with pytest.raises(IndexError):
        x[3]
    with pytest.raises(IndexError):
        x[[0, 5]]
    with pytest.raises(RuntimeError, match=r"same number of dimensions.*\(2,\).*\(3, 4\)"):
        dl.gather(x, 1, dl.tensor([0, 1]))
    with pytest.raises(IndexError, match="Dimension out of range"):
        dl.gather(x, 2, dl.tensor([[0]]))
