"""Samplers: the order in which `DataLoader` visits indices. Built-in samplers also give the
whole epoch's order as one array (`_order()`), so the loader slices batches without a Python
loop over samples."""

from __future__ import annotations

from itertools import islice

import numpy as np

from ... import _backend


def numpy_rng(generator=None) -> np.random.Generator:
    """The NumPy generator behind `generator`: deepling's one generator when None (seeded by
    `deepling.manual_seed`), a NumPy Generator as is, or any object whose `rng()` returns one."""
    if generator is None:
        return _backend.rng()
    if isinstance(generator, np.random.Generator):
        return generator
    if callable(getattr(generator, "rng", None)):
        return generator.rng()
    raise TypeError(
        f"generator must be None, a numpy.random.Generator or have an rng() method, "
        f"got {type(generator).__name__}"
    )


class Sampler:
    """Base class: subclasses define `__iter__` (indices) and usually `__len__`."""

    def __iter__(self):
        raise NotImplementedError


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) - 1."""

    def __init__(self, data_source) -> None:
        self.data_source = data_source

    def _order(self) -> np.ndarray:
        return np.arange(len(self.data_source))

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """A fresh random order each epoch (with replacement: `num_samples` independent draws)."""

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        if num_samples is not None and (not isinstance(num_samples, int) or num_samples <= 0):
            raise ValueError(f"num_samples should be a positive integer value, got {num_samples}")
        self.data_source, self.replacement, self.generator = data_source, replacement, generator
        self._num_samples = num_samples

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def _order(self) -> np.ndarray:
        rng, n = numpy_rng(self.generator), len(self.data_source)
        if self.replacement:
            return rng.integers(0, n, self.num_samples)
        rounds = -(-self.num_samples // n) if n else 0  # whole permutations, then cut
        return np.concatenate([rng.permutation(n) for _ in range(rounds)] or [np.arange(0)])[
            : self.num_samples
        ]

    def __iter__(self):
        return iter(self._order().tolist())

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Groups a sampler's indices into lists of `batch_size` (the last one shorter unless
    `drop_last`)."""

    def __init__(self, sampler, batch_size: int, drop_last: bool) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0:
            raise ValueError(
                f"batch_size should be a positive integer value, but got batch_size={batch_size}"
            )
        self.sampler, self.batch_size, self.drop_last = sampler, batch_size, drop_last

    def _batches(self):
        """Index batches: slices of one order array when the sampler gives one, else lists."""
        size = self.batch_size
        if hasattr(self.sampler, "_order"):
            order = self.sampler._order()
            stop = len(order) - len(order) % size if self.drop_last else len(order)
            for start in range(0, stop, size):
                yield order[start : start + size]
            return
        it = iter(self.sampler)
        while batch := list(islice(it, size)):
            if len(batch) < size and self.drop_last:
                return
            yield batch  # a custom sampler's indices may be keys of any kind: keep them

    def __iter__(self):
        return (b.tolist() if isinstance(b, np.ndarray) else b for b in self._batches())

    def __len__(self) -> int:
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
