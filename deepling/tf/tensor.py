"""tf.Tensor: deepling's one Tensor, printed as TensorFlow prints it.

The TF face does not have a tensor type of its own: `Tensor` here is a subclass of the core's
Tensor with no slots, that only changes how a tensor prints (`<tf.Tensor: shape=(), dtype=float32,
numpy=8.0>`), what `.shape` is (a `TensorShape`), and that operators give TF tensors again and
never change a tensor in place (TF tensors are immutable). Functions of the TF face re-class the
core tensors they make (`as_tf`); every op, gradient and optimizer sees the same core Tensor.
`isinstance(t, tf.Tensor)` holds for any deepling tensor, as every tensor in TF is a tf.Tensor.
"""

from __future__ import annotations

import numpy as np

from .. import ops
from ..tensor import Tensor as _Core

_core_type = _Core


class TensorShape(tuple):
    """A tensor's shape as TF shows it: `TensorShape([2, 3])`, printed `(2, 3)`.

    A tuple of ints (None for an unknown dimension), with TF's `as_list`, `rank`, `ndims` and
    `num_elements`.

    Example:
        >>> TensorShape([2, 3])
        TensorShape([2, 3])
        >>> print(TensorShape([2]))
        (2,)
    """

    def __new__(cls, dims=()):
        if dims is None:
            raise ValueError("TensorShape(None): shapes of unknown rank are not supported")
        dims = (dims,) if isinstance(dims, (int, np.integer)) else dims
        return super().__new__(cls, (None if d is None else int(d) for d in dims))

    @property
    def rank(self) -> int:
        return len(self)

    ndims = rank

    def as_list(self) -> list:
        return list(self)

    def num_elements(self):
        """The number of elements, or None when a dimension is unknown."""
        if None in self:
            return None
        n = 1
        for d in self:
            n *= d
        return n

    def is_fully_defined(self) -> bool:
        return None not in self

    def __getitem__(self, key):
        got = super().__getitem__(key)
        return TensorShape(got) if isinstance(key, slice) else got

    def __repr__(self) -> str:
        return f"TensorShape({list(self)})"

    def __str__(self) -> str:
        if len(self) == 1:
            return f"({self[0]},)"
        return "(" + ", ".join(str(d) for d in self) + ")"


class _AnyTensor(type):
    """`isinstance(t, tf.Tensor)` is true for every deepling tensor, as in TF."""

    def __instancecheck__(cls, obj) -> bool:
        if cls.__dict__.get("_any_tensor"):  # tf.Tensor itself, not its subclasses
            return isinstance(obj, _Core)
        return type.__instancecheck__(cls, obj)


def _numpy_text(array: np.ndarray, is_repr: bool) -> str:
    """TF's text of a value: a scalar as Python shows it, an array by NumPy's repr or str."""
    if array.ndim == 0:
        text = str(array[()])
    else:
        text = repr(array) if is_repr else str(array)
    return "\n" + text if "\n" in text else text


def _shape_text(shape) -> str:
    return str(TensorShape(shape))


def _operator(op, reflected=False):
    def method(self, other):
        out = op(other, self) if reflected else op(self, other)
        return as_tf(out) if type(out) is _Core else out

    method.__name__ = op.__name__
    return method


class Tensor(_Core, metaclass=_AnyTensor):
    """A tensor made by the TF face: the core Tensor with TensorFlow's printing.

    Example:
        >>> import deepling.tf as tf
        >>> tf.constant([1, 2])
        <tf.Tensor: shape=(2,), dtype=int32, numpy=array([1, 2], dtype=int32)>
        >>> print(tf.constant(8.0))
        tf.Tensor(8.0, shape=(), dtype=float32)
    """

    __slots__ = ()
    _any_tensor = True

    @property
    def shape(self) -> TensorShape:
        return TensorShape(self._data.shape)

    def get_shape(self) -> TensorShape:
        return self.shape

    def __repr__(self) -> str:
        array = self.numpy()
        return (
            f"<tf.Tensor: shape={_shape_text(array.shape)}, dtype={array.dtype.name}, "
            f"numpy={_numpy_text(array, True)}>"
        )

    def __str__(self) -> str:
        array = self.numpy()
        return (
            f"tf.Tensor({_numpy_text(array, False)}, shape={_shape_text(array.shape)}, "
            f"dtype={array.dtype.name})"
        )

    def __setitem__(self, key, value):
        raise TypeError(f"'{type(self).__name__}' object does not support item assignment")

    # operators give TF tensors, and `x += y` makes a new tensor: TF tensors never change
    __add__, __radd__ = _operator(ops.add), _operator(ops.add, True)
    __sub__, __rsub__ = _operator(ops.sub), _operator(ops.sub, True)
    __mul__, __rmul__ = _operator(ops.mul), _operator(ops.mul, True)
    __truediv__, __rtruediv__ = _operator(ops.div), _operator(ops.div, True)
    __pow__, __rpow__ = _operator(ops.pow), _operator(ops.pow, True)
    __matmul__, __rmatmul__ = _operator(ops.matmul), _operator(ops.matmul, True)
    __eq__, __ne__ = _operator(ops.eq), _operator(ops.ne)
    __lt__, __le__ = _operator(ops.lt), _operator(ops.le)
    __gt__, __ge__ = _operator(ops.gt), _operator(ops.ge)
    __and__, __rand__ = _operator(ops.logical_and), _operator(ops.logical_and, True)
    __or__, __ror__ = _operator(ops.logical_or), _operator(ops.logical_or, True)
    __xor__, __rxor__ = _operator(ops.logical_xor), _operator(ops.logical_xor, True)
    __getitem__ = _operator(ops.getitem)
    __iadd__, __isub__, __imul__, __itruediv__ = __add__, __sub__, __mul__, __truediv__
    __hash__ = _Core.__hash__

    def __neg__(self):
        return as_tf(ops.neg(self))

    def __abs__(self):
        return as_tf(ops.abs(self))

    def __invert__(self):
        return as_tf(ops.logical_not(self))


_tf_type = Tensor


def as_tf(t):
    """`t` shown as a TF tensor: a core tensor made here is re-classed (no copy, no new
    object), and lists, tuples and dicts of tensors are done item by item. Other values
    (Variables, None, numbers) are returned as they are."""
    kind = type(t)
    if kind is _core_type:
        t.__class__ = _tf_type
        return t
    if kind is list or kind is tuple:
        return kind(as_tf(v) for v in t)
    if kind is dict:
        return {k: as_tf(v) for k, v in t.items()}
    return t


def is_tensor(x) -> bool:
    """Whether `x` is a tensor (or a Variable), as tf.is_tensor."""
    return isinstance(x, _Core)


class TensorSpec:
    """The shape and dtype a tensor must have (None entries accept any size), as
    tf.function's `input_signature` and `tf.data`'s `element_spec` describe tensors.

    Example:
        >>> import deepling.tf as tf
        >>> tf.TensorSpec(shape=[None, 3], dtype=tf.float32)
        TensorSpec(shape=(None, 3), dtype=tf.float32, name=None)
    """

    def __init__(self, shape, dtype=np.float32, name=None):
        self.shape = TensorShape(shape)
        self.dtype = np.dtype(dtype)
        self.name = name

    @classmethod
    def from_tensor(cls, tensor, name=None):
        return cls(tensor.shape, tensor.dtype, name)

    def is_compatible_with(self, value) -> bool:
        """Whether a tensor (or a spec) has this dtype and a shape these dims accept."""
        shape = tuple(value.shape)
        return (
            np.dtype(value.dtype) == self.dtype
            and len(shape) == len(self.shape)
            and all(d is None or s is None or d == s for d, s in zip(self.shape, shape))
        )

    def __eq__(self, other) -> bool:
        return isinstance(other, TensorSpec) and (self.shape, self.dtype, self.name) == (
            other.shape,
            other.dtype,
            other.name,
        )

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"TensorSpec(shape={self.shape}, dtype=tf.{self.dtype.name}, name={self.name!r})"
