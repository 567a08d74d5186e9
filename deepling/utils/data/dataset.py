"""Datasets as in torch.utils.data: map-style `Dataset`, `TensorDataset`, `Subset`, and
`random_split`. Array-backed datasets also answer `_gather(indices)`: a whole batch from one
fancy index per tensor, which `DataLoader` prefers to per-sample `__getitem__`."""

from __future__ import annotations

import bisect

import numpy as np

from ...creation import as_tensor
from ...tensor import Tensor


def _take(t: Tensor, index) -> Tensor:
    """t[index]; recorded for autograd only when t requires grad (datasets rarely do)."""
    return t[index] if t.requires_grad else Tensor._wrap(t._data[index])


class Dataset:
    """A map-style dataset: subclasses define `__getitem__(index)` and `__len__()`.

    Example:
        >>> class Squares(Dataset):
        ...     def __len__(self): return 4
        ...     def __getitem__(self, i): return i * i
        >>> Squares()[3]
        9
    """

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """A dataset read as a stream: subclasses define `__iter__`; `DataLoader` batches it in order."""

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")


class TensorDataset(Dataset):
    """Samples are rows of `tensors`, indexed along their first dimension.

    Args:
        *tensors: tensors (or arrays) with the same size in dimension 0.

    Example:
        >>> import deepling as dl
        >>> ds = TensorDataset(dl.zeros(5, 2), dl.arange(5))
        >>> len(ds), ds[1][1].item()
        (5, 1)
    """

    def __init__(self, *tensors):
        tensors = tuple(as_tensor(t) for t in tensors)
        sizes = [t.shape[0] if t.ndim else None for t in tensors]
        if not tensors or None in sizes or len(set(sizes)) != 1:
            raise ValueError(f"Size mismatch between tensors: first dimensions are {sizes}")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(_take(t, index) for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]

    def _gather(self, indices: np.ndarray) -> list:
        # A list, as default_collate makes of tuple samples, so loaders look the same either way.
        return [_take(t, indices) for t in self.tensors]


class Subset(Dataset):
    """The samples of `dataset` at `indices`, in that order."""

    def __init__(self, dataset, indices) -> None:
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, index):
        if isinstance(index, list):
            return [self.dataset[self.indices[i]] for i in index]
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)

    def __getattr__(self, name):
        # Offer `_gather` only when the wrapped dataset has it (a dataset may answer None: its
        # samples come one at a time), so DataLoader's check stays honest.
        gather = getattr(self.dataset, "_gather", None) if name == "_gather" else None
        if gather is not None:
            positions = np.asarray(self.indices, dtype=np.int64)
            return lambda indices: gather(positions[indices])
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


class ConcatDataset(Dataset):
    """The samples of several datasets, one after another."""

    def __init__(self, datasets) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("datasets should not be an empty iterable")
        self.cumulative_sizes = np.cumsum([len(d) for d in self.datasets]).tolist()

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, index):
        if index < 0:
            if -index > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            index += len(self)
        which = bisect.bisect_right(self.cumulative_sizes, index)
        start = self.cumulative_sizes[which - 1] if which else 0
        return self.datasets[which][index - start]
