"""What `fit`, `evaluate` and `predict` receive, as one object that hands out batches.

`training_data(x, y, sample_weight, class_weight)` turns what tutorials pass into either
- `ArrayData`: NumPy arrays, tensors, (nested) Python lists, or lists/dicts of those for several
  inputs/outputs, batched by slicing an index array (one fancy index per batch); or
- `BatchStream`: a `tf.data.Dataset`, a DataLoader or any iterable of `(x, y[, sample_weight])`
  batches (a generator, a list of batches is not: a list is data).
The loop asks `Epochs` for each epoch's batches, which asks the data for `batches(batch_size,
shuffle)`; `split` holds out validation data, `probe` gives one sample for the dry run that
checks targets before training.
"""

from __future__ import annotations

import math
import numbers
import warnings

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
                "`y` argument is not supported when using a dataset, a DataLoader or any `x` "
                "that yields batches: its batches carry the targets"
            )
        return BatchStream(x, class_weight)
    return ArrayData(x, y, sample_weight, class_weight, targets=targets)


def validation(validation_data):
    """`validation_data`: (x_val, y_val), (x_val, y_val, sample_weight), or a dataset /
    DataLoader / iterable of batches."""
    if isinstance(validation_data, (list, tuple)) and len(validation_data) in (2, 3):
        return training_data(*validation_data)
    if isinstance(validation_data, (list, tuple)):
        raise ValueError("validation_data must be (x_val, y_val) or (x_val, y_val, sample_weight)")
    return training_data(validation_data)


def _is_batch_stream(x) -> bool:
    """A dataset, a DataLoader, a generator or any other iterable that is not data itself
    (arrays, tensors, lists, tuples, dicts, strings): it yields whole batches."""
    if isinstance(x, (np.ndarray, Tensor, list, tuple, dict, str, bytes)):
        return False
    if hasattr(x, "__array__") or hasattr(x, "__array_interface__"):
        return False  # array-like data (a pandas DataFrame iterates over its column names)
    return hasattr(x, "__iter__") or hasattr(x, "__next__")


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

    def check_steps(self, steps, name) -> None:
        """Any number of steps works with arrays."""

    def batches(self, batch_size: int, shuffle: bool = False, raw: bool = False):
        """(x, y, sample_weight) per batch; shuffled rows when asked (a single batch is not:
        its loss and gradient do not depend on the row order). `raw`: the batch as Keras hands
        it to a model's own step: `(x, y)`, `(x, y, sample_weight)`, or `x` alone."""
        n = self.num_samples
        if shuffle and n > batch_size:
            order = _backend.rng().permutation(n)
            index = [order[i : i + batch_size] for i in range(0, n, batch_size)]
        else:
            index = [slice(i, min(i + batch_size, n)) for i in range(0, n, batch_size)]
        for i in index:
            batch = take(self.x, i), take(self.y, i), take(self.sample_weight, i)
            yield _packed(batch) if raw else batch

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


def _packed(batch):
    """(x, y, sw) as Keras packs a batch: without the parts that are None."""
    x, y, sw = batch
    if y is None:
        return x
    return (x, y) if sw is None else (x, y, sw)


class BatchStream:
    """Batches that arrive whole from an iterable (a tf.data.Dataset, a DataLoader, a
    generator): converted one at a time. A dataset is read anew each epoch; a generator or
    iterator only once (it ends when it does)."""

    def __init__(self, batches, class_weight=None):
        self.source, self.class_weight = batches, class_weight
        count = getattr(batches, "cardinality", None)
        self.infinite = callable(count) and int(count()) == -1  # a repeated tf.data.Dataset

    def steps(self, batch_size: int) -> int | None:
        if self.infinite:
            return None
        try:
            return len(self.source)
        except TypeError:  # a generator, or a dataset after filter(): the epoch ends when it does
            return None

    def check_steps(self, steps, name) -> None:
        """An endless dataset needs a number of steps (Keras's error)."""
        if self.infinite and steps is None:
            raise ValueError(
                "When providing an infinite dataset, you must specify the number of steps to "
                f"run (`{name}`) (if you did not intend to create an infinite dataset, make sure "
                "to not call `repeat()` on the dataset)."
            )

    def batches(self, batch_size=None, shuffle=False, raw=False):
        """(x, y, sample_weight) per batch as arrays; with `raw`, each batch as it came (a
        model's own step unpacks it)."""
        for batch in self.source:
            if raw:
                yield batch
                continue
            if not isinstance(batch, (list, tuple)) or len(batch) == 1:  # inputs only (predict)
                yield to_arrays(batch[0] if isinstance(batch, (list, tuple)) else batch), None, None
                continue
            xb, yb = to_arrays(batch[0], "x"), to_arrays(batch[1], "y")
            sw = None if len(batch) < 3 or batch[2] is None else to_arrays(batch[2])[:, 0]
            if self.class_weight:
                weights = class_weights_to_samples(yb, self.class_weight)
                sw = weights if sw is None else sw * weights
            yield xb, yb, sw

    def split(self, fraction):
        raise ValueError(
            "`validation_split` is only supported for Tensors or NumPy arrays, not for a "
            "dataset, a DataLoader or any `x` that yields batches; pass `validation_data` instead"
        )

    def probe(self):
        return None  # batches arrive one by one: there is nothing to check ahead


class Epochs:
    """The batches of each epoch. Without `steps`, a new pass over the data per epoch; with
    `steps` (steps_per_epoch), that many batches from one pass that goes on across epochs and
    starts again once it is used up, as Keras 3 does (so 10 batches at steps_per_epoch=3 give
    epochs of 3, 3, 3 and 1, with a warning that the input ran out)."""

    def __init__(self, data, batch_size, shuffle, steps, raw, once=False):
        self.data, self.batch_size, self.shuffle, self.steps = data, batch_size, shuffle, steps
        self.raw, self.once = raw, once
        self.total = data.steps(batch_size)
        self._pass, self._seen = None, 0

    def next_epoch(self):
        """An iterator of this epoch's batches."""
        if self.steps is None:
            return self.data.batches(self.batch_size, self.shuffle, raw=self.raw)
        return self._continued()

    def _continued(self):
        for _ in range(self.steps):
            if self._pass is None:
                batches = self.data.batches(self.batch_size, self.shuffle, raw=self.raw)
                self._pass, self._seen = iter(batches), 0
            batch = (
                next(self._pass, None) if self.total is None or self._seen < self.total else None
            )
            if batch is None:
                self._pass = None
                if not self.once:
                    _ran_out()
                return
            self._seen += 1
            yield batch
        if self.total is not None and self._seen >= self.total:
            self._pass = None


def _ran_out() -> None:
    warnings.warn(
        "Your input ran out of data; interrupting training. Make sure that your dataset or "
        "generator can generate at least `steps_per_epoch * epochs` batches. You may need to "
        "use the `.repeat()` function when building your dataset.",
        stacklevel=4,
    )


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
