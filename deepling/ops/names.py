"""PyTorch's names for the backward nodes that printed tensors show (`grad_fn=<AddmmBackward0>`),
where deepling's Function has another name or PyTorch's depends on the call: one row per
Function. Others print as `<ClassName>Backward0` (SigmoidBackward0, ReluBackward0, ...), which
is already PyTorch's name."""

from __future__ import annotations

from ..tensor import Tensor
from .arith import Cast, Pow
from .crossentropy import CrossEntropy
from .index import GetItem, _is_advanced
from .linalg import Linear, Matmul
from .reduce import Extreme, Mean, Sum
from .shape import BroadcastTo, Concatenate, Permute, Reshape
from .unary import Clamp


def _matmul(fn) -> str:
    ndims = getattr(fn, "ndims", None)
    return {(2, 2): "Mm", (2, 1): "Mv", (1, 1): "Dot"}.get(ndims, "UnsafeView")


def _linear(fn) -> str:
    x, _, bias = fn.inputs or (None, None, None)
    if x is None or x.ndim != 2:
        return "View"
    return "Mm" if bias is None else "Addmm"


def _getitem(fn) -> str:
    parts = fn.key if isinstance(fn.key, tuple) else (fn.key,)
    if _is_advanced(fn.key):
        return "Index"
    if all(isinstance(k, int) for k in parts):
        return "Select"
    return "Unsqueeze" if any(k is None for k in parts) else "Slice"


def _pow(fn) -> str:
    a, b = fn.inputs or (None, None)
    if not isinstance(a, Tensor):
        return "Pow", 2
    return ("Pow", 1) if isinstance(b, Tensor) else ("Pow", 0)


def _extreme(fn) -> str:
    kind = fn.kind.capitalize()
    if fn.with_indices:
        return kind, 0
    return (kind, 1) if fn.axes is None else ("A" + fn.kind, 0)


# Function -> its name, or (name, number), from the call it records
NAMES = {
    Cast: lambda fn: "ToCopy",
    Clamp: lambda fn: ("Clamp", 1),
    CrossEntropy: lambda fn: "NllLoss",
    Matmul: _matmul,
    Linear: _linear,
    GetItem: _getitem,
    Reshape: lambda fn: "View",
    BroadcastTo: lambda fn: "Expand",
    Concatenate: lambda fn: "Cat",
    Permute: lambda fn: "Permute",
    Sum: lambda fn: ("Sum", 0 if fn.axes is None else 1),
    Mean: lambda fn: ("Mean", 0 if fn.axes is None else 1),
    Pow: _pow,
    Extreme: _extreme,
}


def _named(rule):
    def name(self) -> str:
        found = rule(self)
        base, number = found if isinstance(found, tuple) else (found, 0)
        return f"{base}Backward{number}"

    return name


for _cls, _rule in NAMES.items():
    _cls.name = _named(_rule)
