"""safetensors files: tensors under dotted names ('model.fc.weight'), and everything else (the
nesting, dict keys, lists and tuples, ints vs floats, strings, None) as JSON in the metadata,
so a load rebuilds the object exactly and cannot run code. safetensors itself is imported on
first use, so `import deepling` stays NumPy-only."""

from __future__ import annotations

import json

import numpy as np

from ..tensor import Tensor

_STRUCTURE = "deepling.structure"  # metadata key holding the JSON skeleton


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


def dumps(obj) -> bytes:
    """`obj` as the bytes of a safetensors file."""
    from safetensors.numpy import save as to_bytes

    arrays: dict = {}
    skeleton = json.dumps(_encode(obj, [], arrays))
    return to_bytes(arrays, metadata={"format": "pt", _STRUCTURE: skeleton})


def loads(data: bytes, where: str):
    """What `dumps` wrote, or any safetensors file's tensors as a flat dict, in header order."""
    from safetensors.numpy import load as from_bytes

    header = _header(data, where)
    try:
        arrays = {k: a if a.flags.writeable else a.copy() for k, a in from_bytes(data).items()}
    except Exception as e:  # safetensors raises its own SafetensorError
        raise ValueError(f"{where}: corrupt safetensors file ({e})") from None
    skeleton = (header.get("__metadata__") or {}).get(_STRUCTURE)
    if skeleton is None:  # a safetensors file from elsewhere: its tensors, in header order
        return {k: Tensor._wrap(arrays[k]) for k in header if k != "__metadata__"}
    try:
        return _decode(json.loads(skeleton), arrays)
    except (KeyError, TypeError, ValueError, RecursionError) as e:
        raise ValueError(f"{where}: corrupt deepling structure in the metadata ({e!r})") from None


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
