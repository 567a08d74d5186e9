"""deepling.save / deepling.load: PyTorch's own file format by default, safetensors on request;
never a pickle that runs code.

`save` writes PyTorch's zip format (so `torch.load(path, weights_only=True)` reads it), or
safetensors for a `.safetensors` name or `format="safetensors"`. `load` tells the two apart by
their first bytes. Files are written whole or not at all (deepling/io/files.py).
"""

from __future__ import annotations

import os

from ._backend import check_device
from .io import files, safetensors_format, torch_format
from .tensor import Tensor

_FORMATS = ("pytorch", "safetensors")


def save(obj, f, format=None) -> None:  # noqa: A002 (PyTorch-style keyword)
    """Save tensors, or nested dicts/lists/tuples of them with plain values.

    Args:
        obj: e.g. `model.state_dict()` or `{'model': ..., 'optimizer': ..., 'epoch': 3}`.
        f: a path (str or os.PathLike), written atomically, or a binary file object.
        format: "pytorch" (PyTorch's zip, the default) or "safetensors" (the default for a
            `.safetensors` name).

    Example:
        >>> import deepling as dl, tempfile, os
        >>> path = os.path.join(tempfile.mkdtemp(), "ckpt.pt")
        >>> dl.save({"w": dl.ones(2), "epoch": 3}, path)
        >>> dl.load(path)["epoch"]
        3
    """
    path = None if hasattr(f, "write") else os.fspath(f)
    if format is None:
        format = "safetensors" if str(path).endswith(".safetensors") else "pytorch"  # noqa: A001
    if format not in _FORMATS:
        raise ValueError(f"format must be one of {_FORMATS}, got {format!r}")
    if format == "safetensors":
        data = safetensors_format.dumps(obj)
    else:
        name = os.path.splitext(os.path.basename(path))[0] if path else "archive"
        data = torch_format.dumps(obj, name or "archive")
    if path is None:
        files.write_chunks(f, data)
    else:
        files.write_atomic(path, data)


def load(f, map_location=None, *, weights_only=None, mmap=None):
    """Load what `save` or `torch.save` wrote, or any safetensors file (as a flat dict).

    Reading never runs code: PyTorch files go through an unpickler that allows only tensor
    rebuilding, storages, OrderedDict and plain values (PyTorch's `weights_only=True` rules),
    whatever `weights_only` says; any other global is refused by name. `mmap` changes how
    PyTorch reads, not what: it is accepted. Tensors load on the CPU; `map_location` may be
    "cpu", a device, a dict of locations, or a function of (storage, location).

    Raises:
        ValueError: the file is truncated, corrupt, or in neither format.
        pickle.UnpicklingError: the file names a global outside the allow-list.
    """
    data, where = files.read_bytes(f)
    if data[:4] == b"PK\x03\x04":
        obj = torch_format.loads(data, where)
    else:
        obj = safetensors_format.loads(data, where)
    if isinstance(map_location, (str, type(None))) or type(map_location).__name__ == "device":
        check_device(map_location)
    elif isinstance(map_location, dict):
        for target in map_location.values():
            check_device(target)
    elif callable(map_location):
        obj = _mapped(obj, map_location)
    return obj


def _mapped(obj, function):
    """PyTorch calls `map_location(storage, location)` per storage; deepling has one location."""
    if isinstance(obj, Tensor):
        result = function(obj, "cpu")
        return result if isinstance(result, Tensor) else obj
    if isinstance(obj, dict):
        return type(obj)((k, _mapped(v, function)) for k, v in obj.items())
    if isinstance(obj, (list, tuple)):
        return type(obj)(_mapped(v, function) for v in obj)
    return obj
