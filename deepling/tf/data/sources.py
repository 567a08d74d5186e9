"""Where a tf.data pipeline's elements come from: slices of arrays, one element, a range, a
zip of datasets, a concatenation, a Python generator."""

from __future__ import annotations

import itertools

import numpy as np

from ... import _backend
from ...utils.data import TensorDataset
from ..tensor import TensorSpec
from . import orders, structure
from .dataset import INFINITE, UNKNOWN, Dataset


class TensorSlices(Dataset):
    """from_tensor_slices: the rows of arrays, held by a `utils.data.TensorDataset` whose
    `_gather` takes a whole batch with one fancy index per array."""

    def __init__(self, arrays):
        self._template = arrays
        leaves = structure.flatten(arrays)
        for leaf in leaves:
            if leaf.ndim == 0:
                raise ValueError(
                    "Unbatching a tensor is only supported for rank >= 1: from_tensor_slices "
                    "needs every component to have a first dimension to slice"
                )
        sizes = [len(leaf) for leaf in leaves]
        if len(set(sizes)) > 1:
            other = next(s for s in sizes if s != sizes[0])
            raise ValueError(f"Dimensions {sizes[0]} and {other} are not compatible")
        self._leaves = leaves
        self._rows = TensorDataset(*leaves)
        self._n = sizes[0]

    def _gather(self, index):
        return structure.pack(self._template, [t._data for t in self._rows._gather(index)])

    def _element(self, i: int):
        return structure.pack(self._template, [leaf[i, ...] for leaf in self._leaves])

    def _plan(self):
        return self, lambda: orders.blocks(self._n)

    def _count(self) -> int:
        return self._n

    def _spec(self):
        return structure.spec_of(self._template, batch_dim=1)


TensorSlices.__name__ = TensorSlices.__qualname__ = "_TensorSliceDataset"


class Tensors(Dataset):
    """from_tensors: a single element."""

    def __init__(self, element):
        self._element_value = element

    def _elements(self):
        yield self._element_value

    def _count(self) -> int:
        return 1

    def _spec(self):
        return structure.spec_of(self._element_value)


Tensors.__name__ = Tensors.__qualname__ = "_TensorDataset"


class Range(Dataset):
    """range(start, stop, step): int64 scalars (or `dtype`), computed from their index."""

    def __init__(self, *args, dtype=np.int64):
        if not 1 <= len(args) <= 3:
            raise ValueError(
                f"range takes 1 to 3 arguments (stop, or start, stop[, step]), got {len(args)}"
            )
        bounds = range(*(int(a) for a in args))
        self._start, self._step, self._n = bounds.start, bounds.step, len(bounds)
        self._dtype = np.dtype(_backend.to_dtype(dtype))

    def _gather(self, index):
        return (self._start + index * self._step).astype(self._dtype)

    def _element(self, i: int):
        return np.asarray(self._start + i * self._step, self._dtype)

    def _plan(self):
        return self, lambda: orders.blocks(self._n)

    def _count(self) -> int:
        return self._n

    def _spec(self):
        return TensorSpec((), self._dtype)


Range.__name__ = Range.__qualname__ = "_RangeDataset"


class Zip(Dataset):
    """Elements of several datasets side by side, in their structure (a tuple or a dict)."""

    def __init__(self, datasets, name="_ZipDataset"):
        self._name = name
        if isinstance(datasets, dict):
            self._keys, parts = sorted(datasets), [datasets[k] for k in sorted(datasets)]
        else:
            self._keys, parts = None, list(datasets)
        for part in parts:
            if not isinstance(part, Dataset):
                raise TypeError(f"zip takes datasets, got {type(part).__name__}")
        self._parts = parts

    def _pack(self, items):
        return dict(zip(self._keys, items)) if self._keys is not None else tuple(items)

    def _elements(self):
        for items in zip(*(p._elements() for p in self._parts)):
            yield self._pack(items)

    def _count(self) -> int:
        counts = [p._count() for p in self._parts]
        finite = [c for c in counts if c >= 0]
        if finite:
            return min(finite)
        return UNKNOWN if UNKNOWN in counts else INFINITE

    def _spec(self):
        return self._pack([p.element_spec for p in self._parts])

    def __repr__(self) -> str:
        return f"<{self._name} element_spec={self.element_spec}>"


Zip.__name__ = Zip.__qualname__ = "_ZipDataset"


class Concatenate(Dataset):
    """One dataset's elements, then another's of the same structure."""

    def __init__(self, first, second):
        if not isinstance(second, Dataset):
            raise TypeError(f"concatenate takes a Dataset, got {type(second).__name__}")
        a, b = first.element_spec, second.element_spec
        fa, fb = structure.flatten(a), structure.flatten(b)
        if len(fa) != len(fb) or any(x.dtype != y.dtype for x, y in zip(fa, fb)):
            raise TypeError(f"Incompatible dataset elements:\n  {a} vs.\n  {b}")
        self._parts = (first, second)

    def _elements(self):
        return itertools.chain(self._parts[0]._elements(), self._parts[1]._elements())

    def _count(self) -> int:
        a, b = (p._count() for p in self._parts)
        if INFINITE in (a, b):
            return INFINITE
        return UNKNOWN if UNKNOWN in (a, b) else a + b

    def _spec(self):
        return self._parts[0].element_spec


Concatenate.__name__ = Concatenate.__qualname__ = "_ConcatenateDataset"


class Generator(Dataset):
    """from_generator: elements from a Python generator function, one call per pass."""

    def __init__(self, generator, args, signature, types, shapes):
        if not callable(generator):
            raise TypeError("`generator` must be a Python callable.")
        if signature is None and types is None:
            raise TypeError("The `output_signature` argument must be set.")
        if signature is None:
            shapes = structure.map_leaves(lambda _: None, types) if shapes is None else shapes
            signature = _specs(types, shapes)
        self._generator, self._args, self._signature = generator, tuple(args or ()), signature

    def _elements(self):
        specs = structure.flatten(self._signature)
        for value in self._generator(*self._args):
            leaves = structure.flatten(structure.to_arrays(value, lists_are_tensors=True))
            if len(leaves) != len(specs):
                raise TypeError(
                    f"`generator` yielded an element that did not match the expected structure:"
                    f" {len(specs)} components expected, got {value!r:.80}"
                )
            arrays = []
            for leaf, spec in zip(leaves, specs):
                array = np.asarray(leaf).astype(spec.dtype, copy=False)
                if not getattr(spec, "_any_shape", False) and not spec.is_compatible_with(array):
                    raise TypeError(
                        f"`generator` yielded an element of shape {array.shape} where an element "
                        f"of shape {tuple(spec.shape)} was expected."
                    )
                arrays.append(array)
            yield structure.pack(self._signature, arrays)

    def _spec(self):
        return self._signature


Generator.__name__ = Generator.__qualname__ = "_FlatMapDataset"


def _specs(types, shapes):
    """TensorSpecs from TF's older output_types / output_shapes pair (same structure)."""
    if isinstance(types, tuple):
        return tuple(_specs(t, s) for t, s in zip(types, shapes))
    if isinstance(types, dict):
        return {k: _specs(types[k], shapes[k]) for k in types}
    shape = () if shapes is None else shapes
    spec = TensorSpec([] if shapes is None else shape, _backend.to_dtype(types))
    if shapes is None:
        spec._any_shape = True
    return spec
