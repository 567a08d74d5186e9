"""DataLoader: batches from a dataset, in order or shuffled from deepling's one generator."""

from __future__ import annotations

from itertools import islice

import numpy as np

from ...tensor import Tensor
from .collate import default_collate
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler

# PyTorch's multiprocessing and memory-pinning options: accepted, and meaningless here.
_IGNORED = {"num_workers", "pin_memory", "timeout", "worker_init_fn", "multiprocessing_context"}
_IGNORED |= {"prefetch_factor", "persistent_workers", "pin_memory_device", "in_order"}


def _array_gather(dataset):
    """A function from an index array to a whole batch, when `dataset` is array-backed."""
    if isinstance(dataset, Tensor):
        return lambda idx: Tensor._wrap(dataset._data[idx])
    if isinstance(dataset, np.ndarray) and dataset.dtype.kind not in "OSU":
        return lambda idx: Tensor._wrap(dataset[idx])
    return getattr(dataset, "_gather", None)


class DataLoader:
    """Iterate over `dataset` in batches, as torch.utils.data.DataLoader (one process).

    Args:
        dataset: a map-style dataset (`__getitem__`, `__len__`), an `IterableDataset`, or a
            tensor/array whose rows are the samples.
        batch_size: samples per batch; None yields single samples, uncollated.
        shuffle: a new random order every epoch, drawn from `generator`.
        sampler / batch_sampler: custom index order (exclusive with `shuffle`).
        drop_last: drop the last batch when it is smaller than `batch_size`.
        collate_fn: list of samples -> batch (default: `default_collate`).
        generator: None (deepling's one generator, seeded by `deepling.manual_seed`), a NumPy
            Generator, or an object whose `rng()` returns one.

    Batches of array-backed datasets (TensorDataset, a Subset of one, a tensor) are gathered
    with one fancy index per tensor, never sample by sample.

    Example:
        >>> import deepling as dl
        >>> from deepling.utils.data import TensorDataset
        >>> loader = DataLoader(TensorDataset(dl.zeros(10, 3), dl.arange(10)), batch_size=4)
        >>> len(loader), [x.shape[0] for x, y in loader]
        (3, [4, 4, 2])
    """

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 collate_fn=None, drop_last=False, generator=None, **options):  # fmt: skip
        unknown = set(options) - _IGNORED
        if unknown:
            raise TypeError(f"DataLoader got unexpected keyword argument(s) {sorted(unknown)}")
        self._check(dataset, shuffle, sampler, batch_sampler, batch_size, drop_last)
        self.dataset, self.generator, self.drop_last = dataset, generator, drop_last
        self.batch_size = None if batch_sampler is not None else batch_size
        self.collate_fn = default_collate if collate_fn is None else collate_fn
        self._iterable = isinstance(dataset, IterableDataset)
        if sampler is None and not self._iterable:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else None
            sampler = sampler or SequentialSampler(dataset)
        self.sampler = sampler
        if batch_sampler is None and batch_size is not None and not self._iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_sampler = batch_sampler
        self.num_workers = options.get("num_workers", 0)

    @staticmethod
    def _check(dataset, shuffle, sampler, batch_sampler, batch_size, drop_last) -> None:
        if isinstance(dataset, IterableDataset) and (shuffle or sampler or batch_sampler):
            raise ValueError(
                "DataLoader with IterableDataset: expected unspecified shuffle, sampler and "
                f"batch_sampler options, got shuffle={shuffle}"
            )
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None and (batch_size != 1 or shuffle or sampler or drop_last):
            raise ValueError(
                "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, "
                "and drop_last"
            )

    def __len__(self) -> int:
        if self.batch_sampler is not None:
            return len(self.batch_sampler)
        n = len(self.dataset) if self.sampler is None else len(self.sampler)
        if self.batch_size is None:
            return n
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self):
        if self._iterable:
            return self._iter_stream()
        if self.batch_sampler is None:  # batch_size=None: single samples, as they come
            return (self.dataset[i] for i in self.sampler)
        return self._iter_batches()

    def _iter_batches(self):
        gather = _array_gather(self.dataset) if self.collate_fn is default_collate else None
        batches = getattr(self.batch_sampler, "_batches", None)
        for indices in batches() if batches else iter(self.batch_sampler):
            if gather is not None:
                yield gather(np.asarray(indices, dtype=np.int64))
            else:
                yield self.collate_fn([self.dataset[i] for i in _python_indices(indices)])

    def _iter_stream(self):
        it = iter(self.dataset)
        if self.batch_size is None:
            yield from it
            return
        while batch := list(islice(it, self.batch_size)):
            if len(batch) < self.batch_size and self.drop_last:
                return
            yield self.collate_fn(batch)


def _python_indices(indices):
    """Python ints for `__getitem__`, as PyTorch passes (NumPy ints surprise some datasets)."""
    return indices.tolist() if isinstance(indices, np.ndarray) else indices
