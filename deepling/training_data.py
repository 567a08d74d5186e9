"""What `fit`, `evaluate` and `predict` receive, as one object that hands out batches.

`training_data(x, y, sample_weight, class_weight)` turns what tutorials pass into either
- `ArrayData`: NumPy arrays, tensors, (nested) Python lists, or lists/dicts of those for several
  inputs/outputs, batched by slicing an index array (one fancy index per batch); or
- `BatchStream`: a DataLoader or any iterable of `(x, y[, sample_weight])` batches.
The loop asks it once per epoch for `batches(batch_size, shuffle)`; `split` holds out
validation data, `probe` gives one sample for the dry run that checks targets before training.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from . import _backend
from .tensor import Tensor


def training_data(x, y=None, sample_weight=None, class_weight=None, *, targets=True):
    """An ArrayData or a BatchStream for what was passed (`targets=False`: inputs only).
    No data (`x=None`) is Keras 3's ValueError; no samples (an empty `x`) one too."""
    if x is None:
        raise ValueError(f"Unrecognized data type: x=None (of type {type(None)})")
    if _is_batch_stream(x):
        if y is not None:
            raise ValueError(
                "`y` is not supported with a DataLoader (or any `x` that yields batches): its "
                "batches carry the targets"
            )
        return BatchStream(x, class_weight)
    return ArrayData(x, y, sample_weight, class_weight, targets=targets)


def validation(validation_data):
    """`validation_data`: (x_val, y_val), (x_val, y_val, sample_weight) or a DataLoader."""
    if isinstance(validation_data, (list, tuple)) and len(validation_data) in (2, 3):
        return training_data(*validation_data)
    if isinstance(validation_data, (list, tuple)):
        raise ValueError("validation_data must be (x_val, y_val) or (x_val, y_val, sample_weight)")
    return training_data(validation_data)


def _is_batch_stream(x) -> bool:
    """A DataLoader (or anything iterable that is not data itself): it yields whole batches."""
    return hasattr(x, "__iter__") and hasattr(x, "dataset") and hasattr(x, "batch_size")


class ArrayData:
    """Samples held as arrays (one, a list or a dict per side), batched by index."""

    def __init__(self, x, y=None, sample_weight=None, class_weight=None, *, targets=True):
        self.x, self.y = to_arrays(x, "x"), to_arrays(y, "y")
        if targets and self.y is None:
            raise ValueError("Target data is missing: the compiled loss needs `y`.")
        sw = None if sample_weight is None else np.asarray(sample_weight, np.float32).reshape(-1)
        self.num_samples = num_samples(self.x, self.y, sw)
        if not self.num_samples:
            raise ValueError("`x` holds no samples (its first dimension is 0)")
        if class_weight is not None and not isinstance(class_weight, dict):
            raise ValueError(
                "Expected `class_weight` to be a dict with keys from 0 to one less than the "
                f"number of classes, received class_weight={class_weight!r}"
            )
        if class_weight:
            weights = class_weights_to_samples(self.y, class_weight)
            sw = weights if sw is None else sw * weights
        self.sample_weight = sw

    def steps(self, batch_size: int) -> int:
        return -(-self.num_samples // batch_size)

    def batches(self, batch_size: int, shuffle: bool = False):
        """(x, y, sample_weight) per batch; shuffled rows when asked (a single batch is not:
        its loss and gradient do not depend on the row order)."""
        n = self.num_samples
        if shuffle and n > batch_size:
            order = _backend.rng().permutation(n)
            index = [order[i : i + batch_size] for i in range(0, n, batch_size)]
        else:
            index = [slice(i, min(i + batch_size, n)) for i in range(0, n, batch_size)]
        for i in index:
            yield take(self.x, i), take(self.y, i), take(self.sample_weight, i)

    def split(self, fraction: float):
        """Keras's `validation_split`: the LAST `fraction` of the samples, taken before any
        shuffling. Sorted data (by label or by time) therefore gives a validation set unlike
        the training set: shuffle it first."""
        if not 0.0 < fraction < 1.0:
            raise ValueError(f"validation_split must be in (0, 1), got {fraction}")
        n = self.num_samples
        cut = int(math.floor(n * (1.0 - fraction)))
        if cut == 0 or cut == n:
            raise ValueError(
                f"validation_split={fraction} leaves no samples for training or validation "
                f"({n} samples)"
            )
        return self._rows(slice(0, cut)), self._rows(slice(cut, n))

    def _rows(self, index) -> ArrayData:
        part = object.__new__(ArrayData)
        part.x, part.y = take(self.x, index), take(self.y, index)
        part.sample_weight = take(self.sample_weight, index)
        part.num_samples = index.stop - index.start
        return part

    def probe(self):
        """(x, y) of the first sample and all targets: what the dry run scores."""
        return take(self.x, slice(0, 1)), self.y


class BatchStream:
    """Batches that arrive whole from an iterable (a DataLoader): converted one at a time."""

    def __init__(self, batches, class_weight=None):
        self.source, self.class_weight = batches, class_weight

    def steps(self, batch_size: int) -> int | None:
        try:
            return len(self.source)
        except TypeError:  # a generator: the epoch ends when it does
            return None

    def batches(self, batch_size=None, shuffle=False):
        for batch in self.source:
            if not isinstance(batch, (list, tuple)) or len(batch) == 1:  # inputs only (predict)
                yield to_arrays(batch[0] if isinstance(batch, (list, tuple)) else batch), None, None
                continue
            xb, yb = to_arrays(batch[0], "x"), to_arrays(batch[1], "y")
            sw = to_arrays(batch[2])[:, 0] if len(batch) > 2 else None
            if self.class_weight:
                weights = class_weights_to_samples(yb, self.class_weight)
                sw = weights if sw is None else sw * weights
            yield xb, yb, sw

    def split(self, fraction):
        raise ValueError(
            "`validation_split` is not supported with a DataLoader (or any `x` that yields "
            "batches); pass `validation_data` instead"
        )

    def probe(self):
        return None  # batches arrive one by one: there is nothing to check ahead


# --- arrays from what users pass ---
def to_arrays(data, name: str = "x"):
    """One array, or a list/dict of arrays for several inputs/outputs (None stays None).

    1-D data is one feature per sample, as Keras takes it: (N,) becomes (N, 1). Float64 becomes
    float32, as Keras casts inputs to its layers' dtype.
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
        data = data._data
    array = np.asarray(data)
    if array.dtype == object:
        raise ValueError(f"{name}: could not turn the data into an array (ragged lists?)")
    if array.dtype == np.float64:  # Keras casts float inputs to the layers' float32
        array = array.astype(np.float32)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim == 0:
        raise ValueError(f"{name}: expected one or more samples, got a scalar {array!r}")
    return array


def flat(arrays, names=None) -> list:
    """One array, a list or a dict of arrays as a list; a dict in the order of `names`."""
    if arrays is None:
        return []
    if isinstance(arrays, dict):
        if names is None:
            return list(arrays.values())
        missing = [n for n in names if n not in arrays]
        if missing:
            raise KeyError(f"no data for {missing}; the keys given are {sorted(arrays)}")
        return [arrays[n] for n in names]
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


# --- the other arguments of fit / evaluate / predict, checked before anything runs ---
_COUNTS = {  # name: (smallest value, None allowed)
    "batch_size": (1, True), "epochs": (0, False), "initial_epoch": (0, False),
    "steps_per_epoch": (1, True), "validation_steps": (1, True), "steps": (1, True),
    "validation_batch_size": (1, True),
}  # fmt: skip


CHECKED = {*_COUNTS, "validation_freq", "validation_split"}  # fit's arguments checked here


def check_arguments(**arguments) -> None:
    """Counts (`batch_size`, `epochs`, `steps_per_epoch`, ...) are integers in range,
    `validation_freq` a positive int or a collection of epochs, `validation_split` a fraction
    in [0, 1): a TypeError for the wrong kind, a ValueError naming the argument and its value.
    Keras 3 checks few of these, so `batch_size=0` would fail mid-fit or run a wrong loop."""
    for name, value in arguments.items():
        if name == "validation_freq":
            freqs = [value] if isinstance(value, numbers.Number) else value
            if not isinstance(freqs, (list, tuple, set, range)) or not freqs:
                raise TypeError(
                    f"`validation_freq` must be an int or a list of epochs, got {value!r}"
                )
            for freq in freqs:
                _count(name, freq, 1, value)
        elif name == "validation_split":
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise TypeError(f"`validation_split` must be a float, got {value!r}")
            if not 0 <= value < 1:
                raise ValueError(
                    f"`validation_split` must be in [0, 1). Received: validation_split={value}"
                )
        elif value is not None or not _COUNTS[name][1]:
            _count(name, value, _COUNTS[name][0], value)


def _count(name, value, low, given) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"`{name}` must be an integer, got {given!r} ({type(given).__name__})")
    if value < low:
        raise ValueError(f"`{name}` must be an integer >= {low}. Received: {name}={given!r}")
