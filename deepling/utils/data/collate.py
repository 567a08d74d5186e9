"""default_collate: a list of samples becomes one batch, as torch.utils.data.default_collate."""

from __future__ import annotations

import collections.abc
import numbers

import numpy as np

from ...ops import stack
from ...tensor import Tensor


def _stack_tensors(batch) -> Tensor:
    if any(t.requires_grad for t in batch):
        return stack(batch)
    return Tensor._wrap(np.stack([t._data for t in batch]))


def _collate_sequence(batch, elem):
    size = len(elem)
    if any(len(sample) != size for sample in batch):
        raise RuntimeError("each element in list of batch should be of equal size")
    columns = [default_collate(list(samples)) for samples in zip(*batch)]
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple keeps its type
        return type(elem)(*columns)
    return columns  # tuples become lists, as in PyTorch


def default_collate(batch):
    """Stack a list of samples into a batch, recursively through tuples, lists and dicts.

    Tensors and arrays are stacked along a new first dimension; Python floats become a float64
    tensor and ints an int64 tensor (as PyTorch); strings stay a list.

    Example:
        >>> default_collate([(1.0, 0), (2.0, 1)])[1]
        tensor([0, 1])
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return _stack_tensors(batch)
    if isinstance(elem, np.ndarray) and elem.dtype.kind not in "OSU":
        return Tensor._wrap(np.stack(batch))
    if isinstance(elem, np.generic) and elem.dtype.kind not in "OSU":
        return Tensor._wrap(np.asarray(batch))
    if isinstance(elem, bool):
        return Tensor._wrap(np.asarray(batch, dtype=np.bool_))
    if isinstance(elem, numbers.Integral):
        return Tensor._wrap(np.asarray(batch, dtype=np.int64))
    if isinstance(elem, numbers.Real):
        return Tensor._wrap(np.asarray(batch, dtype=np.float64))
    if isinstance(elem, (str, bytes)):
        return list(batch)
    if isinstance(elem, collections.abc.Mapping):
        columns = {key: default_collate([d[key] for d in batch]) for key in elem}
        try:
            return type(elem)(columns)
        except TypeError:  # a mapping type that cannot be built from a dict
            return columns
    if isinstance(elem, collections.abc.Sequence):
        return _collate_sequence(batch, elem)
    raise TypeError(
        "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
        f"found {type(elem)}"
    )
