import pytest

import deepling as dl
from tests.helpers import Case, op_tests, requires_torch


def _method(name, *args, **kwargs):
    """`x.name(*args)` on deepling and torch tensors alike (for methods without a function)."""

    def call(x):
        return getattr(x, name)(*args, **kwargs)

    call.__name__ = name
    return call


def _stacked(name, *args, **kwargs):
    """The pieces of `name(x, ...)` (a tuple of tensors) stacked into one tensor."""

    def ours(x):
        return dl.stack(getattr(dl, name)(x, *args, **kwargs))

    def theirs(x):
        import torch

        return torch.stack(getattr(torch, name)(x, *args, **kwargs))

    ours.__name__ = name
    return ours, theirs


CASES = [
    Case(_method("repeat", 2, 1, 3), [(3, 4)], _method("repeat", 2, 1, 3), name="repeat"),
    Case(_method("repeat", 2, 3), [(4,)], _method("repeat", 2, 3), name="repeat-new-dim"),
    Case(_method("repeat", 3), [()], _method("repeat", 3), name="repeat-0d"),
    Case(dl.tile, [(3, 4)], "tile", kwargs=dict(dims=(2,))),
    Case(dl.repeat_interleave, [(3, 4)], "repeat_interleave", kwargs=dict(repeats=2, dim=1)),
    Case(dl.repeat_interleave, [(3, 2)], "repeat_interleave", kwargs=dict(repeats=3)),
    Case(
        lambda x: dl.repeat_interleave(x, dl.tensor([1, 0, 2]), dim=0),
        [(3, 2)],
        lambda x: x.repeat_interleave(__import__("torch").tensor([1, 0, 2]), dim=0),
        name="repeat_interleave-counts",
    ),  # fmt: skip
    Case(dl.flip, [(3, 4)], "flip", kwargs=dict(dims=[0, 1])),
    Case(dl.flip, [(2, 3, 4)], "flip", kwargs=dict(dims=(-1,))),
    Case(dl.flip, [()], "flip", kwargs=dict(dims=[])),
    Case(dl.roll, [(5,)], "roll", kwargs=dict(shifts=2)),
    Case(dl.roll, [(3, 4)], "roll", kwargs=dict(shifts=(1, -1), dims=(0, 1))),
    Case(dl.roll, [(3, 4)], "roll", kwargs=dict(shifts=5)),
    Case(dl.movedim, [(2, 3, 4)], "movedim", kwargs=dict(source=0, destination=-1)),
    Case(dl.movedim, [(2, 3, 4)], "movedim", kwargs=dict(source=(0, 1), destination=(2, 0))),
    Case(dl.swapaxes, [(2, 3, 4)], "swapaxes", kwargs=dict(axis0=0, axis1=2)),
    Case(dl.t, [(3, 4)], "t"),
    Case(dl.t, [(4,)], "t", name="t-1d"),
    Case(dl.narrow, [(3, 5)], "narrow", kwargs=dict(dim=1, start=-3, length=2)),
    Case(dl.select, [(3, 5)], "select", kwargs=dict(dim=1, index=-1)),
    Case(_stacked("unbind", 1)[0], [(3, 4)], _stacked("unbind", 1)[1], name="unbind"),
    Case(dl.unflatten, [(3, 4)], "unflatten", kwargs=dict(dim=1, sizes=(2, 2))),
    Case(dl.clone, [(3, 4)], "clone"),
    Case(dl.clone, [()], "clone", name="clone-0d"),
]

test_op = op_tests(CASES)


@requires_torch
def test_errors_and_shapes_match_torch():
    import torch

    for lib in (dl, torch):
        x = lib.ones(2, 3)
        with pytest.raises(RuntimeError, match="can not be smaller"):
            x.repeat(2)
        with pytest.raises(RuntimeError, match=r"t\(\) expects a tensor with <= 2"):
            lib.ones(1, 1, 3).t()
        with pytest.raises(RuntimeError, match="only supported on matrices or batches"):
            _ = lib.ones(3).mT
        with pytest.raises(RuntimeError, match=r"tensor.H is only supported on matrices"):
            _ = lib.ones(2, 2, 2).H
        assert tuple(lib.ones(2, 3, 4).mT.shape) == (2, 4, 3)
        assert tuple(x.H.shape) == (3, 2)
        assert lib.numel(x) == 6 and x.unflatten(1, (3, 1)).shape == (2, 3, 1)
    assert dl.repeat_interleave(dl.tensor([2, 1])).tolist() == [0, 0, 1]
    assert dl.roll(dl.arange(5), 2).tolist() == [3, 4, 0, 1, 2]
    assert dl.tensor([[1, 2], [3, 4]]).flip(0).tolist() == [[3, 4], [1, 2]]


def test_clone_owns_its_memory_and_keeps_the_graph():
    a = dl.ones(3)
    b = a.clone()
    b[0] = 5.0
    assert a.tolist() == [1.0, 1.0, 1.0]
    w = dl.ones(2, requires_grad=True)
    (w.clone() * 3).sum().backward()
    assert w.grad.tolist() == [3.0, 3.0]
    with pytest.raises(IndexError, match="exceeds dimension size"):
        dl.narrow(a, 0, 2, 2)
