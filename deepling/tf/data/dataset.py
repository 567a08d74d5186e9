"""tf.data.Dataset: an input pipeline, built on deepling.utils.data.

A Dataset is a `utils.data.IterableDataset` (so a DataLoader or Keras's `fit` can read it)
whose elements are nested tuples/dicts of TF tensors. Each method returns a new Dataset, one
stage of the pipeline (`sources.py`, `transforms.py`); nothing runs until it is iterated, and
each iteration is a new pass (a new shuffle order, unless asked otherwise). Data held in arrays
passes as index arrays and is gathered a batch at a time (`orders.py`).
"""

from __future__ import annotations

import functools
import sys

import numpy as np

from ...utils.data import IterableDataset
from ..tensor import Tensor
from . import structure

AUTOTUNE = -1
INFINITE = -1  # tf.data.INFINITE_CARDINALITY
UNKNOWN = -2  # tf.data.UNKNOWN_CARDINALITY


def _stages():
    from . import sources, transforms

    return sources, transforms


class Dataset(IterableDataset):
    """A sequence of elements (tuples or dicts of tensors) read as a stream.

    Make one with `from_tensor_slices`, `from_tensors`, `range`, `zip` or `from_generator`,
    then chain `shuffle`, `map`, `filter`, `batch`, `repeat`, `take`, `skip`, `cache`,
    `prefetch`, ... Iterating yields TF tensors; `as_numpy_iterator()` yields NumPy values.

    Example:
        >>> import deepling.tf as tf
        >>> ds = tf.data.Dataset.range(10).filter(lambda x: x > 4).batch(3)
        >>> [b.numpy().tolist() for b in ds]
        [[5, 6, 7], [8, 9]]
    """

    # --- what each stage provides ---
    def _elements(self):
        """One pass: the elements as structures of arrays. By default read through the
        stage's index plan."""
        root, chunks = self._plan()
        for chunk in chunks():
            for i in chunk.tolist():
                yield root._element(i)

    def _plan(self):
        """(root, chunks) when the elements are rows of arrays picked by an index stream
        (`root._gather(indices)`, `chunks()` a new pass of index arrays), else None."""
        return None

    def _count(self) -> int:
        return UNKNOWN

    def _spec(self):
        """The element's TensorSpecs; by default read off the first element."""
        for element in self._elements():
            return structure.spec_of(element)
        raise ValueError("the element_spec of an empty dataset that came out of a function")

    # --- reading ---
    def __iter__(self):
        for element in self._elements():
            yield structure.to_tensors(element)

    def as_numpy_iterator(self):
        """An iterator of the elements as NumPy arrays (0-d values as NumPy scalars).

        Example:
            >>> import deepling.tf as tf
            >>> [x.item() for x in tf.data.Dataset.from_tensor_slices([1, 2]).as_numpy_iterator()]
            [1, 2]
        """
        return _NumpyIterator(self)

    def cardinality(self) -> Tensor:
        """The number of elements as an int64 tensor: INFINITE_CARDINALITY (-1) after
        `repeat()`, UNKNOWN_CARDINALITY (-2) after `filter` or a generator."""
        return Tensor._wrap(np.asarray(self._count(), np.int64))

    def __len__(self) -> int:
        n = self._count()
        if n == INFINITE:
            raise TypeError("The dataset is infinite.")
        if n == UNKNOWN:
            raise TypeError("The dataset length is unknown.")
        return n

    def __bool__(self) -> bool:
        return True  # a dataset is a pipeline, not a container: never falsy (as in TF)

    @functools.cached_property
    def element_spec(self):
        """The `tf.TensorSpec` of each component of an element, in the element's structure."""
        return self._spec()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} element_spec={self.element_spec}>"

    # --- making datasets ---
    @staticmethod
    def from_tensor_slices(tensors, name=None) -> Dataset:
        """One element per row of `tensors` (an array, a tuple or a dict of them, all with the
        same first dim).

        Example:
            >>> import deepling.tf as tf
            >>> ds = tf.data.Dataset.from_tensor_slices(([1.0, 2.0], [0, 1]))
            >>> [(x.numpy().item(), y.numpy().item()) for x, y in ds]
            [(1.0, 0), (2.0, 1)]
        """
        return _stages()[0].TensorSlices(structure.to_arrays(tensors))

    @staticmethod
    def from_tensors(tensors, name=None) -> Dataset:
        """One element: `tensors` whole."""
        return _stages()[0].Tensors(structure.to_arrays(tensors))

    @staticmethod
    def range(*args, dtype=np.int64, name=None) -> Dataset:
        """`range(stop)`, `range(start, stop[, step])` as int64 scalars (or `dtype`)."""
        return _stages()[0].Range(*args, dtype=dtype)

    @staticmethod
    def zip(*datasets, name=None) -> Dataset:
        """Elements made of one element of each dataset: `zip((a, b))`, `zip(a, b)` or
        `zip({"x": a, "y": b})`; it ends with the shortest."""
        if len(datasets) == 1 and isinstance(datasets[0], (tuple, dict)):
            datasets = datasets[0]
        return _stages()[0].Zip(datasets)

    @staticmethod
    def from_generator(generator, output_types=None, output_shapes=None, args=None,
                       output_signature=None, name=None) -> Dataset:  # fmt: skip
        """Elements from `generator(*args)` (a callable: each pass calls it anew), converted to
        `output_signature` (TensorSpecs) or to `output_types` (and checked against
        `output_shapes`)."""
        return _stages()[0].Generator(generator, args, output_signature, output_types,
                                      output_shapes)  # fmt: skip

    def concatenate(self, dataset, name=None) -> Dataset:
        """This dataset's elements, then `dataset`'s (of the same structure)."""
        return _stages()[0].Concatenate(self, dataset)

    # --- transformations ---
    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=None, name=None):
        """Randomly shuffle through a buffer of `buffer_size` elements, as TF does (a buffer
        as large as the dataset gives a uniform permutation; a small one mixes only nearby
        elements). A new order each pass unless `reshuffle_each_iteration=False`; `seed`
        (with `tf.random.set_seed`) makes the orders repeat from run to run."""
        reshuffle = True if reshuffle_each_iteration is None else reshuffle_each_iteration
        return _stages()[1].Shuffle(self, buffer_size, seed, reshuffle)

    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None,
              deterministic=None, name=None) -> Dataset:  # fmt: skip
        """Stack consecutive elements into batches of `batch_size` (the last one smaller,
        unless `drop_remainder`). `num_parallel_calls`/`deterministic` steer TF's threads;
        batches are the same without them."""
        return _stages()[1].Batch(self, batch_size, drop_remainder)

    def padded_batch(self, batch_size, padded_shapes=None, padding_values=None,
                     drop_remainder=False, name=None) -> Dataset:  # fmt: skip
        """Batches of elements padded (at the end of each dim) to the longest in the batch,
        or to `padded_shapes` (None entries: the longest), with `padding_values` (0)."""
        return _stages()[1].Batch(self, batch_size, drop_remainder, (padded_shapes, padding_values))

    def unbatch(self, name=None) -> Dataset:
        """Split each element along its first dim into that many elements."""
        return _stages()[1].Unbatch(self)

    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None):
        """`map_func(*element)` (a tuple's components as arguments) for each element.
        `num_parallel_calls` (e.g. AUTOTUNE) and `deterministic` steer TF's threads; deepling
        calls the function in order, which gives what a deterministic TF pipeline gives."""
        return _stages()[1].Map(self, map_func, num_parallel_calls is not None)

    def filter(self, predicate, name=None) -> Dataset:
        """The elements for which `predicate(*element)` is True (a scalar bool)."""
        return _stages()[1].Filter(self, predicate)

    def repeat(self, count=None, name=None) -> Dataset:
        """The dataset `count` times over (forever with None or -1), each pass a new one."""
        return _stages()[1].Repeat(self, count)

    def take(self, count, name=None) -> Dataset:
        """The first `count` elements (all of them with -1)."""
        return _stages()[1].Take(self, count)

    def skip(self, count, name=None) -> Dataset:
        """All but the first `count` elements (none with -1)."""
        return _stages()[1].Skip(self, count)

    def prefetch(self, buffer_size, name=None) -> Dataset:
        """TF prepares `buffer_size` elements ahead on another thread; deepling reads on
        demand in one thread, which gives the same elements in the same order."""
        return _stages()[1].Prefetch(self, buffer_size)

    def cache(self, filename="", name=None) -> Dataset:
        """Keep the elements of the first complete pass in memory and read later passes from
        there (a file cache, `filename`, is not supported)."""
        return _stages()[1].Cache(self, filename)

    def enumerate(self, start=0, name=None) -> Dataset:
        """(index, element) pairs, counting from `start` (int64)."""
        sources = _stages()[0]
        return sources.Zip((sources.Range(int(start), sys.maxsize), self), name="_EnumerateDataset")

    def apply(self, transformation_func) -> Dataset:
        """`transformation_func(self)`, which must return a Dataset."""
        out = transformation_func(self)
        if not isinstance(out, Dataset):
            raise TypeError("`transformation_func` must return a Dataset.")
        return out

    def reduce(self, initial_state, reduce_func):
        """Fold the elements: state = reduce_func(state, element), from `initial_state`."""
        state = structure.to_tensors(structure.to_arrays(initial_state))
        for element in self:
            state = reduce_func(state, element)
        return state


class _NumpyIterator:
    """`as_numpy_iterator()`: an iterator that is also iterable, as TF's."""

    def __init__(self, dataset):
        self._elements = dataset._elements()

    def __iter__(self):
        return self

    def __next__(self):
        return structure.to_numpy(next(self._elements))
