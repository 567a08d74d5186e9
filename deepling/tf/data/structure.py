"""Elements of a tf.data pipeline: nested tuples and dicts of arrays (TF's `nest`).

Inside the pipeline an element is a structure of NumPy arrays; it becomes TF tensors when it
leaves (iteration, or a function given to `map`/`filter`) and arrays again when it comes back.
A tuple (or namedtuple) and a dict (by sorted key, as TF's nest) are structures; a list given
to `from_tensor_slices` is one tensor, as in TF, but a list returned by a map function is a
tuple of components.
"""

from __future__ import annotations

import numpy as np

from ...tensor import Tensor as _CoreTensor
from ..tensor import Tensor, TensorSpec
from ..variables import _tf_array


def flatten(element) -> list:
    """The leaves of `element` in TF's order."""
    if isinstance(element, tuple):
        return [leaf for item in element for leaf in flatten(item)]
    if isinstance(element, dict):
        return [leaf for k in sorted(element) for leaf in flatten(element[k])]
    return [element]


def pack(template, leaves):
    """`leaves` (in TF's order) arranged as `template` is."""
    it = iter(leaves)
    return _pack(template, it)


def _pack(template, it):
    if isinstance(template, tuple):
        items = [_pack(t, it) for t in template]
        return type(template)(*items) if hasattr(template, "_fields") else tuple(items)
    if isinstance(template, dict):
        return {k: _pack(template[k], it) for k in sorted(template)}
    return next(it)


def map_leaves(fn, element):
    return pack(element, [fn(leaf) for leaf in flatten(element)])


def to_arrays(value, lists_are_tensors=True):
    """A structure of arrays from what users give: tensors, arrays, Python values (TF's dtype
    rule: floats float32, ints int32). A list is one tensor unless `lists_are_tensors` is
    False (a map function's result, whose list is a tuple of components)."""
    if isinstance(value, list) and not lists_are_tensors:
        value = tuple(value)
    if isinstance(value, tuple):
        items = [to_arrays(v, lists_are_tensors) for v in value]
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    if isinstance(value, dict):
        return {k: to_arrays(v, lists_are_tensors) for k, v in value.items()}
    if isinstance(value, _CoreTensor):
        return value._data
    if value is None:
        raise TypeError("tf.data elements cannot hold None")
    return np.asarray(_tf_array(value))


def to_tensors(element):
    """The element as TF tensors (the arrays are shared, not copied)."""
    return map_leaves(Tensor._wrap, element)


def to_numpy(element):
    """The element as NumPy values: arrays, and 0-d values as NumPy scalars (as TF's
    `as_numpy_iterator`)."""
    return map_leaves(lambda a: a[()] if a.ndim == 0 else a, element)


def spec_of(element, batch_dim: int = 0):
    """TensorSpecs of an element's leaves (their shapes without the first `batch_dim` dims)."""
    return map_leaves(lambda a: TensorSpec(np.shape(a)[batch_dim:], a.dtype), element)


def call(fn, element):
    """Call a map/filter function as TF does: a tuple's components as arguments, anything
    else (a dict, one tensor) as one argument."""
    tensors = to_tensors(element)
    if isinstance(element, tuple) and not hasattr(element, "_fields"):
        return fn(*tensors)
    return fn(tensors)


def stack(elements: list):
    """One batch from a list of elements of one structure: each leaf stacked along a new first
    dim; leaves of different shapes are TF's error, naming the first that differs."""
    columns = [flatten(e) for e in elements]
    leaves = []
    for i in range(len(columns[0])):
        parts = [c[i] for c in columns]
        try:
            leaves.append(np.stack(parts))
        except ValueError:
            first = np.shape(parts[0])
            j = next(j for j, p in enumerate(parts) if np.shape(p) != first)
            raise ValueError(
                f"Cannot batch tensors with different shapes in component {i}. First element "
                f"had shape {list(first)} and element {j} had shape {list(np.shape(parts[j]))}."
            ) from None
    return pack(elements[0], leaves)
