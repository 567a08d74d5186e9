"""keras.saving: `model.save`/`load_model` and `save_weights`/`load_weights` in Keras 3's files.

`model.save("m.keras")` writes Keras 3's zip (keras_file.py), which real Keras loads;
`save_weights("m.weights.h5")` writes Keras 3's HDF5 weights layout (weights_file.py). The
names tf.keras 2 tutorials use (`model.save("m.h5")`, `save_weights("ckpt")`) write the same
files under those names. Loading tells the formats apart by their first bytes, and also reads
the legacy HDF5 files of tf.keras 2 (legacy_h5.py); it never unpickles or evaluates anything:
classes are looked up by name.
"""

from __future__ import annotations

import os
import warnings

from ..io import files
from . import keras_file, legacy_h5, weights_file
from .layers.base import only_off
from .serialization_lib import deserialize_keras_object as deserialize_keras_object
from .serialization_lib import get_registered_name as get_registered_name
from .serialization_lib import get_registered_object as get_registered_object
from .serialization_lib import register_keras_serializable as register_keras_serializable
from .serialization_lib import serialize_keras_object as serialize_keras_object

_ZIP, _HDF5 = b"PK\x03\x04", b"\x89HDF\r\n\x1a\n"


def proceed_with_overwrite(filepath, overwrite: bool) -> bool:
    """Keras's rule for an existing file with `overwrite=False`: ask on the console."""
    if overwrite or not os.path.exists(filepath):
        return True
    answer = input(f"[WARNING] {filepath} already exists - overwrite? [y/n]").strip().lower()
    while answer not in ("y", "n"):
        answer = input('Enter "y" (overwrite) or "n" (cancel).').strip().lower()
    if answer == "n":
        return False
    print("[TIP] Next time specify overwrite=True!")
    return True


def save_weights(model, filepath, overwrite=True, max_shard_size=None) -> None:
    """Write the model's weights (and its optimizer's state) in Keras 3's `.weights.h5` layout."""
    only_off("save_weights", max_shard_size=max_shard_size)
    if not model.weights:
        raise ValueError(
            f"Model '{model.name}' has no weights yet: build it (call it on data) first"
        )
    data = weights_file.dumps(model)  # made whole before the old file is touched
    if proceed_with_overwrite(filepath, overwrite):
        files.write_atomic(os.fspath(filepath), data)


def load_weights(model, filepath, skip_mismatch=False) -> None:
    """Load weights from a `.weights.h5` file or a `.keras` file, into a model of the same
    layers; every count and shape is checked before any weight changes. With
    `skip_mismatch`, a layer whose weights do not fit keeps its own, with a warning."""
    data, where = files.read_bytes(filepath)
    if data[:4] == _ZIP:
        data = keras_file.read_archive(data, where)["weights"]
    elif data[:8] != _HDF5:
        raise ValueError(f"{where}: neither a Keras weights file (HDF5) nor a .keras file")
    elif legacy_h5.is_legacy(data, where):
        only_off("load_weights of a legacy HDF5 file", skip_mismatch=skip_mismatch)
        return legacy_h5.load_weights(model, data, where)
    weights_file.load_into(model, data, where, skip_mismatch=skip_mismatch)


def save_model(model, filepath, overwrite=True, zipped=None, include_optimizer=True,
               save_format=None) -> None:  # fmt: skip
    """Architecture, weights, compile() settings and optimizer state in one Keras 3 `.keras`
    file (real Keras's `load_model` opens it), e.g. `model.save('m.keras')`.

    `include_optimizer=False` (tf.keras 2) leaves the optimizer's state out; `save_format`
    may be 'keras' or 'h5' (both write the .keras zip), not 'tf' (a SavedModel directory).
    """
    only_off("save", zipped=zipped is False, save_format=save_format not in (None, "keras", "h5"))
    if str(filepath).endswith((".h5", ".hdf5")):
        warnings.warn(
            f"{filepath}: deepling writes Keras 3's .keras format (a zip), not the legacy HDF5 "
            "one; load_model reads it under any name, Keras once it is named .keras",
            stacklevel=3,
        )
    data = keras_file.dumps(model, include_optimizer)
    if proceed_with_overwrite(filepath, overwrite):
        files.write_atomic(os.fspath(filepath), data)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):  # noqa: A002
    """The model a `.keras` file holds (written by deepling or by Keras 3), with its weights
    and, when `compile`, its compile() settings and optimizer state. `safe_mode` is always on:
    nothing from the file is evaluated (a Lambda layer's code is never loaded)."""
    data, where = files.read_bytes(filepath)
    if data[:4] == _ZIP:
        return keras_file.loads(data, where, custom_objects, compile)
    if data[:8] == _HDF5:
        return legacy_h5.load_model(data, where, custom_objects, compile)
    raise ValueError(f"{where} is neither a .keras file (a zip) nor a legacy HDF5 model file")
