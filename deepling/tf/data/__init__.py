"""tf.data: input pipelines (`Dataset`) built on deepling.utils.data, without TensorFlow."""

import types as _types

from .dataset import AUTOTUNE as AUTOTUNE
from .dataset import INFINITE as INFINITE_CARDINALITY
from .dataset import UNKNOWN as UNKNOWN_CARDINALITY
from .dataset import Dataset as Dataset


def _cardinality(dataset):
    """tf.data.experimental.cardinality(dataset): `dataset.cardinality()`."""
    return dataset.cardinality()


experimental = _types.SimpleNamespace(
    AUTOTUNE=AUTOTUNE,
    INFINITE_CARDINALITY=INFINITE_CARDINALITY,
    UNKNOWN_CARDINALITY=UNKNOWN_CARDINALITY,
    cardinality=_cardinality,
)
