import numpy as np
import pytest

import deepling as dl
from tests.helpers import Case, op_tests, requires_torch


def _values(name, *args, **kwargs):
    """The values of an op that returns (values, indices), in deepling or torch."""

    def ours(x):
        return getattr(dl, name)(x, *args, **kwargs).values

    def theirs(x):
        import torch

        return getattr(torch, name)(x, *args, **kwargs).values

    ours.__name__ = name
    return ours, theirs


def _case(name, shapes, *args, **kwargs):
    ours, theirs = _values(name, *args, **kwargs)
    return Case(ours, shapes, theirs, name=f"{name}{shapes}{args}{kwargs}")


CASES = [
    _case("sort", [(5,)]),
    _case("sort", [(3, 4)], 0),
    _case("sort", [(3, 4)], -1, True),
    _case("sort", [()]),
    _case("topk", [(6,)], 3),
    _case("topk", [(3, 5)], 2, 0),
    _case("topk", [(3, 5)], 2, largest=False),
    _case("topk", [()], 1),
    _case("median", [(3, 4)], 1),
    _case("median", [(4, 3)], 0, keepdim=True),
    Case(dl.median, [(3, 4)], "median", name="median-all"),
    Case(dl.msort, [(4, 3)], "msort"),
]

test_op = op_tests(CASES)


@requires_torch
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("dim", [0, -1])
def test_sort_indices_and_nans_match_torch(descending, dim):
    import torch

    x = np.array([[3.0, np.nan, 1.0, 2.0], [0.5, -1.0, np.inf, np.nan], [2.0, 2.5, -np.inf, 0.0]])
    ours = dl.sort(dl.tensor(x), dim, descending)
    theirs = torch.sort(torch.tensor(x), dim, descending)
    np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())
    np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
    assert dl.argsort(dl.tensor(x), dim, descending).tolist() == ours.indices.tolist()


def test_stable_sort_keeps_ties_in_order_both_ways():
    x = dl.tensor([1, 0, 1, 0, 1])
    assert dl.sort(x, stable=True).indices.tolist() == [1, 3, 0, 2, 4]
    assert dl.sort(x, descending=True, stable=True).indices.tolist() == [0, 2, 4, 1, 3]
    assert dl.sort(dl.tensor([1, 0], dtype=dl.uint8), descending=True).values.tolist() == [1, 0]


def test_topk_and_sort_print_as_pytorchs_return_types():
    r = dl.topk(dl.tensor([3.0, 1.0, 2.0]), 2)
    assert repr(r) == (
        "torch.return_types.topk(\nvalues=tensor([3., 2.]),\nindices=tensor([0, 2]))"
    )
    values, indices = r
    assert indices.dtype == np.int64 and r.values is values
    with pytest.raises(RuntimeError, match="out of range"):
        dl.topk(dl.ones(3), 4)


def test_median_is_the_lower_middle_without_averaging():
    assert dl.median(dl.tensor([1.0, 4.0, 2.0, 3.0])).item() == 2.0
    m = dl.tensor([[1.0, 4.0, 2.0, 3.0]]).median(dim=1)
    assert m.values.tolist() == [2.0] and m.indices.tolist() == [2]


@requires_torch
def test_unique_matches_torch():
    import torch

    x = [[3, 1], [1, 2]]
    ours = dl.unique(dl.tensor(x), return_inverse=True, return_counts=True)
    theirs = torch.unique(torch.tensor(x), return_inverse=True, return_counts=True)
    for a, b in zip(ours, theirs):
        assert a.tolist() == b.tolist() and a.shape == tuple(b.shape)
    rows = [[3, 1], [3, 1], [0, 2]]
    ours = dl.unique(dl.tensor(rows), dim=0, return_counts=True)
    theirs = torch.unique(torch.tensor(rows), dim=0, return_counts=True)
    assert [a.tolist() for a in ours] == [b.tolist() for b in theirs]
    assert dl.tensor([2.0, 1.0, 2.0]).unique().tolist() == [1.0, 2.0]


def test_bincount_counts_and_weights():
    assert dl.bincount(dl.tensor([0, 1, 1, 3])).tolist() == [1, 2, 0, 1]
    assert dl.bincount(dl.tensor([1]), minlength=4).tolist() == [0, 1, 0, 0]
    w = dl.bincount(dl.tensor([0, 1, 1]), weights=dl.tensor([0.5, 1.0, 2.0]))
    assert w.tolist() == [0.5, 3.0] and w.dtype == np.float32
    with pytest.raises(RuntimeError, match="non-negative"):
        dl.bincount(dl.tensor([-1]))
    with pytest.raises(NotImplementedError, match="bincount_cpu"):
        dl.bincount(dl.tensor([1.0]))
