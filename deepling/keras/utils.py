"""keras.utils: to_categorical, set_random_seed and pad_sequences."""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from .preprocessing.sequence import pad_sequences as pad_sequences
from .serialization_lib import register_keras_serializable as register_keras_serializable


def to_categorical(x, num_classes: int | None = None) -> np.ndarray:
    """One-hot float32 rows from integer class labels: [0, 2] -> [[1, 0, 0], [0, 0, 1]].

    A trailing dim of size 1 is dropped first, as Keras does ((N, 1) labels give (N, C));
    `num_classes` defaults to the largest label + 1.

    Example:
        >>> to_categorical([0, 2]).tolist()
        [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """
    labels = np.asarray(x._data if isinstance(x, Tensor) else x)
    if labels.ndim > 1 and labels.shape[-1] == 1:
        labels = labels[..., 0]
    if labels.dtype.kind not in "iubf":
        raise ValueError(f"to_categorical: labels must be integers, got dtype {labels.dtype}")
    bad = (labels < 0) | (labels != np.round(labels))
    if bad.any():
        raise ValueError(
            f"to_categorical: labels must be non-negative integers, got {labels[bad].reshape(-1)[0]}"
        )
    labels = labels.astype(np.int64)
    if num_classes is None:
        if not labels.size:
            raise ValueError("to_categorical: pass num_classes for an empty array of labels")
        num_classes = int(labels.max()) + 1
    n = int(num_classes)
    if labels.size and labels.max() >= n:
        raise ValueError(
            f"to_categorical: label {labels.max()} is out of range for num_classes={n} "
            f"(labels must lie in [0, {n - 1}])"
        )
    out = np.zeros(labels.shape + (n,), dtype=np.float32)
    np.put_along_axis(out, labels[..., None], 1.0, axis=-1)
    return out


def set_random_seed(seed: int) -> None:
    """Seed deepling's one generator (and Python's and NumPy's global ones, as Keras does)."""
    import random

    from .. import _backend

    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise ValueError(f"Expected `seed` argument to be an integer. Received: seed={seed!r}")
    random.seed(seed)
    np.random.seed(seed)
    _backend.manual_seed(seed)
