"""Tensor's operators and methods. The math lives in ops/; this table binds it to Tensor."""

# --- methods and operators: the math lives in ops/, bound to Tensor here ---

from . import _backend, autograd, creation, devices
from . import ops as _ops
from .tensor import Tensor
from .tensor_repr import tensor_repr

_repr = tensor_repr  # printing, as PyTorch prints (tensor_repr.py)


def _reflected(op):
    def method(self, other):
        return op(other, self)

    method.__name__ = f"__r{op.__name__}__"
    return method


def _comparison(op):
    """`x == other` and the other comparisons: NotImplemented when `other` cannot be made a
    tensor, as PyTorch turns that TypeError into NotImplemented, so Python asks `other` next
    (`t == pytest.approx(1.0)`), then falls back to identity for == and != and raises for <."""

    def method(self, other):
        try:
            return op(self, other)
        except TypeError:
            return NotImplemented

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
    """With no argument, the type's name ('torch.FloatTensor'); else a cast."""
    if dtype is None:
        return "torch." + _TYPE_NAMES.get(str(self._data.dtype), "Tensor")
    return _ops.cast(self, dtype)


def parse_to(args, dtype=None, device=None):
    """The (dtype, device) that `.to(...)` asks for: `to(dtype)`, `to(device)`,
    `to(device, dtype)` or `to(other_tensor)`; `devices.check` decides whether the device can
    be used (the CPU only, for now) before anything changes."""
    for a in args:
        if isinstance(a, Tensor):
            dtype, device = a.dtype, a.device
        elif isinstance(a, (str, devices.device, int)) and not isinstance(a, bool) or a is None:
            device = a
        else:
            dtype = a
    return dtype, _backend.check_device(device)


def _to(self, *args, dtype=None, device=None, non_blocking=False, copy=False):
    """`.to(dtype)`, `.to(device)`, `.to(device, dtype)` or `.to(other)`: this tensor when
    nothing changes (unless `copy=True`). `non_blocking` changes nothing on the CPU."""
    dtype, _ = parse_to(args, dtype, device)
    out = self if dtype is None else _ops.cast(self, dtype)
    return _ops.clone(out) if copy and out is self else out


def _cuda(self, device=None, non_blocking=False):
    """Move to the GPU: DeviceUnavailable here (deepling runs on the CPU)."""
    _backend.check_device("cuda" if device is None else device)
    return self


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
    "__getitem__": _ops.getitem, "__eq__": _comparison(_ops.eq),
    "__ne__": _comparison(_ops.ne), "__lt__": _comparison(_ops.lt),
    "__le__": _comparison(_ops.le), "__gt__": _comparison(_ops.gt),
    "__ge__": _comparison(_ops.ge), "__and__": _ops.logical_and,
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


# --- the everyday tensor API of tutorials (ops/ holds the math) ---
_SAME_NAME_MORE = """
    allclose isclose equal topk sort argsort unique isnan isinf isfinite nan_to_num masked_fill
    masked_select tile repeat_interleave flip roll cumsum cumprod norm dist outer tril triu diag
    diagonal trace bincount nonzero argwhere any all count_nonzero sign floor ceil round trunc
    frac fmod remainder floor_divide rsqrt reciprocal log2 log10 sinh cosh tan asin acos atan
    atan2 lerp index_select scatter scatter_add take take_along_dim narrow select unbind t
    movedim moveaxis swapaxes swapdims unflatten median msort clone mv bmm det inverse
    logical_and logical_or logical_xor logical_not
""".split()
for _name in _SAME_NAME_MORE:
    setattr(Tensor, _name, getattr(_ops, _name))


def _new(maker):
    def new(self, *args, dtype=None, device=None, requires_grad=False, **kw):
        return maker(*args, dtype=dtype or self._data.dtype, device=device,
                     requires_grad=requires_grad, **kw)  # fmt: skip

    new.__name__ = f"new_{maker.__name__}"
    new.__doc__ = f"`{maker.__name__}` with this tensor's dtype unless `dtype` is given."
    return new


def _matrix_transpose(self):
    if self.ndim < 2:
        raise RuntimeError(
            "tensor.mT is only supported on matrices or batches of matrices. Got "
            f"{self.ndim}-D tensor."
        )
    return _ops.transpose(self, -2, -1)


def _hermitian(self):
    if self.ndim != 2:
        raise RuntimeError(
            f"tensor.H is only supported on matrices (2-D tensors). Got {self.ndim}-D tensor."
            + (" For batches of matrices, consider using tensor.mH" if self.ndim > 2 else "")
        )
    return _ops.transpose(self, 0, 1)  # real tensors: the conjugate is the tensor


_MORE_METHODS = {
    "repeat": _ops.layout.repeat, "cuda": _cuda,
    "where": lambda self, condition, other: _ops.where(condition, self, other),
    "new_zeros": _new(creation.zeros), "new_ones": _new(creation.ones),
    "new_empty": _new(creation.empty), "new_full": _new(creation.full),
    "new_tensor": _new(creation.tensor),
    "contiguous": lambda self, memory_format=None: self,
    "is_contiguous": lambda self, memory_format=None: bool(self._data.flags.c_contiguous),
    "is_floating_point": lambda self: self._data.dtype.kind == "f",
    "element_size": lambda self: self._data.itemsize,
    "nelement": lambda self: int(self._data.size),
    "ndimension": lambda self: self._data.ndim,
    "stride": lambda self, dim=None: (
        tuple(s // self._data.itemsize for s in self._data.strides)
        if dim is None else self._data.strides[dim] // self._data.itemsize
    ),
    "__floordiv__": _ops.floor_divide, "__rfloordiv__": _reflected(_ops.floor_divide),
    "__mod__": _ops.remainder, "__rmod__": _reflected(_ops.remainder),
}  # fmt: skip
for _name, _fn in _MORE_METHODS.items():
    setattr(Tensor, _name, _fn)
Tensor.mT = Tensor.mH = property(_matrix_transpose)
Tensor.H = property(_hermitian)
