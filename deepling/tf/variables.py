"""tf.Variable, tf.constant and tf.convert_to_tensor over deepling's Tensor.

TensorFlow's dtype rule for Python values differs from PyTorch's in one place: Python ints
become int32 (floats are float32 in both). NumPy arrays keep their dtype in both.
"""

from __future__ import annotations

import numpy as np

from .. import _backend
from ..recording import effect as _effect
from ..tensor import Tensor as _CoreTensor
from ..tensor import mark_changed, to_array
from .tensor import Tensor


def _tf_array(value, dtype=None):
    """An array from `value` by TensorFlow's rule: Python ints -> int32, floats -> float32."""
    dtype = _backend.to_dtype(dtype)
    if isinstance(value, _CoreTensor):
        return value._data.astype(dtype) if dtype is not None else value._data
    array = to_array(value, dtype)
    if (
        dtype is None
        and array.dtype == np.int64
        and not isinstance(value, (np.ndarray, np.generic))
    ):
        array = array.astype(np.int32)
    return array


def convert_to_tensor(value, dtype=None, dtype_hint=None, name=None) -> Tensor:
    """`value` as a Tensor; a Tensor of another dtype than `dtype` is an error, as in TF.

    Example:
        >>> import deepling.tf as tf
        >>> tf.convert_to_tensor([1, 2]).dtype == tf.int32
        True
    """
    dtype = _backend.to_dtype(dtype)
    if isinstance(value, _CoreTensor):
        if dtype is not None and value._data.dtype != dtype:
            raise ValueError(
                f"Tensor conversion requested dtype {dtype} for Tensor with dtype "
                f"{value._data.dtype}: {value!r}"
            )
        return value
    array = _tf_array(value, dtype)
    if dtype is None and dtype_hint is not None and not isinstance(value, np.ndarray):
        hint = _backend.to_dtype(dtype_hint)  # a wish for Python values: int -> float, not back
        if np.can_cast(array.dtype, hint, casting="same_kind"):
            array = array.astype(hint)
    return Tensor._wrap(array)


def constant(value, dtype=None, shape=None, name="Const") -> Tensor:
    """A constant tensor from a Python value or array; a scalar fills `shape` if given.

    Example:
        >>> import deepling.tf as tf
        >>> tf.constant(0.5, shape=(2,)).numpy()
        array([0.5, 0.5], dtype=float32)
    """
    array = np.array(_tf_array(value, dtype))  # a copy: a constant never shares memory
    if shape is not None:
        shape = tuple(int(n) for n in shape)
        if array.size == int(np.prod(shape)):
            array = array.reshape(shape)
        elif array.size == 1:
            array = np.full(shape, array.reshape(()), array.dtype)
        else:
            raise TypeError(
                f"Eager execution of tf.constant with unsupported shape. Value has "
                f"{array.size} elements (shape {array.shape}), but `shape` {shape} has "
                f"{int(np.prod(shape))} elements."
            )
    return Tensor._wrap(array)


class Variable(Tensor):
    """A trainable tensor that keeps its dtype and shape and changes only through `assign`.

    A GradientTape watches it while `trainable` (it is a leaf that requires grad). The
    `assign*` methods update the data in place, record nothing, and return the variable.
    Its name takes the enclosing `tf.name_scope`s ('outer/w:0'). A `constraint` (a function
    of the value) is applied by Keras optimizers after each update, as in TF.

    Args:
        initial_value: a value, a tensor, or a function that returns one.
        trainable: watched by tapes and listed in `trainable_variables` (default True).
        validate_shape: with False, `assign` may give the variable another shape.
        caching_device: accepted for TF's graphs; deepling has one device, so it changes nothing.
        name: the name before ':0' (default 'Variable').
        dtype: the dtype (default: TF's rule for the value: Python floats are float32, ints int32).
        constraint: a function applied to the value after each optimizer update.
        shape: the expected shape; None entries accept any size.

    Example:
        >>> import deepling.tf as tf
        >>> v = tf.Variable(1.0)
        >>> v.assign_add(0.5)
        <tf.Variable 'Variable:0' shape=() dtype=float32, numpy=1.5>
    """

    __slots__ = ("_name", "_trainable", "_validate_shape", "constraint")
    _numpy_without_detach = True  # TF's `.numpy()` works on anything, here and downstream

    def __init__(self, initial_value=None, trainable=None, validate_shape=True,
                 caching_device=None, name=None, variable_def=None, dtype=None,
                 import_scope=None, constraint=None, synchronization=None, aggregation=None,
                 shape=None, experimental_enable_variable_lifting=True):  # fmt: skip
        _graph_only(variable_def=variable_def, import_scope=import_scope,
                    synchronization=synchronization, aggregation=aggregation)  # fmt: skip
        if initial_value is None:
            raise ValueError("initial_value must be specified.")
        if callable(initial_value):
            initial_value = initial_value()
        if constraint is not None and not callable(constraint):
            raise ValueError("The `constraint` argument must be a callable.")
        self._data = np.array(_tf_array(initial_value, dtype))  # own copy of the value
        if shape is not None and not _compatible(shape, self._data.shape):
            raise ValueError(
                f"Shape mismatch: initial_value has shape {self._data.shape}, `shape` is "
                f"{tuple(shape)}"
            )
        self._grad = self.grad_fn = self._changed = None
        self._trainable = True if trainable is None else bool(trainable)
        # TF accepts trainable integer variables; the tape simply never watches them
        self.requires_grad = self._trainable and _backend.is_floating(self._data.dtype)
        self._name = scoped_name("Variable" if name is None else str(name))
        self._validate_shape = bool(validate_shape) and (shape is None or None not in shape)
        self.constraint = constraint

    @property
    def name(self) -> str:
        return f"{self._name}:0"

    @property
    def trainable(self) -> bool:
        return self._trainable

    @property
    def dtype(self):
        return self._data.dtype

    def numpy(self) -> np.ndarray:
        """A copy of the value: a later `assign` must not change what was read (TF)."""
        return np.array(self._data)

    def value(self) -> Tensor:
        """The current value, as a tensor that later assignments do not change."""
        return Tensor._wrap(self._data.copy())

    read_value = value

    def _checked(self, value, op):
        """`value` as an array of this variable's shape and a dtype it can take (TF's rules)."""
        array = value._data if isinstance(value, _CoreTensor) else np.asarray(_tf_array(value))
        if array.shape != self._data.shape and (self._validate_shape or op != "assign"):
            raise ValueError(
                f"Cannot {op} to variable '{self.name}': shape mismatch. The variable shape "
                f"{self._data.shape} and the value shape {array.shape} are incompatible."
            )
        if array.dtype != self._data.dtype and not np.can_cast(
            array.dtype, self._data.dtype, casting="same_kind"
        ):
            raise TypeError(
                f"Cannot {op} a value of dtype {array.dtype} to variable '{self.name}' of "
                f"dtype {self._data.dtype}."
            )
        return array

    # `use_locking` and `name` matter only in TF's graphs; eager updates are already atomic
    @_effect
    def assign(self, value, use_locking=False, name=None, read_value=True) -> Variable:
        """Set the value in place (no gradient is recorded); returns the variable, or None with
        `read_value=False`. With `validate_shape=False` the shape may change."""
        array = self._checked(value, "assign")
        if array.shape != self._data.shape:
            self._data = np.array(array, dtype=self._data.dtype)
        else:
            self._data[...] = array
        mark_changed(self)
        return self if read_value else None

    @_effect
    def assign_add(self, delta, use_locking=False, name=None, read_value=True) -> Variable:
        """Add `delta` in place: `v.assign_add(d)` is TF's `v += d`."""
        self._data += self._checked(delta, "assign_add")  # in place: NumPy casts same_kind
        mark_changed(self)
        return self if read_value else None

    @_effect
    def assign_sub(self, delta, use_locking=False, name=None, read_value=True) -> Variable:
        """Subtract `delta` in place: `w.assign_sub(lr * dw)` is one gradient-descent step."""
        self._data -= self._checked(delta, "assign_sub")
        mark_changed(self)
        return self if read_value else None

    def _no_inplace_operator(self, other):
        raise RuntimeError(
            "`variable += value` with `tf.Variable`s is not supported. Use "
            "`variable.assign_add(value)` to modify the variable, or `out = variable + value` "
            "if you need to get a new output Tensor."
        )

    __iadd__ = __isub__ = __imul__ = __itruediv__ = _no_inplace_operator

    def __setitem__(self, key, value):
        raise TypeError("'ResourceVariable' object does not support item assignment")

    def __repr__(self) -> str:
        value = self.numpy()
        text = str(value[()]) if value.ndim == 0 else repr(value)
        if "\n" in text:
            text = "\n" + text
        return (
            f"<tf.Variable '{self.name}' shape={tuple(value.shape)} dtype={value.dtype}, "
            f"numpy={text}>"
        )

    __str__ = __repr__


def _graph_only(**arguments) -> None:
    """TF's graph-era and distribution arguments: an error when given (none acts eagerly)."""
    given = sorted(k for k, v in arguments.items() if v is not None)
    if given:
        raise NotImplementedError(
            f"tf.Variable: {', '.join(given)} (graph or distribution settings) are not supported"
        )


def _compatible(shape, actual) -> bool:
    shape = tuple(shape)
    return len(shape) == len(actual) and all(d is None or d == a for d, a in zip(shape, actual))


# --- tf.name_scope: the prefix of variables' names ---
_scopes: list = []


def scoped_name(name: str) -> str:
    """`name` under the open name scopes: 'outer/inner/name'."""
    return "/".join([*_scopes, name]) if _scopes else name


class name_scope:  # noqa: N801 (TF's name)
    """`with tf.name_scope("layer1"):` prefixes the names of Variables made inside.

    Example:
        >>> import deepling.tf as tf
        >>> with tf.name_scope("dense"):
        ...     print(tf.Variable(1.0, name="w").name)
        dense/w:0
    """

    def __init__(self, name):
        self._name = str(name).rstrip("/")

    @property
    def name(self) -> str:
        return self._name

    def __enter__(self) -> str:
        _scopes.append(self._name)
        return "/".join(_scopes) + "/"

    def __exit__(self, *exc) -> bool:
        _scopes.pop()
        return False


# --- filled tensors and ranges ---
def zeros(shape, dtype=_backend.float32, name=None) -> Tensor:
    """A tensor of zeros; float32 unless `dtype` says otherwise."""
    return Tensor._wrap(np.zeros(_shape(shape), _backend.to_dtype(dtype)))


def ones(shape, dtype=_backend.float32, name=None) -> Tensor:
    """A tensor of ones; float32 unless `dtype` says otherwise."""
    return Tensor._wrap(np.ones(_shape(shape), _backend.to_dtype(dtype)))


def zeros_like(input, dtype=None, name=None) -> Tensor:
    """Zeros with the shape and (unless given) the dtype of `input`."""
    array = _tf_array(input)
    return Tensor._wrap(np.zeros(array.shape, _backend.to_dtype(dtype) or array.dtype))


def ones_like(input, dtype=None, name=None) -> Tensor:
    """Ones with the shape and (unless given) the dtype of `input`."""
    array = _tf_array(input)
    return Tensor._wrap(np.ones(array.shape, _backend.to_dtype(dtype) or array.dtype))


def range(start, limit=None, delta=1, dtype=None, name="range") -> Tensor:
    """start, start + delta, ... up to (not including) `limit`; int32 for ints, else float32."""
    if limit is None:
        start, limit = 0, start
    values = np.arange(start, limit, delta)
    return Tensor._wrap(_tf_array(values.tolist(), dtype).reshape(values.shape))


def _shape(shape):
    return (int(shape),) if np.ndim(shape) == 0 else tuple(int(n) for n in np.asarray(shape))
