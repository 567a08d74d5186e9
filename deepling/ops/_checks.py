"""The argument check most wrappers share (a tensor where a tensor is required) and the names
PyTorch's messages give dtypes."""

from __future__ import annotations

from ..tensor import Tensor


def tensor_input(x, name: str, argument: str = "input") -> None:
    """PyTorch's TypeError for `torch.sum(None)`, rather than an AttributeError (`.ndim`) from
    inside the wrapper. Costs one isinstance on the hot path."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}(): argument '{argument}' must be Tensor, not {type(x).__name__}")


# PyTorch's names of dtypes in its messages: scalar type names, and the C types of matmul's
_NAMES = {"float64": ("Double", "double"), "float32": ("Float", "float"),
          "float16": ("Half", "c10::Half"), "int64": ("Long", "long int"),
          "int32": ("Int", "int"), "int16": ("Short", "short int"),
          "int8": ("Char", "signed char"), "uint8": ("Byte", "unsigned char"),
          "bool": ("Bool", "bool")}  # fmt: skip


def dtype_name(dtype, c_type: bool = False) -> str:
    """'Float' for float32 (PyTorch's scalar type name), or 'float' with `c_type`."""
    names = _NAMES.get(dtype.name, (dtype.name, dtype.name))
    return names[1] if c_type else names[0]
