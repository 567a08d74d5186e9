"""PyTorch's own file format, written and read without PyTorch, and never running code.

A `.pt` file is a zip whose top folder is named after the file: `data.pkl` (a protocol-2
pickle of the object, each tensor as `torch._utils._rebuild_tensor_v2(storage, offset, size,
stride, requires_grad, hooks)` with its storage as a persistent id), one `data/<key>` record of
raw little-endian bytes per storage (aligned to 64 bytes), and `version`, `byteorder`,
`.format_version`, `.storage_alignment`. Writing emits those pickle opcodes by name, so
`torch.load(path, weights_only=True)` reads the file. Reading goes through an unpickler that
knows only the names PyTorch's `weights_only=True` allows (tensor rebuilding, storages,
OrderedDict, plain values): any other global raises an error naming it, and nothing runs.
"""

from __future__ import annotations

import collections
import io
import os
import pickle
import zipfile

import numpy as np

from ..tensor import Tensor

_STORAGE = {  # numpy dtype -> PyTorch's legacy storage class name (what data.pkl names)
    "float32": "FloatStorage", "float64": "DoubleStorage", "float16": "HalfStorage",
    "int64": "LongStorage", "int32": "IntStorage", "int16": "ShortStorage",
    "int8": "CharStorage", "uint8": "ByteStorage", "bool": "BoolStorage",
}  # fmt: skip
_DTYPE = {name: np.dtype(dtype) for dtype, name in _STORAGE.items()}
_ALIGN = 64


# --- writing ---
class _Global:
    """A name in PyTorch (`torch._utils._rebuild_tensor_v2`), written as pickle's GLOBAL."""

    def __init__(self, module: str, name: str):
        self.module, self.name = module, name

    def __call__(self, *args):  # pickle's save_reduce insists on a callable
        raise TypeError(f"{self.module}.{self.name} is a name to write, not to call")


class _Storage:
    """One array's memory, written once as `data/<key>` and named by a persistent id."""

    def __init__(self, key: str, array: np.ndarray):
        self.key, self.array = key, array


class _Pickler(pickle._Pickler):
    """The pure-Python pickler (whose dispatch table can be extended), writing tensors as
    PyTorch writes them and collecting their storages."""

    dispatch = dict(pickle._Pickler.dispatch)

    def __init__(self, file):
        super().__init__(file, protocol=2)
        self.storages: dict = {}  # id(base array) -> _Storage
        self.names: dict = {}  # (module, name) -> _Global, one object each so pickle memoizes

    def _global(self, module, name) -> _Global:
        return self.names.setdefault((module, name), _Global(module, name))

    def save_global_name(self, obj: _Global) -> None:
        self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode())
        self.memoize(obj)

    dispatch[_Global] = save_global_name

    def persistent_id(self, obj):
        if isinstance(obj, _Storage):
            array = obj.array
            kind = self._global("torch", _STORAGE[str(array.dtype)])
            return ("storage", kind, obj.key, "cpu", array.size)
        return None

    def reducer_override(self, obj):
        if not isinstance(obj, Tensor):
            return NotImplemented
        from ..nn.module import Parameter

        hooks = collections.OrderedDict()
        if isinstance(obj, Parameter):
            data = Tensor._wrap(obj._data)
            return self._global("torch._utils", "_rebuild_parameter"), (data, obj.requires_grad, hooks)  # fmt: skip
        storage, offset, stride = self._storage_of(obj._data)
        args = (storage, offset, tuple(obj._data.shape), stride, obj.requires_grad, hooks)
        return self._global("torch._utils", "_rebuild_tensor_v2"), args

    def _storage_of(self, array: np.ndarray):
        """The storage holding `array` (shared with its views), its offset and strides, in
        elements; a layout PyTorch cannot express (negative or uneven strides) is copied."""
        base = array
        while isinstance(base.base, np.ndarray):
            base = base.base
        item = array.itemsize
        offset = array.__array_interface__["data"][0] - base.__array_interface__["data"][0]
        shareable = (
            base.dtype == array.dtype and base.flags.c_contiguous and offset % item == 0
            and all(s >= 0 and s % item == 0 for s in array.strides)
        )  # fmt: skip
        if not shareable:
            base, offset = np.ascontiguousarray(array), 0
        found = self.storages.get(id(base))
        if found is None:
            found = self.storages[id(base)] = _Storage(str(len(self.storages)), base)
        return found, offset // item, tuple(s // item for s in array.strides)


_PLAIN = (type(None), bool, int, float, str, bytes)


def _check_savable(obj, path: list) -> None:
    """Refuse, naming where it sits, anything `torch.load(weights_only=True)` would refuse, so
    no file is written that PyTorch or deepling cannot read back."""
    if isinstance(obj, _PLAIN):
        return
    where = ".".join(path) or "the object"
    if isinstance(obj, Tensor):
        if str(obj._data.dtype) not in _STORAGE:
            raise TypeError(f"cannot save {where} of dtype {obj.dtype} in PyTorch's format")
    elif isinstance(obj, dict):
        for key, value in obj.items():
            if not isinstance(key, (*_PLAIN, tuple)):
                raise TypeError(f"cannot save a dict key of type {type(key).__name__}: {key!r}")
            _check_savable(value, [*path, str(key)])
    elif isinstance(obj, (list, tuple, set)):
        for i, value in enumerate(obj):
            _check_savable(value, [*path, str(i)])
    else:
        hint = "; save its .state_dict() instead" if hasattr(obj, "state_dict") else ""
        if isinstance(obj, (np.ndarray, np.generic)):
            hint = "; wrap it in deepling.tensor(...), or save with format='safetensors'"
        raise TypeError(
            f"cannot save {where} of type {type(obj).__name__}: PyTorch's format as "
            f"torch.load(weights_only=True) reads it holds tensors, numbers, strings, None, "
            f"and dicts/lists/tuples of them{hint}"
        )


def dumps(obj, name: str = "archive") -> bytes:
    """`obj` (tensors, parameters, state dicts, nested dicts/lists/tuples of them and of plain
    values) as the bytes of a PyTorch zip file whose top folder is `name`."""
    _check_savable(obj, [])
    buffer = io.BytesIO()
    pickler = _Pickler(buffer)
    pickler.dump(obj)
    records = [("data.pkl", buffer.getvalue()), (".format_version", b"1"),
               (".storage_alignment", str(_ALIGN).encode()), ("byteorder", b"little")]  # fmt: skip
    for storage in pickler.storages.values():
        records.append((f"data/{storage.key}", storage.array.astype(storage.array.dtype.newbyteorder("<"), copy=False).tobytes()))  # fmt: skip
    records += [("version", b"3\n"), (".data/serialization_id", os.urandom(20).hex().encode())]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for record, data in records:
            _write_aligned(archive, f"{name}/{record}", data)
    return out.getvalue()


def _write_aligned(archive, name: str, data: bytes) -> None:
    """A stored record whose data starts at a multiple of 64 bytes (PyTorch aligns them so a
    file can be memory-mapped), padded with a zip extra field as PyTorch's writer does."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    start = archive.fp.tell() + 30 + len(name.encode()) + 4  # header, name, extra's own header
    pad = -start % _ALIGN
    info.extra = b"FB" + pad.to_bytes(2, "little") + b"Z" * pad
    archive.writestr(info, data)


# --- reading ---
def _rebuild_tensor(storage, offset, size, stride, requires_grad=False, hooks=None, metadata=None):
    item = storage.itemsize
    array = np.lib.stride_tricks.as_strided(
        storage[offset:], shape=tuple(size), strides=tuple(s * item for s in stride)
    )
    t = Tensor._wrap(array)
    if requires_grad:
        t.requires_grad_()
    return t


def _rebuild_parameter(data, requires_grad, hooks=None, state=None):
    from ..nn.module import Parameter

    return Parameter(data, requires_grad=requires_grad)


class _Unpickler(pickle.Unpickler):
    """PyTorch's `weights_only=True` rules: only these names may be looked up."""

    ALLOWED = {
        ("collections", "OrderedDict"): collections.OrderedDict,
        ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor,
        ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
        ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter,
        ("torch", "Size"): tuple,
        ("builtins", "set"): set,
        **{("torch", name): name for name in _DTYPE},
    }

    def __init__(self, file, archive, folder, where):
        super().__init__(file)
        self.archive, self.folder, self.where = archive, folder, where
        self.storages: dict = {}

    def find_class(self, module, name):
        found = self.ALLOWED.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(
                f"{self.where}: refusing to load the global {module}.{name}: deepling reads only "
                "tensors, storages, OrderedDicts and plain values (PyTorch's weights_only=True "
                "rules), and never runs code from a file"
            )
        return found

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) >= 3 and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"{self.where}: unknown persistent id {pid!r:.80}")
        kind, key = pid[1], str(pid[2])
        if kind not in _DTYPE:
            raise pickle.UnpicklingError(f"{self.where}: unsupported storage {kind!r}")
        if key not in self.storages:
            raw = self.archive.read(f"{self.folder}/data/{key}")
            self.storages[key] = np.frombuffer(raw, _DTYPE[kind].newbyteorder("<")).astype(_DTYPE[kind])  # fmt: skip
        return self.storages[key]


def loads(data: bytes, where: str):
    """What `torch.save` (zip format) or `dumps` wrote, through the restricted unpickler."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ValueError(
            f"{where}: not a PyTorch zip file (PyTorch's legacy pre-1.6 format is not read: load "
            "it with torch and save it again with torch.save)"
        ) from None
    pickles = [n for n in archive.namelist() if n.endswith("/data.pkl") and n.count("/") == 1]
    if not pickles:
        raise ValueError(f"{where}: a zip file without the data.pkl of a PyTorch file")
    folder = pickles[0].split("/")[0]
    with archive:
        payload = io.BytesIO(archive.read(pickles[0]))
        return _Unpickler(payload, archive, folder, where).load()
