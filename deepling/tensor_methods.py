"""Tensor's operators and methods. The math lives in ops/; this table binds it to Tensor."""

# --- methods and operators: the math lives in ops/, bound to Tensor here ---
import numpy as np

from . import _backend, autograd
from . import ops as _ops
from .tensor import Tensor


# --- printing, as PyTorch prints ---
def _float_format(array):
    """PyTorch's choice for floats: whole numbers as `3.`, else 4 decimals, or scientific when
    the nonzero finite magnitudes span over 1000x, pass 1e8, or (not whole) go below 1e-4."""
    vals = array[np.isfinite(array) & (array != 0)].astype(np.float64)
    mags = np.abs(vals)
    whole = bool(np.all(vals == np.ceil(vals)))
    lo, hi = (mags.min(), mags.max()) if vals.size else (1.0, 1.0)
    if hi / lo > 1000 or hi > 1e8 or (not whole and lo < 1e-4):
        spec = "{:.4e}"
    else:
        spec = "{:.0f}." if whole else "{:.4f}"
    width = max((len(spec.format(v)) for v in vals), default=1)

    def fmt(v):
        text = spec.format(v) if np.isfinite(v) else str(float(v))  # nan, inf, -inf
        return text.rjust(width)

    return fmt


def _repr(self) -> str:
    array = self._data
    formatter = {"float_kind": _float_format(array)} if array.dtype.kind == "f" else None
    text = "tensor(" + np.array2string(
        array, separator=", ", prefix="tensor(", formatter=formatter, max_line_width=80
    )
    if array.size > 1000:
        text = text.replace(", ...,", ",  ...,")  # PyTorch's summary spacing
    extras = []
    if array.dtype not in (np.float32, np.int64, np.bool_):
        extras.append(f"dtype=deepling.{array.dtype}")
    if self.grad_fn is not None:
        extras.append(f"grad_fn={self.grad_fn!r}")
    elif self.requires_grad:
        extras.append("requires_grad=True")
    line = len(text) - text.rfind("\n") + 1  # PyTorch's own count, +1 and all
    for extra in extras:  # an extra that would pass 80 columns starts a new line
        wrap = line + len(extra) + 2 > 80
        text += (",\n       " if wrap else ", ") + extra
        line = 7 + len(extra) if wrap else line + len(extra) + 2
    return text + ")"


def _reflected(op):
    def method(self, other):
        return op(other, self)

    method.__name__ = f"__r{op.__name__}__"
    return method


def _cast_to(dtype):
    def method(self):
        return _ops.cast(self, dtype)

    return method


_TYPE_NAMES = {
    "float32": "FloatTensor",
    "float64": "DoubleTensor",
    "int64": "LongTensor",
    "int32": "IntTensor",
    "bool": "BoolTensor",
    "uint8": "ByteTensor",
}


def _type(self, dtype=None):
    """With no argument, the type's name ('deepling.FloatTensor'); else a cast."""
    if dtype is None:
        return "deepling." + _TYPE_NAMES.get(str(self._data.dtype), "Tensor")
    return _ops.cast(self, dtype)


def parse_to(args, dtype=None, device=None):
    """The (dtype, device) that `.to(...)` asks for: `to(dtype)`, `to(device)`,
    `to(device, dtype)` or `to(other_tensor)`; only the CPU is available."""
    for a in args:
        if isinstance(a, Tensor):
            dtype = a.dtype
        elif isinstance(a, str) or a is None or type(a).__name__ == "device":
            device = a
        else:
            dtype = a
    _backend.check_device(device)
    return dtype, device


def _to(self, *args, dtype=None, device=None, **kwargs):
    """`.to(dtype)`, `.to(device)`, `.to(device, dtype)` or `.to(other)`; CPU only for now."""
    dtype, _ = parse_to(args, dtype, device)
    return self if dtype is None else _ops.cast(self, dtype)


# ops that are also Tensor methods of the same name: `x.exp()` is `ops.exp(x)`
_SAME_NAME = """
    add sub mul div pow neg matmul mm dot exp expm1 log log1p sqrt sin cos tanh erf abs square
    sigmoid relu softmax log_softmax clamp clip maximum minimum eq ne lt le gt ge sum mean max min amax
    amin prod var std logsumexp argmax argmin reshape view transpose permute squeeze unsqueeze
    flatten expand broadcast_to split chunk gather
""".split()
_OPERATORS = {
    "__add__": _ops.add, "__sub__": _ops.sub, "__mul__": _ops.mul, "__truediv__": _ops.div,
    "__pow__": _ops.pow, "__matmul__": _ops.matmul, "__neg__": _ops.neg, "__abs__": _ops.abs,
    "__getitem__": _ops.getitem, "__eq__": _ops.eq, "__ne__": _ops.ne, "__lt__": _ops.lt,
    "__le__": _ops.le, "__gt__": _ops.gt, "__ge__": _ops.ge, "__and__": _ops.logical_and,
    "__or__": _ops.logical_or, "__xor__": _ops.logical_xor, "__invert__": _ops.logical_not,
    "__pos__": lambda self: self,
}  # fmt: skip
# `2 * x` is `x.__rmul__(2)`
_REFLECTED = ("add", "sub", "mul", "truediv", "pow", "matmul", "and", "or", "xor")
_METHODS = {
    "float": _cast_to(_backend.float32), "double": _cast_to(_backend.float64),
    "half": _cast_to(_backend.float16), "long": _cast_to(_backend.int64),
    "int": _cast_to(_backend.int32), "bool": _cast_to(_backend.bool_),
    "type": _type, "to": _to, "__repr__": _repr, "backward": autograd.backward,
    "cpu": lambda self: self,
    "clone": lambda self: (
        _ops.add(self, 0) if self.requires_grad else Tensor._wrap(self._data.copy())
    ),
    "view_as": lambda self, other: _ops.reshape(self, other.shape),
    "reshape_as": lambda self, other: _ops.reshape(self, other.shape),
    "expand_as": lambda self, other: _ops.broadcast_to(self, other.shape),
    "type_as": lambda self, other: _ops.cast(self, other.dtype),
}  # fmt: skip
for _name in _SAME_NAME:
    setattr(Tensor, _name, getattr(_ops, _name))
for _name in _REFLECTED:
    setattr(Tensor, f"__r{_name}__", _reflected(_OPERATORS[f"__{_name}__"]))
for _name, _fn in {**_OPERATORS, **_METHODS}.items():
    setattr(Tensor, _name, _fn)
Tensor.T = property(_ops.transpose)
