"""The Tensor API: metadata, conversions, formatting and printing, casts, detach and clone."""

import numpy as np
import pytest

import deepling as dl
from tests.helpers import HAS_TORCH, requires_torch

if HAS_TORCH:
    import torch


# --- metadata ---
def test_shape_is_a_printable_tuple():
    t = dl.zeros(7, 1)
    assert isinstance(t.shape, tuple) and t.shape == (7, 1)
    assert repr(t.shape) == "torch.Size([7, 1])"
    assert str(dl.tensor(1.0).shape) == "torch.Size([])"
    assert t.shape.numel() == 7
    if HAS_TORCH:
        assert repr(torch.zeros(7, 1).shape) == "torch.Size([7, 1])"


def test_size_ndim_numel_len():
    t = dl.zeros(2, 3, 4)
    assert t.size() == (2, 3, 4) and t.size(1) == 3 and t.size(-1) == 4
    assert t.ndim == 3 and t.dim() == 3 and t.numel() == 24 and len(t) == 2
    assert t.dtype == np.float32
    with pytest.raises(TypeError, match="0-d"):
        len(dl.tensor(1.0))


def test_iteration_gives_rows():
    t = dl.tensor([[1.0, 2.0], [3.0, 4.0]])
    rows = list(t)
    assert [r.tolist() for r in rows] == [[1.0, 2.0], [3.0, 4.0]]
    assert all(isinstance(r, dl.Tensor) for r in rows)
    with pytest.raises(TypeError, match="0-d"):
        iter(dl.tensor(1.0))


# --- conversions ---
def test_item_tolist_numpy_shares_memory():
    t = dl.tensor([[1.5, 2.0]])
    assert t.tolist() == [[1.5, 2.0]]
    assert dl.tensor([2.5]).item() == 2.5 and isinstance(dl.tensor(3).item(), int)
    a = t.numpy()
    a[0, 0] = 9.0
    assert t.tolist() == [[9.0, 2.0]]
    assert np.asarray(t).dtype == np.float32 and np.asarray(t)[0, 0] == 9.0
    with pytest.raises(
        RuntimeError, match="a Tensor with 2 elements cannot be converted to Scalar"
    ):
        t.item()


def test_numpy_functions_accept_tensors():
    a, b = dl.tensor([1.0, 2.0, 3.0]), dl.tensor([1.0, 2.0, 4.0])
    assert float(np.mean(a)) == pytest.approx(2.0)
    corr = np.corrcoef(a, b)
    assert corr.shape == (2, 2)
    assert corr[0, 1] == pytest.approx(np.corrcoef([1, 2, 3], [1, 2, 4])[0, 1])
    assert np.exp(a).tolist() == pytest.approx(np.exp([1.0, 2.0, 3.0]).tolist())


@pytest.mark.parametrize("convert", [float, int])
def test_python_scalars(convert):
    assert convert(dl.tensor([[2.0]])) == convert(2.0)
    message = "only one element tensors can be converted to Python scalars"
    with pytest.raises(ValueError, match=message):
        convert(dl.tensor([1.0, 2.0]))
    if HAS_TORCH:
        with pytest.raises(ValueError, match=message):
            convert(torch.tensor([1.0, 2.0]))


def test_bool():
    assert bool(dl.tensor([1.0])) is True and bool(dl.tensor(0)) is False
    message = "Boolean value of Tensor with more than one value is ambiguous"
    with pytest.raises(RuntimeError, match=message):
        bool(dl.tensor([1.0, 2.0]))
    if HAS_TORCH:
        with pytest.raises(RuntimeError, match=message):
            bool(torch.tensor([1.0, 2.0]))


def test_integer_tensors_index():
    t = dl.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    assert t[dl.tensor([2, 0])].tolist() == [[5.0, 6.0], [1.0, 2.0]]
    assert t[dl.tensor(1)].tolist() == [3.0, 4.0]
    assert ["a", "b", "c"][dl.tensor(2)] == "c"  # __index__
    with pytest.raises(TypeError, match="integer"):
        ["a", "b"][dl.tensor(1.0)]


# --- formatting ---
def test_format_specs_on_one_element():
    loss = dl.tensor(0.123456789)
    assert f"{loss:.6f}" == "0.123457"
    assert f"{dl.tensor(0.5): 6f}" == " 0.500000"  # space flag
    y_prob = dl.tensor([[0.8765], [0.1]])
    assert f"{y_prob[0][0]:.2f}" == "0.88"
    assert "{:5.4f}".format(dl.tensor(2.0).numpy()) == "2.0000"  # noqa: UP032 (as tutorials write)
    assert f"{loss}" == str(loss) == "tensor(0.1235)"
    with pytest.raises(TypeError, match="unsupported format string passed to Tensor.__format__"):
        f"{dl.tensor([1.0, 2.0]):.2f}"
    if HAS_TORCH:
        assert f"{torch.tensor(0.5): 6f}" == " 0.500000"


def test_repr_with_grad_fn_and_requires_grad():
    w = dl.tensor([[0.4914], [0.4705]], requires_grad=True)
    assert repr(w) == "tensor([[0.4914],\n        [0.4705]], requires_grad=True)"
    y = dl.sigmoid(w)
    assert repr(y) == "tensor([[0.6204],\n        [0.6155]], grad_fn=<SigmoidBackward0>)"
    assert repr((w * 2).sum()) == "tensor(1.9238, grad_fn=<SumBackward0>)"
    assert repr(dl.tensor(0.9817)) == "tensor(0.9817)"
    assert repr(dl.tensor([1, 2], dtype=dl.int32)) == "tensor([1, 2], dtype=torch.int32)"


REPR_CASES = [
    "[1.0, 2.0]",
    "3.0",
    "[0.0, 0.25, 0.5]",
    "[1e-5, 1.0]",
    "[1e5, 1.0]",
    "[1.5, float('nan')]",
    "[float('inf'), 1.5]",
    "[-0.0, 1.5]",
    "[100.0, 1.0]",
    "[-1.5, 2.0]",
    "[1e9, 1.0]",
    "1e-5",
    "[[[0.1234, 0.5], [1, 2]]]",
    "[]",
    "[0.0, 0.0]",
    "[True, False]",
    "[1, -20, 300]",
    "np.arange(30.0) / 7",
    "np.arange(2000.0, dtype=np.float32)",
    "np.arange(1200).reshape(2, 600)",
    "np.linspace(-3, 3, 24, dtype=np.float32).reshape(2, 3, 4)",
]


@requires_torch
@pytest.mark.parametrize("expr", REPR_CASES)
def test_repr_matches_pytorch(expr):
    data = eval(expr)
    assert repr(dl.tensor(data)) == repr(torch.tensor(data))
    if np.asarray(data, dtype=np.float64).dtype.kind == "f" and np.size(data):
        floats = np.asarray(data, dtype=np.float32)
        ours = repr(dl.tensor(floats, requires_grad=True))
        assert ours == repr(torch.tensor(floats, requires_grad=True))


# --- casts ---
def test_casts_and_type_names():
    t = dl.tensor([[1.7, -2.2]])
    assert t.long().dtype == np.int64 and t.long().tolist() == [[1, -2]]
    assert t.long().float().dtype == np.float32
    assert t.type(dl.int64).dtype == np.int64 and t.to(dl.float64).dtype == np.float64
    assert t.double().dtype == np.float64 and t.int().dtype == np.int32
    assert t.type() == "torch.FloatTensor" and t.long().type() == "torch.LongTensor"
    assert t.float() is t  # no copy when nothing changes, as PyTorch
    if HAS_TORCH:
        assert torch.tensor([1.0]).type() == "torch.FloatTensor"


def test_cast_is_differentiable():
    x = dl.tensor([1.0, 2.0], requires_grad=True)
    (x.double() * 3).sum().backward()
    assert x.grad.dtype == np.float32 and x.grad.tolist() == [3.0, 3.0]


def test_transpose_property():
    t = dl.tensor([[1.0, 2.0, 3.0]])
    assert t.T.shape == (3, 1) and t.T.tolist() == [[1.0], [2.0], [3.0]]


# --- graph membership ---
def test_detach_shares_data_and_cuts_the_graph():
    x = dl.tensor([1.0, 2.0], requires_grad=True)
    d = (x * 2).detach()
    assert not d.requires_grad and d.grad_fn is None and d.is_leaf
    xd = x.detach()
    xd.numpy()[0] = 5.0
    assert x.tolist() == [5.0, 2.0]


def test_clone_copies_and_is_differentiable():
    x = dl.tensor([1.0, 2.0], requires_grad=True)
    c = x.clone()
    assert c.requires_grad and not c.is_leaf
    (c * c).sum().backward()
    assert x.grad.tolist() == [2.0, 4.0]
    plain = dl.tensor([1, 2])
    copy = plain.clone()
    copy.numpy()[0] = 9
    assert plain.tolist() == [1, 2] and copy.dtype == np.int64


def test_requires_grad_and_is_leaf():
    x = dl.tensor([1.0, 2.0])
    assert x.is_leaf and not x.requires_grad
    assert x.requires_grad_() is x and x.requires_grad and x.is_leaf
    y = x * 2
    assert not y.is_leaf and y.requires_grad and y.grad_fn is not None
    with pytest.raises(RuntimeError, match="only change requires_grad flags of leaf variables"):
        y.requires_grad_(False)
    assert y.requires_grad
    x.requires_grad_(False)
    assert not (x * 2).requires_grad
    with pytest.raises(RuntimeError, match="floating point"):
        dl.tensor([1, 2]).requires_grad_()
