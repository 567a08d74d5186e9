"""Bad argument types and values in the PyTorch face raise what PyTorch 2.13 raises: the same
error type (checked against torch itself when it is installed) and a message naming the bad
argument. deepling's ShapeError is a RuntimeError, so it stands for PyTorch's RuntimeError."""

import re
import warnings

import pytest

import deepling as dl
from tests.helpers import HAS_TORCH


def _loader(lib, **kwargs):
    data = lib.utils.data
    return data.DataLoader(data.TensorDataset(lib.ones(4, 2)), **kwargs)


def _sgd(lib, **kwargs):
    return lib.optim.SGD([lib.ones(2, requires_grad=True)], **kwargs)


# (make with the library, PyTorch's error type, words of deepling's message)
CASES = [
    (lambda lib: lib.nn.Linear("abc", 3), TypeError, "in_features"),
    (lambda lib: lib.nn.Linear(2.5, 3), TypeError, "in_features"),
    (lambda lib: lib.nn.Linear(3, -1), RuntimeError, "out_features'=-1"),
    (lambda lib: lib.nn.Embedding(-1, 3), RuntimeError, "num_embeddings'=-1"),
    (lambda lib: lib.nn.Embedding(3, 2, padding_idx=5), AssertionError, "Padding_idx"),
    (lambda lib: lib.nn.BatchNorm1d(-2), RuntimeError, "num_features'=-2"),
    (lambda lib: lib.nn.LayerNorm(-1), RuntimeError, "normalized_shape"),
    (lambda lib: lib.nn.Dropout(1.5), ValueError, "dropout probability .* 1.5"),
    (lambda lib: lib.nn.Dropout("a"), TypeError, ""),
    (lambda lib: lib.nn.Sequential(1), TypeError, "^int is not a Module subclass"),
    (lambda lib: lib.arange(0, 5, 0), RuntimeError, "step must be nonzero"),
    (lambda lib: lib.arange(5, 0, 1), RuntimeError, "inconsistent with step sign"),
    (lambda lib: lib.arange("a"), TypeError, "'end'"),
    (lambda lib: lib.linspace(0, 1, -1), RuntimeError, "number of steps"),
    (lambda lib: lib.eye(-1), RuntimeError, "n must be greater or equal to 0, got -1"),
    (lambda lib: lib.zeros(-1), RuntimeError, r"negative dimension -1.*'size'"),
    (lambda lib: lib.zeros(2, -3), RuntimeError, r"negative dimension -3.*'size'"),
    (lambda lib: lib.zeros("a"), TypeError, "'size'"),
    (lambda lib: lib.ones(-1), RuntimeError, "negative dimension -1"),
    (lambda lib: lib.empty(-1), RuntimeError, "negative dimension -1"),
    (lambda lib: lib.randn(2.5), TypeError, "'size' .* float"),
    (lambda lib: lib.rand(-1), RuntimeError, "negative dimension -1"),
    (lambda lib: lib.randint(0, 5, (-1,)), RuntimeError, "negative dimension -1"),
    (lambda lib: lib.randint(5, 0, (2,)), RuntimeError, "from=5 >= to=0"),
    (lambda lib: lib.randperm(-1), RuntimeError, "negative dimension -1"),
    (lambda lib: lib.full((-1,), 1.0), RuntimeError, "negative dimension -1"),
    (lambda lib: lib.tensor("a"), TypeError, "invalid data type 'str'"),
    (lambda lib: lib.tensor(None), RuntimeError, "NoneType"),
    (lambda lib: lib.tensor([300], dtype=lib.uint8), RuntimeError, "uint8 without overflow"),
    (lambda lib: lib.full((1,), 300, dtype=lib.uint8), RuntimeError, "uint8_t without overflow"),
    (lambda lib: lib.ones(4, 6).chunk(0), RuntimeError, "`chunks` .* got: 0"),
    (lambda lib: lib.ones(4, 6).chunk(-1), RuntimeError, "`chunks` .* got: -1"),
    (lambda lib: lib.ones(4, 6).chunk(2.5), TypeError, "'chunks'"),
    (lambda lib: lib.ones(4, 6).split(0), RuntimeError, "split_size can only be 0"),
    (lambda lib: lib.ones(4, 6).split(-1), RuntimeError, "split_size=-1"),
    (lambda lib: lib.ones(4, 6).split([5, -1]), RuntimeError, r"split_sizes=\[5, -1\]"),
    (lambda lib: lib.ones(4, 6).split([2.5, 1.5]), TypeError, "split_sizes"),
    (lambda lib: lib.ones(4, 6).split([1, 2]), RuntimeError, "do not add up to 4"),
    (lambda lib: lib.ones(4, 6).permute(0), RuntimeError, "permute"),
    (lambda lib: lib.ones(4, 6).sum(dim="a"), TypeError, "'dim'"),
    (lambda lib: lib.ones(4, 6).softmax(5), IndexError, "Dimension out of range"),
    (lambda lib: lib.nn.functional.softmax(lib.ones(4, 6), "a"), TypeError, "'dim'"),
    (lambda lib: lib.nn.functional.pad(lib.ones(4, 6), (1,)), RuntimeError, "divisible by 2"),
    (lambda lib: lib.ones(4, 6)["a"], TypeError, "str"),
    (lambda lib: lib.ones(4, 6) + "a", TypeError, "str"),
    (lambda lib: lib.ones(4, 6) + None, TypeError, "NoneType"),
    (lambda lib: _loader(lib, batch_size=0), ValueError, "batch_size=0"),
    (lambda lib: _loader(lib, batch_size=2.5), ValueError, "batch_size=2.5"),
    (lambda lib: _sgd(lib, lr=-1), ValueError, "Invalid learning rate: -1"),
    (lambda lib: _sgd(lib, lr=0.1, momentum=-1), ValueError, "Invalid momentum value: -1"),
    (lambda lib: lib.optim.Adam([lib.ones(1, requires_grad=True)], betas=(1.5, 0.9)), ValueError,
     "beta parameter at index 0: 1.5"),
    (lambda lib: lib.sum(None), TypeError, "must be Tensor, not NoneType"),
    (lambda lib: lib.reshape([1, 2], (2,)), TypeError, "must be Tensor, not list"),
    (lambda lib: lib.nn.functional.layer_norm(None, (3,)), TypeError, "must be Tensor"),
    (lambda lib: lib.nn.functional.linear(None, lib.ones(2, 3)), TypeError, "must be Tensor"),
    (lambda lib: lib.nn.functional.cross_entropy([1.0], lib.tensor([0])), TypeError, "Tensor"),
    (lambda lib: lib.nn.BatchNorm1d(3)(lib.ones(4, 5)), RuntimeError, "contain 5 elements not 3"),
    (lambda lib: lib.nn.BatchNorm1d(3)(lib.ones(1, 3)), ValueError, "more than 1 value"),
]  # fmt: skip


@pytest.mark.parametrize("make, error, words", CASES, ids=[f"{i}" for i in range(len(CASES))])
def test_bad_arguments_raise_as_pytorch(make, error, words):
    with pytest.raises(error) as ours:
        make(dl)
    assert re.search(words, str(ours.value)), f"{ours.value!r} should name {words!r}"
    if HAS_TORCH:
        import torch
        import torch.utils.data  # noqa: F401

        with pytest.raises(Exception) as theirs, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch warns of x["a"] as a sequence index
            make(torch)
        assert isinstance(theirs.value, error), f"torch raised {theirs.value!r}"


def test_batch_norm_counts_no_batch_it_refuses_and_passes_an_empty_one_as_pytorch():
    """PyTorch counts a refused batch in num_batches_tracked before raising; deepling checks
    first. An empty batch goes through unchanged and leaves the running statistics."""
    bn = dl.nn.BatchNorm1d(3)
    for bad in (dl.ones(4, 5), dl.ones(1, 3)):
        with pytest.raises((RuntimeError, ValueError)):
            bn(bad)
    assert bn.num_batches_tracked.item() == 0
    y = bn(dl.ones(0, 3))
    assert y.shape == (0, 3) and bn.running_mean.tolist() == [0.0] * 3
    assert bn.running_var.tolist() == [1.0] * 3


@pytest.mark.parametrize(
    "make",
    [
        lambda lib: lib.nn.Embedding(0, 3),
        lambda lib: lib.nn.Linear(0, 2),
        lambda lib: lib.nn.BatchNorm1d(0),
        lambda lib: lib.zeros(0, 3),
        lambda lib: lib.arange(3, 3),
        lambda lib: lib.ones(0, 2).split(0),
    ],
)
@pytest.mark.filterwarnings("ignore")  # torch: "Initializing zero-element tensors is a no-op"
def test_empty_sizes_are_accepted_as_pytorch(make):
    make(dl)
    if HAS_TORCH:
        import torch

        make(torch)
