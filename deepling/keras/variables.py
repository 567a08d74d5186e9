"""keras.Variable: the Keras face's weights, Parameters with Keras's name, path and updates.

Layers make theirs with `add_weight` (the path is '<layer name>/<name>'); metrics with
`add_variable`. A variable with a `constraint` has it applied by Keras optimizers after each
update.
"""

from __future__ import annotations

import numpy as np

from .. import _backend
from ..nn.module import Parameter
from ..recording import effect as _effect
from ..tensor import Tensor, mark_changed, to_array

_counts: dict = {}


class Variable(Parameter):
    """A weight: `keras.Variable(initializer, shape=None, dtype=None, trainable=True,
    name=None)`, where `initializer` is a value or an initializer (a name or a function of
    shape and dtype) with `shape`.

    `assign`, `assign_add` and `assign_sub` change it in place (nothing is recorded for
    gradients); `value` is its current value as a tensor. `autocast` and `aggregation` are
    mixed-precision and multi-device settings: deepling has one device and no mixed precision,
    so they change nothing.

    Example:
        >>> from deepling import keras
        >>> v = keras.Variable([1.0, 2.0], name="v")
        >>> v.assign_add([1.0, 1.0])
        <Variable path=v, shape=(2,), dtype=float32, value=[2. 3.]>
    """

    __slots__ = ("_name", "_path", "constraint")
    _numpy_without_detach = True  # Keras's `.numpy()` works on weights and what they compute

    def __init__(self, initializer, shape=None, dtype=None, trainable=True, autocast=True,
                 aggregation="none", synchronization="auto", name=None):  # fmt: skip
        if isinstance(initializer, str) or (callable(initializer) and shape is not None):
            from .initializers import get

            if shape is None:
                raise ValueError(
                    "When creating a Variable from an initializer, the `shape` argument should "
                    f"be specified. Received: initializer={initializer} and shape={shape}"
                )
            array = get(initializer)(tuple(shape), _backend.to_dtype(dtype) or np.float32)
        else:
            array = to_array(initializer, _backend.to_dtype(dtype))
            if shape is not None and tuple(shape) != array.shape:
                raise ValueError(
                    f"Initial value has shape {array.shape}, but `shape` is {tuple(shape)}"
                )
        super().__init__(np.asarray(array), requires_grad=bool(trainable))
        if name is not None and (not isinstance(name, str) or "/" in name):
            raise ValueError(f"Argument `name` must be a string and cannot contain '/'. Received: name={name}")  # fmt: skip
        self._name = self._path = name or _auto_name("variable")
        self.constraint = None

    @property
    def name(self) -> str:
        return self._name

    @property
    def path(self) -> str:
        """'<layer name>/<name>' for a layer's weight."""
        return self._path

    @property
    def trainable(self) -> bool:
        return self.requires_grad

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self.requires_grad = bool(value)

    @property
    def value(self) -> Tensor:
        """The current value (a tensor that later assignments do not change)."""
        return Tensor._wrap(self._data.copy())

    def _checked(self, value, op: str):
        array = value._data if isinstance(value, Tensor) else np.asarray(value)
        if array.shape != self._data.shape and not _fits(array.shape, self._data.shape):
            raise ValueError(
                f"The shape of the target variable and the shape of the target value in "
                f"`variable.{op}(value)` must match. variable.shape={tuple(self._data.shape)}, "
                f"Received: value.shape={array.shape}. Target variable: {self!r}"
            )
        return array

    @_effect
    def assign(self, value) -> Variable:
        self._data[...] = self._checked(value, "assign")
        mark_changed(self)
        return self

    @_effect
    def assign_add(self, value) -> Variable:
        self._data += self._checked(value, "assign_add")
        mark_changed(self)
        return self

    @_effect
    def assign_sub(self, value) -> Variable:
        self._data -= self._checked(value, "assign_sub")
        mark_changed(self)
        return self

    def __repr__(self) -> str:
        return (
            f"<Variable path={self._path}, shape={tuple(self._data.shape)}, "
            f"dtype={self._data.dtype}, value={self.numpy()}>"
        )


def _fits(shape, target) -> bool:
    """Whether a value of `shape` broadcasts to `target` (without growing it)."""
    try:
        return np.broadcast_shapes(shape, target) == target
    except ValueError:
        return False


def _auto_name(base: str) -> str:
    n = _counts.get(base, 0)
    _counts[base] = n + 1
    return base if n == 0 else f"{base}_{n}"


def weight(array, name: str, path: str, trainable: bool, constraint=None) -> Variable:
    """A layer's weight from its initial array (add_weight's)."""
    v = Variable(array, trainable=trainable, name=name)
    v._path, v.constraint = path, constraint
    return v
