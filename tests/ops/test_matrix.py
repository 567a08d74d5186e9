import numpy as np
import pytest

import deepling as dl
from tests.helpers import Case, op_tests, requires_torch


def _einsum(equation, shapes):
    def ours(*xs):
        return dl.einsum(equation, *xs)

    def theirs(*xs):
        import torch

        return torch.einsum(equation, *xs)

    return Case(ours, shapes, theirs, numpy=lambda *xs: np.einsum(equation, *xs),
                name=f"einsum {equation} {shapes}")  # fmt: skip


CASES = [
    _einsum("ij,jk->ik", [(3, 4), (4, 2)]),
    _einsum("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    _einsum("i,i->", [(4,), (4,)]),
    _einsum("i,j->ij", [(3,), (2,)]),
    _einsum("ii->", [(3, 3)]),
    _einsum("ii->i", [(3, 3)]),
    _einsum("iij->j", [(2, 2, 3)]),
    _einsum("ij->", [(3, 4)]),
    _einsum("ij,jk", [(3, 4), (4, 2)]),  # implicit output: ik
    _einsum("...ij,...jk->...ik", [(2, 3, 4), (4, 5)]),
    _einsum("...i,...i->...", [(2, 1, 3), (4, 3)]),
    _einsum("bi,bj,bk->ijk", [(2, 3), (2, 2), (2, 2)]),
    _einsum("ij,ij->ij", [(3, 1), (3, 4)]),
    _einsum("->", [()]),
    Case(dl.tensordot, [(2, 3, 4), (3, 4, 5)], "tensordot", name="tensordot-2"),
    Case(dl.tensordot, [(2, 3, 4), (4, 3)], "tensordot", kwargs=dict(dims=([1, 2], [1, 0]))),
    Case(dl.tensordot, [(2, 3), (4,)], "tensordot", kwargs=dict(dims=0)),
    Case(dl.outer, [(3,), (4,)], "outer"),
    Case(dl.diag, [(3,)], "diag"),
    Case(dl.diag, [(3,)], "diag", kwargs=dict(diagonal=-1)),
    Case(dl.diag, [(3, 4)], "diag", kwargs=dict(diagonal=1)),
    Case(dl.diagonal, [(3, 4)], "diagonal"),
    Case(dl.diagonal, [(2, 3, 4)], "diagonal", kwargs=dict(offset=-1, dim1=1, dim2=2)),
    Case(dl.diagonal, [(3, 2, 4)], "diagonal", kwargs=dict(dim1=-1, dim2=0)),
    Case(dl.trace, [(3, 4)], "trace"),
    Case(dl.tril, [(3, 4)], "tril"),
    Case(dl.triu, [(2, 3, 4)], "triu", kwargs=dict(diagonal=1)),
    Case(dl.tril, [(4, 3)], "tril", kwargs=dict(diagonal=-1)),
]

test_op = op_tests(CASES)


@requires_torch
def test_einsum_list_form_integers_and_errors():
    import torch

    a = [[1, 2], [3, 4]]
    assert dl.einsum("ij,jk->ik", [dl.tensor(a), dl.tensor(a)]).tolist() == (
        torch.einsum("ij,jk->ik", [torch.tensor(a), torch.tensor(a)]).tolist()
    )
    with pytest.raises(RuntimeError, match="one dtype"):
        dl.einsum("i,i->", dl.ones(2), dl.ones(2, dtype=dl.float64))
    with pytest.raises(ValueError, match="subscripts"):
        dl.einsum("ij->", dl.ones(3))
    with pytest.raises(ValueError, match="operands"):
        dl.einsum("i,i->", dl.ones(3))


def test_tensordot_checks_sizes_and_trace_of_integers_is_int64():
    with pytest.raises(RuntimeError, match="contracted dimensions need to match"):
        dl.tensordot(dl.ones(2, 3), dl.ones(2, 3), dims=([1], [1 - 1]))
    assert dl.trace(dl.tensor([[1, 2], [3, 4]], dtype=dl.int32)).dtype == np.int64
    assert dl.tril(dl.tensor([[1, 2], [3, 4]])).tolist() == [[1, 0], [3, 4]]
    with pytest.raises(RuntimeError, match="Expected 1-D argument"):
        dl.outer(dl.ones(2, 2), dl.ones(2))
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        dl.triu(dl.ones(3))
