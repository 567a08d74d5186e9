"""deepling.utils.data against torch.utils.data's behaviour: datasets, samplers, loaders."""

from collections import namedtuple

import numpy as np
import pytest

import deepling as dl
from deepling.utils.data import (
    BatchSampler,
    DataLoader,
    Dataset,
    IterableDataset,
    SequentialSampler,
    Subset,
    TensorDataset,
    default_collate,
    random_split,
)
from tests.helpers import requires_torch


def _xy(n=10):
    return dl.arange(n * 2).reshape(n, 2).float(), dl.arange(n)


class Rows(Dataset):
    """A per-sample dataset: rows of an array and their labels, counting __getitem__ calls."""

    def __init__(self, n=10):
        self.x, self.calls = np.arange(n * 2, dtype=np.float32).reshape(n, 2), 0

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        self.calls += 1
        return self.x[i], i


class NoItems(TensorDataset):
    def __getitem__(self, i):
        raise AssertionError("array datasets are gathered by batch, not sample by sample")


def test_tensor_dataset_items_and_length():
    x, y = _xy()
    ds = TensorDataset(x, y)
    assert len(ds) == 10
    xi, yi = ds[3]
    assert xi.tolist() == [6.0, 7.0] and yi.item() == 3


def test_tensor_dataset_size_mismatch_names_the_sizes():
    with pytest.raises(ValueError, match=r"\[10, 9\]"):
        TensorDataset(dl.zeros(10, 2), dl.zeros(9))


@pytest.mark.parametrize("drop_last, sizes", [(False, [4, 4, 2]), (True, [4, 4])])
def test_loader_batches_in_order(drop_last, sizes):
    x, y = _xy()
    loader = DataLoader(NoItems(x, y), batch_size=4, drop_last=drop_last)
    batches = list(loader)
    assert len(loader) == len(sizes) and [len(b[1]) for b in batches] == sizes
    assert isinstance(batches[0], list) and batches[0][0].dtype == np.float32
    assert np.concatenate([b[1].numpy() for b in batches]).tolist() == list(range(sum(sizes)))
    np.testing.assert_array_equal(batches[1][0].numpy(), x.numpy()[4:8])


def test_shuffle_visits_each_sample_once_and_reorders_each_epoch():
    dl.manual_seed(0)
    loader = DataLoader(NoItems(*_xy(50)), batch_size=8, shuffle=True)
    epochs = [np.concatenate([y.numpy() for _, y in loader]) for _ in range(2)]
    for order in epochs:
        assert sorted(order.tolist()) == list(range(50))
    assert epochs[0].tolist() != epochs[1].tolist() != list(range(50))


def test_shuffle_follows_manual_seed_and_generator():
    def order(**kw):
        return [y.tolist() for _, y in DataLoader(TensorDataset(*_xy(20)), 6, True, **kw)]

    dl.manual_seed(3)
    first = order()
    dl.manual_seed(3)
    assert order() == first
    a = order(generator=np.random.default_rng(5))
    assert a == order(generator=np.random.default_rng(5)) != first


def test_array_and_per_sample_paths_agree():
    """The gathered batch equals what default_collate makes of the samples, same order."""
    x, y = _xy(13)
    dl.manual_seed(1)
    fast = list(DataLoader(TensorDataset(x, y), batch_size=5, shuffle=True))
    dl.manual_seed(1)
    slow = list(
        DataLoader(TensorDataset(x, y), batch_size=5, shuffle=True, collate_fn=default_collate)
    )
    dl.manual_seed(1)
    rows = Rows(13)
    generic = list(DataLoader(rows, batch_size=5, shuffle=True))
    assert rows.calls == 13
    for (fx, fy), (sx, sy), (gx, gy) in zip(fast, slow, generic):
        assert fy.tolist() == sy.tolist() == gy.tolist()
        np.testing.assert_array_equal(fx.numpy(), gx.numpy())
        np.testing.assert_array_equal(sx.numpy(), gx.numpy())
        assert fx.dtype == gx.dtype == np.float32 and gy.dtype == np.int64


def test_subset_of_array_dataset_is_gathered():
    x, y = _xy()
    sub = Subset(NoItems(x, y), [7, 2, 5])
    (bx, by) = next(iter(DataLoader(sub, batch_size=3)))
    assert by.tolist() == [7, 2, 5] and bx.numpy()[0].tolist() == [14.0, 15.0]
    assert Subset(Rows(), [4, 1])[1][1] == 1


def test_tensor_as_dataset_and_unbatched():
    x, _ = _xy()
    assert [b.shape[0] for b in DataLoader(x, batch_size=4)] == [4, 4, 2]
    items = list(DataLoader(Rows(3), batch_size=None))
    assert len(items) == 3 and items[2][1] == 2


def test_default_collate_types_like_pytorch():
    point = namedtuple("Point", "a b")
    batch = default_collate([{"f": 1.5, "i": 2, "s": "u", "p": point(1, 2.0)}] * 3)
    assert batch["f"].dtype == np.float64 and batch["i"].dtype == np.int64
    assert batch["s"] == ["u"] * 3 and isinstance(batch["p"], point)
    assert default_collate([(True, 1), (False, 2)])[0].dtype == np.bool_
    with pytest.raises(RuntimeError, match="equal size"):
        default_collate([[1, 2], [1]])
    with pytest.raises(TypeError, match="NoneType"):
        default_collate([None, None])


@requires_torch
def test_default_collate_matches_torch():
    import torch.utils.data as tud

    samples = [(np.full(3, i, np.float32), i, float(i)) for i in range(4)]
    ours, theirs = default_collate(samples), tud.default_collate(samples)
    assert type(ours) is type(theirs) is list
    for a, b in zip(ours, theirs):
        assert str(a.dtype) == str(b.dtype)
        np.testing.assert_array_equal(a.numpy(), b.numpy())


@requires_torch
@pytest.mark.parametrize("n, fractions", [(10, [0.3, 0.3, 0.4]), (7, [0.5, 0.5]), (11, [0.2] * 5)])
def test_random_split_lengths_match_torch(n, fractions):
    import torch.utils.data as tud

    ours = random_split(range(n), fractions)
    theirs = tud.random_split(range(n), fractions)
    assert [len(s) for s in ours] == [len(s) for s in theirs]
    assert sorted(i for s in ours for i in s.indices) == list(range(n))


def test_random_split_errors_and_generator():
    with pytest.raises(ValueError, match=r"\(9\).*\(10\)"):
        random_split(range(10), [4, 5])
    with pytest.raises(ValueError, match="index 0"):
        random_split(range(10), [1.5, -0.5])
    a = [s.indices for s in random_split(range(10), [5, 5], np.random.default_rng(0))]
    assert a == [s.indices for s in random_split(range(10), [5, 5], np.random.default_rng(0))]


def test_iterable_dataset_batches_in_order():
    class Stream(IterableDataset):
        def __iter__(self):
            return iter(range(7))

    assert [b.tolist() for b in DataLoader(Stream(), batch_size=3)] == [[0, 1, 2], [3, 4, 5], [6]]
    assert len(list(DataLoader(Stream(), batch_size=3, drop_last=True))) == 2
    with pytest.raises(ValueError, match="IterableDataset"):
        DataLoader(Stream(), shuffle=True)


def test_samplers_and_option_errors():
    ds = TensorDataset(*_xy())
    loader = DataLoader(ds, sampler=[9, 0, 3], batch_size=2)
    assert [y.tolist() for _, y in loader] == [[9, 0], [3]] and len(loader) == 2
    bs = BatchSampler(SequentialSampler(ds), 4, drop_last=False)
    assert list(bs)[-1] == [8, 9] and len(bs) == 3
    assert [y.tolist() for _, y in DataLoader(ds, batch_sampler=[[1, 2], [5]])] == [[1, 2], [5]]
    with pytest.raises(ValueError, match="mutually exclusive with shuffle"):
        DataLoader(ds, sampler=[0], shuffle=True)
    with pytest.raises(ValueError, match="batch_sampler"):
        DataLoader(ds, batch_sampler=[[0]], batch_size=4)
    with pytest.raises(ValueError, match="batch_size"):
        DataLoader(ds, batch_size=0)
    with pytest.raises(TypeError, match="num_worker"):
        DataLoader(ds, num_worker=2)  # a typo is an error; num_workers is accepted
    assert DataLoader(ds, num_workers=4, pin_memory=True).num_workers == 4


def test_batches_carry_no_graph():
    x = dl.randn(6, 2, requires_grad=True)
    (bx,) = next(iter(DataLoader(TensorDataset(x), batch_size=3)))
    bx.sum().backward()  # indexing a tensor that requires grad is recorded, as in PyTorch
    assert x.grad.numpy()[:3].tolist() == [[1.0, 1.0]] * 3 and x.grad.numpy()[3:].sum() == 0
