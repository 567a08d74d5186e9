"""deepling.save / deepling.load: nested state dicts in the safetensors format, never pickle.

Tensors go into the file under dotted names ('model.fc.weight'); everything else (the nesting,
dict keys, lists and tuples, ints vs floats, strings, None) goes as JSON into the safetensors
metadata, so a load rebuilds the object exactly and cannot run code. Saving writes a temporary
file beside the target and renames it into place: a crash mid-save leaves the old file whole,
and the next save to that path removes the temporary the crash left behind.
safetensors itself is imported on first use, so `import deepling` stays NumPy-only.
"""

from __future__ import annotations

import contextlib
import json
import os
import re

import numpy as np

from .tensor import Tensor

_STRUCTURE = "deepling.structure"  # metadata key holding the JSON skeleton
_CHUNK = 1 << 24  # write in 16 MiB pieces


# --- object <-> (JSON skeleton, flat dict of arrays) ---
def _name(path: list, arrays: dict) -> str:
    """A dotted name for the array at `path`, made unique ('a.b' and {'a': {'b'}} may clash)."""
    base = ".".join(path) or "tensor"
    name, n = base, 0
    while name in arrays:
        n += 1
        name = f"{base}#{n}"
    return name


def _encode_array(tag: str, array, path: list, arrays: dict) -> dict:
    if array.dtype.kind not in "biuf":
        raise TypeError(f"cannot save {'.'.join(path) or tag} of dtype {array.dtype}")
    name = _name(path, arrays)
    # safetensors copies raw memory as laid out (np.ascontiguousarray would make 0-d into 1-d)
    arrays[name] = array if array.flags.c_contiguous else array.copy(order="C")
    return {tag: name}


def _encode(obj, path: list, arrays: dict):
    """The JSON skeleton of `obj`; a JSON object in it is always a tag ({'dict': ...})."""
    if isinstance(obj, Tensor):
        node = _encode_array("tensor", obj._data, path, arrays)
        return {**node, "requires_grad": True} if obj.requires_grad else node
    if isinstance(obj, np.ndarray):
        return _encode_array("ndarray", obj, path, arrays)
    if isinstance(obj, np.generic):  # before float: np.float64 is a float subclass
        return _encode_array("scalar", np.asarray(obj), path, arrays)
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, dict):
        items = []
        for key, value in obj.items():
            if not (key is None or isinstance(key, (bool, int, float, str))):
                raise TypeError(f"cannot save a dict key of type {type(key).__name__}: {key!r}")
            items.append([key, _encode(value, [*path, str(key)], arrays)])
        return {"dict": items}
    if isinstance(obj, (list, tuple)):
        values = [_encode(v, [*path, str(i)], arrays) for i, v in enumerate(obj)]
        return {"list" if isinstance(obj, list) else "tuple": values}
    where = ".".join(path) or "the object"
    hint = "; save its .state_dict() instead" if hasattr(obj, "state_dict") else ""
    raise TypeError(
        f"cannot save {where} of type {type(obj).__name__}: deepling.save stores tensors, "
        f"arrays, numbers, strings, None, and dicts/lists/tuples of them{hint}"
    )


def _decode(node, arrays: dict):
    if not isinstance(node, dict):
        return node
    if "tensor" in node:
        t = Tensor._wrap(arrays[node["tensor"]])
        return t.requires_grad_() if node.get("requires_grad") else t
    if "ndarray" in node:
        return arrays[node["ndarray"]]
    if "scalar" in node:
        return arrays[node["scalar"]][()]
    if "dict" in node:
        return {key: _decode(value, arrays) for key, value in node["dict"]}
    if "list" in node:
        return [_decode(v, arrays) for v in node["list"]]
    if "tuple" in node:
        return tuple(_decode(v, arrays) for v in node["tuple"])
    raise ValueError(f"unknown entry {node!r:.80}")


# --- files ---
def _write(out, data: bytes) -> None:
    view = memoryview(data)
    for start in range(0, len(view), _CHUNK):
        out.write(view[start : start + _CHUNK])


_TEMP_TAIL = re.compile(r"(\d+)\.[0-9a-f]{8}")  # what follows `.<target>.tmp.`: pid, random


def _write_atomic(path: str, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, then rename it over `path` (atomic).

    The temporary is `.<target>.tmp.<pid>.<random>`, so the next save to the same path finds
    what a killed save left behind (`_remove_stale_temps`) and removes it.
    """
    folder, base = os.path.split(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"cannot save to {path}: parent directory {folder} does not exist")
    _remove_stale_temps(folder, base)
    tmp = os.path.join(folder, f".{base}.tmp.{os.getpid()}.{os.urandom(4).hex()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as out:
            _write(out, data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _remove_stale_temps(folder: str, base: str) -> None:
    """Remove the temporaries of `base` whose writing process is gone (killed mid-save). Those
    of a live process are kept, so a concurrent save is never broken; and since the target
    only ever changes by an atomic rename, removing a temporary cannot tear the target."""
    prefix = f".{base}.tmp."
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        found = _TEMP_TAIL.fullmatch(name[len(prefix) :]) if name.startswith(prefix) else None
        if found and not _alive(int(found.group(1))):
            with contextlib.suppress(OSError):  # another save may have removed it first
                os.unlink(os.path.join(folder, name))


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # another thread of this process may be writing it now
    if os.name == "nt":  # os.kill would signal it; Windows refuses to unlink an open file
        return False
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists but belongs to another user
    return True


def save(obj, f) -> None:
    """Save tensors, or nested dicts/lists of them with plain values, as a safetensors file.

    Args:
        obj: e.g. `model.state_dict()` or `{'model': ..., 'optimizer': ..., 'epoch': 3}`.
        f: a path (str or os.PathLike), written atomically, or a binary file object.

    Example:
        >>> import deepling as dl, tempfile, os
        >>> path = os.path.join(tempfile.mkdtemp(), "ckpt.safetensors")
        >>> dl.save({"w": dl.ones(2), "epoch": 3}, path)
        >>> dl.load(path)["epoch"]
        3
    """
    from safetensors.numpy import save as to_bytes

    arrays: dict = {}
    skeleton = json.dumps(_encode(obj, [], arrays))
    data = to_bytes(arrays, metadata={"format": "pt", _STRUCTURE: skeleton})
    if hasattr(f, "write"):
        _write(f, data)
    else:
        _write_atomic(os.fspath(f), data)


def _read(f) -> tuple[bytes, str]:
    if hasattr(f, "read"):
        return f.read(), getattr(f, "name", repr(f))
    path = os.fspath(f)
    with open(path, "rb") as file:
        return file.read(), path


def _header(data: bytes, where: str) -> dict:
    size = int.from_bytes(data[:8], "little") if len(data) >= 8 else -1
    if size < 0 or 8 + size > len(data):
        raise ValueError(
            f"{where}: not a safetensors file, or truncated (header of {size} bytes, "
            f"file of {len(data)} bytes)"
        )
    try:
        header = json.loads(data[8 : 8 + size])
    except ValueError as e:
        raise ValueError(f"{where}: corrupt safetensors header ({e})") from None
    if not isinstance(header, dict):
        raise ValueError(f"{where}: corrupt safetensors header (not a JSON object)")
    return header


def load(f, map_location=None, *, weights_only=None, mmap=None):
    """Load what `save` wrote (or any safetensors file, as a flat dict of tensors).

    Only arrays and JSON are read, so loading never runs code; `weights_only` is accepted for
    PyTorch's spelling and is always effectively True. Tensors load on the CPU.

    Raises:
        ValueError: the file is truncated, corrupt, or not in the safetensors format.
    """
    from safetensors.numpy import load as from_bytes

    data, where = _read(f)
    header = _header(data, where)
    try:
        arrays = {k: a if a.flags.writeable else a.copy() for k, a in from_bytes(data).items()}
    except Exception as e:  # safetensors raises its own SafetensorError
        raise ValueError(f"{where}: corrupt safetensors file ({e})") from None
    skeleton = (header.get("__metadata__") or {}).get(_STRUCTURE)
    if skeleton is None:  # a safetensors file from elsewhere: its tensors, in header order
        return {k: Tensor._wrap(arrays[k]) for k in header if k != "__metadata__"}
    try:
        obj = _decode(json.loads(skeleton), arrays)
    except (KeyError, TypeError, ValueError, RecursionError) as e:
        raise ValueError(f"{where}: corrupt deepling structure in the metadata ({e!r})") from None
    if map_location is not None and not str(map_location).startswith("cpu"):
        obj = _to_device(obj, map_location)
    return obj


def _to_device(obj, device):
    if isinstance(obj, Tensor):
        return obj.to(device)
    if isinstance(obj, dict):
        return {k: _to_device(v, device) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_to_device(v, device) for v in obj)
    return obj
