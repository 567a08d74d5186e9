"""The indexing ops of the everyday API (ops/index.py): take_along_dim, take, index_select,
masked_fill, masked_select, scatter, scatter_add, nonzero/argwhere."""

import numpy as np
import pytest

import deepling as dl
from tests.helpers import Case, op_tests, requires_torch


def _ints(*rows):
    return np.array(rows, dtype=np.int64)


def _torch_int(a):
    import torch

    return torch.tensor(a)


def _with_index(index, name, *args, **kwargs):
    """`name(x, *args with index)` for deepling and torch (the index as each one's tensor)."""

    def ours(x, **kw):
        return getattr(dl, name)(x, *args, dl.tensor(index), **kwargs, **kw)

    def theirs(x, **kw):
        import torch

        return getattr(torch, name)(x, *args, torch.tensor(index), **kwargs, **kw)

    ours.__name__ = name
    return ours, theirs


def _scatter(name, index, src_shape, reduce=None):
    def ours(x, src):
        return getattr(dl, name)(x, 1, dl.tensor(index), src)

    def theirs(x, src):
        import torch

        return getattr(torch, name)(x, 1, torch.tensor(index), src)

    ours.__name__ = name
    return ours, theirs


MASK = np.array(
    [[True, False, True, False], [False, False, True, True], [True, True, False, False]]
)

CASES = [
    Case(
        *_with_index(_ints([0, 2], [1, 1], [3, 0]), "take_along_dim")[:1],
        [(3, 4)],
        _with_index(_ints([0, 2], [1, 1], [3, 0]), "take_along_dim")[1],
        kwargs=dict(dim=1),
        name="take_along_dim",
    ),  # fmt: skip
    Case(
        _with_index(_ints([0, 2, 1]), "take_along_dim")[0],
        [(3, 4)],
        _with_index(_ints([0, 2, 1]), "take_along_dim")[1],
        kwargs=dict(dim=1),
        name="take_along_dim-broadcast",
    ),  # fmt: skip
    Case(
        _with_index(_ints(5, 0, 11), "take_along_dim")[0],
        [(3, 4)],
        _with_index(_ints(5, 0, 11), "take_along_dim")[1],
        name="take_along_dim-flat",
    ),
    Case(
        _with_index(_ints([0, 5], [11, 5]), "take")[0],
        [(3, 4)],
        _with_index(_ints([0, 5], [11, 5]), "take")[1],
        name="take",
    ),
    Case(
        lambda x: dl.index_select(x, 1, dl.tensor([2, 0, 2])),
        [(3, 4)],
        lambda x: x.index_select(1, _torch_int([2, 0, 2])),
        name="index_select",
    ),  # fmt: skip
    Case(
        lambda x: dl.masked_fill(x, dl.tensor(MASK), 0.5),
        [(3, 4)],
        lambda x: x.masked_fill(_torch_int(MASK), 0.5),
        name="masked_fill",
    ),  # fmt: skip
    Case(
        lambda x, v: dl.masked_fill(x, dl.tensor(MASK[0]), v),
        [(3, 4), ()],
        lambda x, v: x.masked_fill(_torch_int(MASK[0]), v),
        name="masked_fill-tensor",
    ),
    Case(
        lambda x: dl.masked_select(x, dl.tensor(MASK)),
        [(3, 4)],
        lambda x: x.masked_select(_torch_int(MASK)),
        name="masked_select",
    ),  # fmt: skip
    Case(
        lambda x: dl.masked_select(x, dl.tensor(MASK[:, :1])),
        [(4,)],
        lambda x: x.masked_select(_torch_int(MASK[:, :1])),
        name="masked_select-bc",
    ),
    # scatter: no repeated index (which value wins is unspecified, in PyTorch too)
    Case(
        _scatter("scatter", _ints([0, 2], [3, 1], [1, 0]), None)[0],
        [(3, 4), (3, 2)],
        _scatter("scatter", _ints([0, 2], [3, 1], [1, 0]), None)[1],
        name="scatter",
    ),
    Case(
        _scatter("scatter_add", _ints([0, 2], [3, 3], [1, 0]), None)[0],
        [(3, 4), (3, 2)],
        _scatter("scatter_add", _ints([0, 2], [3, 3], [1, 0]), None)[1],
        name="scatter_add",
    ),
]

test_op = op_tests(CASES)


@requires_torch
def test_one_hot_by_scatter_and_nonzero_match_torch():
    import torch

    labels = [0, 3, 1]
    for lib in (dl, torch):
        one_hot = lib.zeros(3, 4).scatter(1, lib.tensor(labels).unsqueeze(1), 1.0)
        assert one_hot.argmax(1).tolist() == labels
        assert lib.zeros(2, 4).scatter_add(1, lib.tensor([[0, 0], [3, 3]]), lib.ones(2, 2)).tolist() == [
            [2.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 2.0]]  # fmt: skip
    x = [[0, 1], [2, 0]]
    assert dl.nonzero(dl.tensor(x)).tolist() == torch.nonzero(torch.tensor(x)).tolist()
    assert [t.tolist() for t in dl.nonzero(dl.tensor(x), as_tuple=True)] == [
        t.tolist() for t in torch.nonzero(torch.tensor(x), as_tuple=True)
    ]
    assert dl.nonzero(dl.tensor(3)).shape == torch.nonzero(torch.tensor(3)).shape
    assert dl.argwhere(dl.tensor(x)).tolist() == [[0, 1], [1, 0]]
    assert [t.tolist() for t in dl.where(dl.tensor(x))] == [[0, 1], [1, 0]]


def test_masked_fill_keeps_the_dtype_and_refuses_non_bool_masks():
    x = dl.tensor([1, 2, 3])
    assert x.masked_fill(x > 1, 0.5).tolist() == [1, 0, 0]
    with pytest.raises(RuntimeError, match="only supports boolean masks"):
        x.masked_fill(dl.tensor([1, 0, 1]), 0)
    with pytest.raises(IndexError, match="supposed to be a vector"):
        dl.index_select(dl.ones(2, 3), 1, dl.tensor([[0, 1]]))


def test_gather_nd_is_indexing_with_one_array_per_dim():
    x = dl.arange(12.0).reshape(3, 4)
    idx = np.array([[0, 1], [2, 3]])  # TensorFlow's gather_nd(x, idx): rows of (i, j)
    assert x[tuple(idx.T)].tolist() == [1.0, 11.0]
