"""Data for the training loop: turn what users pass to `fit` into arrays, split and batch them.

Tutorials pass Python lists, NumPy arrays, deepling tensors, lists of arrays (several inputs)
or a DataLoader. Arrays are batched by slicing an index array, one fancy index per batch.
"""

from __future__ import annotations

import math

import numpy as np

from . import _backend
from .tensor import Tensor


def to_arrays(data, name: str = "x"):
    """One array, or a list of arrays for several inputs/outputs (None stays None).

    1-D data is one feature per sample, as Keras takes it: (N,) becomes (N, 1).
    """
    if data is None:
        return None
    if isinstance(data, dict):
        return {k: _one_array(v, name) for k, v in data.items()}
    if isinstance(data, (list, tuple)) and data and all(_is_array(d) for d in data):
        return [_one_array(d, name) for d in data]
    return _one_array(data, name)


def _is_array(d) -> bool:
    return isinstance(d, (np.ndarray, Tensor))


def _one_array(data, name):
    if isinstance(data, Tensor):
        data = data.numpy()
    array = np.asarray(data)
    if array.dtype == object:
        raise ValueError(f"{name}: could not turn the data into an array (ragged lists?)")
    if array.dtype == np.float64 and not isinstance(data, np.ndarray):
        array = array.astype(_backend.default_float)  # Python floats are float32 here too
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim == 0:
        raise ValueError(f"{name}: expected one or more samples, got a scalar {array!r}")
    return array


def flat(arrays) -> list:
    if arrays is None:
        return []
    if isinstance(arrays, dict):
        return list(arrays.values())
    return list(arrays) if isinstance(arrays, list) else [arrays]


def num_samples(x, y=None, sample_weight=None) -> int:
    """The common first dim, or a ValueError naming every size when they differ."""
    sizes = {
        label: [len(a) for a in flat(d)]
        for label, d in (("x", x), ("y", y), ("sample_weight", sample_weight))
        if d is not None
    }
    every = {n for ns in sizes.values() for n in ns}
    if len(every) > 1:
        detail = "\n".join(f"'{k}' sizes: {', '.join(map(str, v))}" for k, v in sizes.items())
        raise ValueError(
            "Data cardinality is ambiguous. Make sure all arrays contain the same number of "
            f"samples.\n{detail}"
        )
    return every.pop() if every else 0


def take(arrays, index):
    """Rows `index` of one array, a list or a dict of arrays."""
    if arrays is None:
        return None
    if isinstance(arrays, dict):
        return {k: v[index] for k, v in arrays.items()}
    if isinstance(arrays, list):
        return [a[index] for a in arrays]
    return arrays[index]


def split_validation(x, y, sample_weight, fraction: float):
    """Keras's `validation_split`: the LAST `fraction` of the samples, taken before shuffling.

    Sorted data (by label or by time) therefore gives a validation set unlike the training set:
    shuffle it first.
    """
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"validation_split must be in (0, 1), got {fraction}")
    n = num_samples(x, y, sample_weight)
    cut = int(math.floor(n * (1.0 - fraction)))
    if cut == 0 or cut == n:
        raise ValueError(
            f"validation_split={fraction} leaves no samples for training or validation ({n} samples)"
        )
    head, tail = slice(0, cut), slice(cut, n)
    return (
        (take(x, head), take(y, head), take(sample_weight, head)),
        (take(x, tail), take(y, tail), take(sample_weight, tail)),
    )


def batches(n: int, batch_size: int, shuffle: bool):
    """Index arrays (or slices, when not shuffled) covering 0..n-1 in batches."""
    if shuffle:
        order = _backend.rng().permutation(n)
        return [order[i : i + batch_size] for i in range(0, n, batch_size)]
    return [slice(i, min(i + batch_size, n)) for i in range(0, n, batch_size)]


def class_weights_to_samples(y, class_weight: dict) -> np.ndarray:
    """Per-sample weights from {class: weight}, reading labels from integers or one-hot rows."""
    labels = flat(y)[0]
    labels = labels.argmax(-1) if labels.shape[-1] > 1 else labels.reshape(len(labels), -1)[:, 0]
    labels = labels.astype(np.int64)
    missing = set(np.unique(labels).tolist()) - set(class_weight)
    if missing:
        raise ValueError(f"class_weight has no entry for classes {sorted(missing)}")
    lookup = np.zeros(max(max(class_weight), labels.max()) + 1, dtype=np.float32)
    for k, w in class_weight.items():
        lookup[k] = w
    return lookup[labels]
