"""Factories, dtype inference and dtype names (deepling/creation.py), against PyTorch."""

import numpy as np
import pytest

import deepling as dl
from tests.helpers import HAS_TORCH, requires_torch

if HAS_TORCH:
    import torch


# --- dtype inference ---
@pytest.mark.parametrize(
    "data, dtype",
    [
        ([1.0, 2.0], np.float32),
        (3.5, np.float32),
        ([[1, 2], [3.5, 4]], np.float32),
        ([1, 2], np.int64),
        (7, np.int64),
        ([True, False], np.bool_),
        (np.array([1.0, 2.0]), np.float64),
        (np.array([1, 2], dtype=np.int32), np.int32),
        (np.float64(2.0), np.float64),
        ([], np.float32),
    ],
)
def test_tensor_infers_dtype_like_pytorch(data, dtype):
    t = dl.tensor(data)
    assert t.dtype == dtype
    np.testing.assert_array_equal(t.numpy(), np.asarray(data, dtype=dtype))
    if HAS_TORCH:
        assert str(torch.tensor(data).dtype) == f"torch.{np.dtype(dtype)}"


def test_tensor_copies_its_data():
    a = np.zeros(3)
    t = dl.tensor(a)
    a[0] = 5.0
    assert t.tolist() == [0.0, 0.0, 0.0]


def test_dtype_and_requires_grad_arguments():
    t = dl.tensor([1, 2], dtype=dl.float32, requires_grad=True)
    assert t.dtype == np.float32 and t.requires_grad and t.is_leaf
    assert dl.tensor([1.0, 2.0], dtype=dl.float64).dtype == np.float64
    assert dl.tensor([1.7, 2.2], dtype=dl.long).tolist() == [1, 2]


def test_requires_grad_on_integers_raises():
    with pytest.raises(RuntimeError, match="Only Tensors of floating point"):
        dl.tensor([1, 2], requires_grad=True)
    with pytest.raises(RuntimeError, match="int64"):
        dl.zeros(2, dtype=dl.int64, requires_grad=True)
    if HAS_TORCH:
        with pytest.raises(RuntimeError, match="Only Tensors of floating point"):
            torch.tensor([1, 2], requires_grad=True)


def test_legacy_constructors():
    assert dl.Tensor([1, 2]).dtype == np.float32  # torch.Tensor(list) is float32
    assert dl.Tensor([1, 2]).tolist() == [1.0, 2.0]
    assert dl.FloatTensor([1, 2]).dtype == np.float32
    long = dl.LongTensor([1.5, 2.0])
    assert long.dtype == np.int64 and long.tolist() == [1, 2]


@pytest.mark.parametrize(
    "name, numpy_dtype",
    [
        ("float32", np.float32),
        ("float", np.float32),
        ("float64", np.float64),
        ("double", np.float64),
        ("int64", np.int64),
        ("long", np.int64),
        ("int32", np.int32),
        ("int", np.int32),
        ("bool", np.bool_),
        ("uint8", np.uint8),
    ],
)
def test_dtype_names_are_numpys_dtypes(name, numpy_dtype):
    dtype = getattr(dl, name)
    assert dtype == numpy_dtype
    assert dl.zeros(2, dtype=dtype).dtype == dtype
    assert dl.zeros(2, dtype=dtype).dtype == numpy_dtype
    if HAS_TORCH:
        assert str(getattr(torch, name)) == f"torch.{np.dtype(numpy_dtype)}"


# --- filled and ranges ---
def test_filled_factories():
    for make, value in [(dl.zeros, 0.0), (dl.ones, 1.0)]:
        for t in [make(2, 3), make((2, 3)), make([2, 3]), make(size=(2, 3))]:
            assert t.shape == (2, 3) and t.dtype == np.float32
            assert np.all(t.numpy() == value)
    assert dl.zeros(()).shape == () and dl.zeros(()).item() == 0.0
    assert dl.empty(4, 1).shape == (4, 1) and dl.empty(4, 1).dtype == np.float32
    assert dl.ones(3, dtype=dl.int64).tolist() == [1, 1, 1]
    with pytest.raises(TypeError, match="unexpected keyword argument 'shape'"):
        dl.zeros(shape=(2,))


@pytest.mark.parametrize(
    "value, dtype", [(3, np.int64), (3.0, np.float32), (True, np.bool_), (0.5, np.float32)]
)
def test_full_infers_dtype_from_the_fill_value(value, dtype):
    t = dl.full((2, 2), value)
    assert t.dtype == dtype and t.shape == (2, 2) and np.all(t.numpy() == value)
    if HAS_TORCH:
        assert str(torch.full((2, 2), value).dtype) == f"torch.{np.dtype(dtype)}"
    assert dl.full((3,), 2, dtype=dl.float64).dtype == np.float64


def test_like_factories_keep_shape_and_dtype():
    ints = dl.tensor([[1, 2, 3]])
    assert dl.zeros_like(ints).tolist() == [[0, 0, 0]] and dl.zeros_like(ints).dtype == np.int64
    assert dl.ones_like(ints, dtype=dl.float32).dtype == np.float32
    assert dl.empty_like(dl.ones(2, 5)).shape == (2, 5)
    full = dl.full_like(dl.zeros(2, dtype=dl.float64), 7)
    assert full.tolist() == [7.0, 7.0] and full.dtype == np.float64


@requires_torch
@pytest.mark.parametrize(
    "args", [(5,), (5.0,), (1, 4), (0, 1, 0.25), (2, 11, 3), (-1.0, 1.0, 0.5), (0, 1, 0.1)]
)
def test_arange_matches_pytorch(args):
    ours, theirs = dl.arange(*args), torch.arange(*args)
    assert str(theirs.dtype) == str(ours.dtype)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=0, atol=1e-7)


def test_linspace_and_eye():
    assert dl.linspace(0, 1, 5).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert dl.linspace(0, 1, 5).dtype == np.float32
    assert dl.eye(2).tolist() == [[1.0, 0.0], [0.0, 1.0]] and dl.eye(2).dtype == np.float32
    assert dl.eye(2, 3).shape == (2, 3)


# --- random draws ---
def test_random_shapes_dtypes_and_ranges():
    dl.manual_seed(0)
    u = dl.rand(1000)
    assert u.dtype == np.float32 and 0 <= u.numpy().min() and u.numpy().max() < 1
    n = dl.randn(200, 50)
    assert n.shape == (200, 50) and n.dtype == np.float32
    assert abs(float(n.numpy().mean())) < 0.05 and abs(float(n.numpy().std()) - 1) < 0.05
    assert dl.randn(size=(2, 3)).shape == (2, 3)
    assert dl.rand(3, dtype=dl.float64).dtype == np.float64


def test_normal_with_size_and_requires_grad():
    dl.manual_seed(1)
    w = dl.normal(0, 0.01, size=(2, 1), requires_grad=True)
    assert w.shape == (2, 1) and w.dtype == np.float32 and w.requires_grad and w.is_leaf
    big = dl.normal(3.0, 0.01, size=(5000,))
    assert abs(float(big.numpy().mean()) - 3.0) < 0.01
    assert 0.009 < float(big.numpy().std()) < 0.011
    assert dl.normal(dl.zeros(4), dl.ones(4)).shape == (4,)


def test_randint_and_randperm():
    dl.manual_seed(2)
    r = dl.randint(3, 7, (500,))
    assert r.dtype == np.int64 and r.shape == (500,)
    assert set(r.tolist()) == {3, 4, 5, 6}
    zero_based = dl.randint(4, (300,))  # randint(high, size) as in PyTorch
    assert set(zero_based.tolist()) == {0, 1, 2, 3}
    p = dl.randperm(10)
    assert p.dtype == np.int64 and sorted(p.tolist()) == list(range(10))


@pytest.mark.parametrize(
    "draw",
    [
        lambda: dl.rand(3, 2),
        lambda: dl.randn(4),
        lambda: dl.normal(0, 1, size=(3,)),
        lambda: dl.randint(0, 100, (5,)),
        lambda: dl.randperm(8),
    ],
)
def test_manual_seed_repeats_draws(draw):
    dl.manual_seed(123)
    first = [draw().tolist() for _ in range(2)]
    dl.manual_seed(123)
    again = [draw().tolist() for _ in range(2)]
    assert first == again
    assert first[0] != first[1]  # the generator moves on between draws


def test_generator_of_its_own_repeats_and_drives_random_split():
    from deepling.utils.data import random_split

    g1, g2 = dl.Generator().manual_seed(42), dl.Generator().manual_seed(42)
    assert g1.initial_seed() == 42
    a = [list(s.indices) for s in random_split(range(10), [0.8, 0.2], generator=g1)]
    b = [list(s.indices) for s in random_split(range(10), [0.8, 0.2], generator=g2)]
    assert a == b and sorted(a[0] + a[1]) == list(range(10)) and len(a[1]) == 2


# --- device= ---
@pytest.mark.parametrize(
    "make",
    [
        lambda d: dl.zeros(2, device=d),
        lambda d: dl.ones(2, 3, device=d),
        lambda d: dl.full((2,), 1.5, device=d),
        lambda d: dl.arange(3, device=d),
        lambda d: dl.eye(2, device=d),
        lambda d: dl.randn(2, device=d),
        lambda d: dl.tensor([1.0], device=d),
        lambda d: dl.as_tensor(np.ones(2), device=d),
        lambda d: dl.zeros_like(dl.ones(2), device=d),
        lambda d: dl.Generator(device=d),
    ],
)
@pytest.mark.parametrize("device", ["cuda", "cuda:0"])
def test_factories_refuse_a_gpu_device_and_name_it(make, device):
    with pytest.raises(RuntimeError, match=rf"'{device}'.*deepling runs on the CPU"):
        make(device)


def test_factories_accept_the_cpu_device():
    assert dl.zeros(2, device="cpu").tolist() == [0.0, 0.0]
    assert dl.tensor([1.0], device="cpu:0").tolist() == [1.0]
    assert dl.Generator(device="cpu").manual_seed(1).initial_seed() == 1
