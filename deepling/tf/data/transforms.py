"""The stages of a tf.data pipeline: shuffle, batch, map, filter, repeat, take, skip,
prefetch, cache, unbatch. Each reads its input's elements lazily; those that only reorder or
select (shuffle, repeat, take, skip, prefetch) pass index arrays when their input does."""

from __future__ import annotations

import itertools

import numpy as np

from ... import _backend
from ..tensor import TensorShape, TensorSpec
from . import orders, structure
from .dataset import INFINITE, UNKNOWN, Dataset
from .sources import TensorSlices


def _count_arg(value, name: str) -> int:
    n = int(value.numpy() if hasattr(value, "numpy") else value)
    if n < -1:
        raise ValueError(f"`{name}` must be >= -1, got {n}")
    return n


class _Stage(Dataset):
    """A stage over one input dataset; by default it changes nothing about the elements."""

    def __init__(self, source):
        self._source = source

    def _elements(self):
        return self._source._elements()

    def _plan(self):
        return self._source._plan()

    def _count(self) -> int:
        return self._source._count()

    def _spec(self):
        return self._source.element_spec


class Shuffle(_Stage):
    """TF's buffered shuffle, on index arrays when the input passes them."""

    def __init__(self, source, buffer_size, seed, reshuffle):
        super().__init__(source)
        self._size = _count_arg(buffer_size, "buffer_size")
        if self._size < 1:
            raise ValueError(f"buffer_size must be greater than zero, got {buffer_size}")
        self._seeds = None if seed is None else np.random.default_rng(_seed_key(seed))
        self._reshuffle = bool(reshuffle)
        self._fixed = None if self._reshuffle else self._next_seed()

    def _next_seed(self) -> int:
        return int((self._seeds or _backend.rng()).integers(2**63))

    def _epoch_rng(self):
        return np.random.default_rng(self._next_seed() if self._reshuffle else self._fixed)

    def _plan(self):
        plan = self._source._plan()
        if plan is None:
            return None
        root, chunks = plan
        return root, lambda: orders.buffered_shuffle(chunks(), self._size, self._epoch_rng())

    def _elements(self):
        if self._plan() is not None:
            return Dataset._elements(self)
        return orders.shuffle_items(self._source._elements(), self._size, self._epoch_rng())


def _seed_key(seed) -> list:
    """TF's two seeds: the global one (`tf.random.set_seed`, or TF's default) and the op's."""
    first = _backend.initial_seed()
    return [87654321 if first is None else int(first), int(seed)]


Shuffle.__name__ = Shuffle.__qualname__ = "_ShuffleDataset"


class Batch(_Stage):
    """Consecutive elements stacked (or padded and stacked) into batches."""

    def __init__(self, source, batch_size, drop_remainder, padding=None):
        super().__init__(source)
        self._size = _count_arg(batch_size, "batch_size")
        if self._size < 1:
            raise ValueError(f"batch_size must be greater than zero, got {batch_size}")
        self._drop, self._padding = bool(drop_remainder), padding

    def _plan(self):
        return None

    def _elements(self):
        plan = self._source._plan() if self._padding is None else None
        if plan is not None:  # one fancy index per batch
            root, chunks = plan
            for index in orders.regroup(chunks(), self._size, self._drop):
                yield root._gather(index)
            return
        held = []
        for element in self._source._elements():
            held.append(element)
            if len(held) == self._size:
                yield self._stack(held)
                held = []
        if held and not self._drop:
            yield self._stack(held)

    def _stack(self, elements):
        if self._padding is None:
            return structure.stack(elements)
        return _padded(elements, *self._padding)

    def _count(self) -> int:
        n = self._source._count()
        if n < 0:
            return n
        return n // self._size if self._drop else -(-n // self._size)

    def _spec(self):
        first = self._size if self._drop else None
        return structure.map_leaves(
            lambda s: TensorSpec((first, *[None if self._padding else d for d in s.shape]),
                                 s.dtype),
            self._source.element_spec,
        )  # fmt: skip


Batch.__name__ = Batch.__qualname__ = "_BatchDataset"


def _padded(elements, shapes, values):
    """A batch of elements padded at the end of each dim to `shapes` (None: the longest)."""
    columns = [structure.flatten(e) for e in elements]
    count = len(columns[0])
    shapes = structure.flatten(shapes) if shapes is not None else [None] * count
    values = structure.flatten(values) if values is not None else [0] * count
    leaves = []
    for i in range(count):
        parts = [c[i] for c in columns]
        longest = np.max([p.shape for p in parts], axis=0) if parts[0].ndim else ()
        want = longest if shapes[i] is None else [
            m if d is None or d == -1 else int(d) for d, m in zip(shapes[i], longest)
        ]  # fmt: skip
        out = np.full((len(parts), *want), values[i], parts[0].dtype)
        for j, p in enumerate(parts):
            if any(a > b for a, b in zip(p.shape, want)):
                raise ValueError(
                    f"padded_shapes {list(want)} is smaller than element shape {p.shape}"
                )
            out[(j, *(slice(0, d) for d in p.shape))] = p
        leaves.append(out)
    return structure.pack(elements[0], leaves)


class Unbatch(_Stage):
    """Each element split along its first dim."""

    def _plan(self):
        return None

    def _elements(self):
        for element in self._source._elements():
            leaves = structure.flatten(element)
            n = len(leaves[0]) if leaves and leaves[0].ndim else 0
            for i in range(n):
                yield structure.pack(element, [leaf[i, ...] for leaf in leaves])

    def _count(self) -> int:
        return UNKNOWN if self._source._count() != INFINITE else INFINITE

    def _spec(self):
        return structure.map_leaves(
            lambda s: TensorSpec(TensorShape(s.shape)[1:], s.dtype), self._source.element_spec
        )


Unbatch.__name__ = Unbatch.__qualname__ = "_UnbatchDataset"


class Map(_Stage):
    """A function of each element."""

    def __init__(self, source, fn, parallel):
        super().__init__(source)
        if not callable(fn):
            raise TypeError(f"map_func must be callable, got {type(fn).__name__}")
        self._fn = fn
        self._name = "_ParallelMapDataset" if parallel else "_MapDataset"

    def _plan(self):
        return None

    def _elements(self):
        fn = self._fn
        for element in self._source._elements():
            yield structure.to_arrays(structure.call(fn, element), lists_are_tensors=False)

    def _spec(self):
        return Dataset._spec(self)

    def __repr__(self) -> str:
        return f"<{self._name} element_spec={self.element_spec}>"


class Filter(_Stage):
    """The elements a predicate keeps."""

    def __init__(self, source, predicate):
        super().__init__(source)
        if not callable(predicate):
            raise TypeError(f"predicate must be callable, got {type(predicate).__name__}")
        self._predicate = predicate

    def _plan(self):
        return None

    def _elements(self):
        for element in self._source._elements():
            keep = np.asarray(structure.to_arrays(structure.call(self._predicate, element)))
            if keep.shape != () or keep.dtype != np.bool_:
                raise ValueError(
                    "Invalid `predicate`. `predicate` must return a `tf.bool` scalar tensor, "
                    f"but its return type was {keep.dtype} of shape {keep.shape}."
                )
            if keep:
                yield element

    def _count(self) -> int:
        return UNKNOWN if self._source._count() != 0 else 0


Filter.__name__ = Filter.__qualname__ = "_FilterDataset"


class Repeat(_Stage):
    """The input, pass after pass; an input that gives nothing in a pass ends it (as TF)."""

    def __init__(self, source, count):
        super().__init__(source)
        self._times = -1 if count is None else _count_arg(count, "count")

    def _passes(self):
        return itertools.count() if self._times == -1 else range(self._times)

    def _plan(self):
        plan = self._source._plan()
        if plan is None:
            return None
        root, chunks = plan
        return root, lambda: self._repeated(chunks)

    def _repeated(self, one_pass):
        for _ in self._passes():
            empty = True
            for item in one_pass():
                empty = False
                yield item
            if empty:
                return

    def _elements(self):
        if self._plan() is not None:
            return Dataset._elements(self)
        return self._repeated(self._source._elements)

    def _count(self) -> int:
        n = self._source._count()
        if n == 0 or self._times == 0:
            return 0
        if n == INFINITE or self._times == -1:
            return INFINITE
        return n if n == UNKNOWN else n * self._times


Repeat.__name__ = Repeat.__qualname__ = "_RepeatDataset"


class Take(_Stage):
    """The first `count` elements."""

    def __init__(self, source, count):
        super().__init__(source)
        self._n = _count_arg(count, "count")

    def _plan(self):
        plan = self._source._plan()
        if plan is None or self._n == -1:
            return plan
        root, chunks = plan
        return root, lambda: orders.take(chunks(), self._n)

    def _elements(self):
        if self._n == -1:
            return self._source._elements()
        return itertools.islice(self._source._elements(), self._n)

    def _count(self) -> int:
        n = self._source._count()
        if self._n == -1:
            return n
        if n == INFINITE:
            return self._n
        return min(n, self._n) if n >= 0 else UNKNOWN


Take.__name__ = Take.__qualname__ = "_TakeDataset"


class Skip(_Stage):
    """All but the first `count` elements."""

    def __init__(self, source, count):
        super().__init__(source)
        self._n = _count_arg(count, "count")

    def _plan(self):
        plan = self._source._plan()
        if plan is None:
            return None
        root, chunks = plan
        if self._n == -1:
            return root, lambda: iter(())
        return root, lambda: orders.skip(chunks(), self._n)

    def _elements(self):
        if self._n == -1:
            return iter(())
        return itertools.islice(self._source._elements(), self._n, None)

    def _count(self) -> int:
        n = self._source._count()
        if self._n == -1:
            return 0 if n != INFINITE else INFINITE
        return max(n - self._n, 0) if n >= 0 else n


Skip.__name__ = Skip.__qualname__ = "_SkipDataset"


class Prefetch(_Stage):
    """Nothing to prepare ahead in one thread: the input's elements as they come."""

    def __init__(self, source, buffer_size):
        super().__init__(source)
        _count_arg(buffer_size, "buffer_size")


Prefetch.__name__ = Prefetch.__qualname__ = "_PrefetchDataset"


class Cache(_Stage):
    """The first complete pass kept in memory: as arrays (and so an index plan) when all
    elements have one shape, else as a list."""

    def __init__(self, source, filename):
        super().__init__(source)
        if filename:
            raise NotImplementedError(
                f"cache(filename={filename!r}): caching to a file is not supported; "
                "cache() keeps the elements in memory"
            )
        self._kept = None

    def _plan(self):
        if isinstance(self._kept, TensorSlices):
            return self._kept._plan()
        return None

    def _elements(self):
        if isinstance(self._kept, TensorSlices):
            return Dataset._elements(self)
        if self._kept is not None:
            return iter(self._kept)
        return self._first_pass()

    def _first_pass(self):
        seen = []
        for element in self._source._elements():
            seen.append(element)
            yield element
        self._kept = _stacked(seen)


def _stacked(elements):
    """The elements as one TensorSlices when they stack, else the list."""
    if not elements:
        return elements
    try:
        return TensorSlices(structure.stack(elements))
    except ValueError:
        return elements


Cache.__name__ = Cache.__qualname__ = "_CacheDataset"
