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
        data = data.numpy()
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


def prepare(x, y, sample_weight=None, class_weight=None):
    """Arrays for (x, y, sample_weight), sizes checked, class weights folded into the weights."""
    x, y = to_arrays(x, "x"), to_arrays(y, "y")
    if y is None:
        raise ValueError("Target data is missing: the compiled loss needs `y`.")
    sw = None if sample_weight is None else np.asarray(sample_weight, np.float32).reshape(-1)
    num_samples(x, y, sw)
    if class_weight:
        weights = class_weights_to_samples(y, class_weight)
        sw = weights if sw is None else sw * weights
    return x, y, sw


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
    """Index arrays (or slices, when not shuffled) covering 0..n-1 in batches.

    A single batch is not shuffled: its loss and gradient don't depend on the row order.
    """
    if shuffle and n > batch_size:
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


# --- compile() specs and DataLoaders ---
def build_heads(spec, ys, outs, names, resolve_loss, get_metric) -> list:
    """Per output: its name, loss, loss weight and metrics (flagged when sample-weighted)."""
    if len(ys) != len(outs):
        raise ValueError(f"the model has {len(outs)} outputs but {len(ys)} targets were given")
    heads = []
    for i, (name, yi, out) in enumerate(zip(names, ys, outs)):
        loss = resolve_loss(pick(spec["loss"], i, name))
        weight = 1.0 if spec["loss_weights"] is None else pick(spec["loss_weights"], i, name)
        metrics = [
            (get_metric(m, yi, out.data), False) for m in metric_ids(spec["metrics"], i, name)
        ]
        metrics += [(get_metric(m, yi, out.data), True)
                    for m in metric_ids(spec["weighted_metrics"], i, name)]  # fmt: skip
        if len(outs) > 1:  # Keras 2 names them '<output>_<metric>'
            for m, _ in metrics:
                m.name = f"{name}_{m.name}"
        heads.append((name, loss, float(weight), metrics))
    return heads


def entries(spec) -> list:
    """The leaves of a loss/metrics spec: one value, a list (of lists) or a dict."""
    if spec is None:
        return []
    if isinstance(spec, dict):
        return [e for v in spec.values() for e in entries(v)]
    if isinstance(spec, (list, tuple)):
        return [e for v in spec for e in entries(v)]
    return [spec]


def pick(spec, index, name):
    """One output's entry from a single value, a list (by position) or a dict (by name)."""
    if isinstance(spec, dict):
        if name not in spec:
            raise KeyError(f"no entry for output '{name}' in {sorted(spec)}")
        return spec[name]
    return spec[index] if isinstance(spec, (list, tuple)) else spec


def metric_ids(spec, index, name) -> list:
    """Metrics for one output: a flat list applies to every output, a list of lists or a dict
    gives each output its own."""
    if isinstance(spec, dict):
        found = spec.get(name, [])
        return list(found) if isinstance(found, (list, tuple)) else [found]
    if not isinstance(spec, (list, tuple)):
        return [spec]
    if spec and isinstance(spec[0], (list, tuple)):
        return list(spec[index])
    return list(spec)


def validation_tuple(validation_data):
    if validation_data is None:
        return None
    if is_loader(validation_data):
        return (validation_data,)
    if not isinstance(validation_data, (list, tuple)) or len(validation_data) not in (2, 3):
        raise ValueError("validation_data must be (x_val, y_val) or (x_val, y_val, sample_weight)")
    return tuple(validation_data)


def loader_batches(loader, class_weight):
    def epoch_batches():
        for batch in loader:
            xb, yb = to_arrays(batch[0], "x"), to_arrays(batch[1], "y")
            sw = to_arrays(batch[2])[:, 0] if len(batch) > 2 else None
            if class_weight:
                weights = class_weights_to_samples(yb, class_weight)
                sw = weights if sw is None else sw * weights
            yield xb, yb, sw

    return epoch_batches


def is_loader(x) -> bool:
    return hasattr(x, "__iter__") and hasattr(x, "dataset") and hasattr(x, "batch_size")


# --- small helpers of the loop ---
def overrides(callback, base: type, hook: str) -> bool:
    """Whether `callback` does something in `hook` (so the loop must call it every batch)."""
    return hook in vars(callback) or getattr(type(callback), hook) is not getattr(base, hook)


def add(sums: dict, loss: float, parts: dict, count: int) -> int:
    """Add a batch's loss and per-output losses, weighted by its size; return the size."""
    sums["loss"] = sums.get("loss", 0.0) + loss * count
    for k, v in parts.items():
        sums[k] = sums.get(k, 0.0) + v * count
    return count


def due(epoch: int, freq) -> bool:
    return (epoch + 1) % freq == 0 if isinstance(freq, int) else (epoch + 1) in freq


def as_list(outputs) -> list:
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


def scalar(value):
    return float(value) if np.ndim(value) == 0 else value


def result(logs: dict, return_dict: bool):
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


# compile() arguments Keras 2 accepts and deepling ignores (graph/distribution settings)
COMPILE_IGNORED = {"run_eagerly", "steps_per_execution", "jit_compile", "sample_weight_mode",
                   "target_tensors", "distribute", "experimental_run_tf_function", "cloning",
                   "auto_scale_loss", "pss_evaluation_shards"}  # fmt: skip
