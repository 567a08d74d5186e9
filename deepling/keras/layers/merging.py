"""Merge layers, called on a list of tensors: Concatenate, Add, Subtract, Multiply, Average,
and their lowercase functional forms (`concatenate([a, b])`)."""

from __future__ import annotations

import functools

import numpy as np

from ... import ops
from ...creation import as_tensor
from .base import Layer


def _as_list(inputs, layer) -> list:
    """A list of tensors (or of their shapes), never one tensor or one shape."""
    items = inputs if isinstance(inputs, (list, tuple)) else ()
    if not items or not all(isinstance(t, (list, tuple)) or hasattr(t, "shape") for t in items):
        raise ValueError(
            f"A `{type(layer).__name__}` layer should be called on a non-empty list of inputs. "
            f"Received: inputs={inputs!r}"
        )
    return list(inputs)


def _broadcast(a, b):
    """The elementwise result shape of two shapes (None: unknown), or None if incompatible."""
    known = [tuple(1 if d is None else d for d in s) for s in (a, b)]
    try:
        out = np.broadcast_shapes(*known)
    except ValueError:
        return None
    unknown = {len(out) - len(s) + i for s in (a, b) for i, d in enumerate(s) if d is None}
    return tuple(None if d == 1 and i in unknown else d for i, d in enumerate(out))


class _Merge(Layer):
    """Elementwise merge of inputs whose shapes broadcast (batch dims included)."""

    def build(self, input_shape):
        self.compute_output_shape(input_shape)

    supports_masking = True

    def compute_mask(self, inputs, mask=None):
        """Keras's: a step is kept where any input keeps it (None if an input has no mask)."""
        if mask is None or any(m is None for m in mask):
            return None
        return np.logical_or.reduce([np.asarray(m, bool) for m in mask])

    def compute_output_shape(self, input_shape):
        shapes = _as_list(input_shape, self)
        out = tuple(shapes[0])
        for shape in shapes[1:]:
            merged = _broadcast(out, tuple(shape))
            if merged is None:
                raise ValueError(
                    f"Inputs have incompatible shapes. Received shapes {out} and {tuple(shape)}"
                )
            out = merged
        return out

    def call(self, inputs):
        tensors = [as_tensor(t) for t in _as_list(inputs, self)]
        self.compute_output_shape([tuple(t.shape) for t in tensors])  # batch sizes too
        return functools.reduce(self._op, tensors)


class Add(_Merge):
    """Sum of the inputs: `Add()([a, b])`."""

    _op = staticmethod(ops.add)


class Subtract(_Merge):
    """`a - b` for exactly two inputs: `Subtract()([a, b])`."""

    _op = staticmethod(ops.sub)

    def compute_output_shape(self, input_shape):
        if len(_as_list(input_shape, self)) != 2:
            raise ValueError(
                f"A `Subtract` layer should be called on exactly 2 inputs. Received: "
                f"{len(input_shape)} inputs"
            )
        return super().compute_output_shape(input_shape)


class Multiply(_Merge):
    """Elementwise product of the inputs."""

    _op = staticmethod(ops.mul)


class Average(_Merge):
    """Elementwise mean of the inputs."""

    _op = staticmethod(ops.add)

    def call(self, inputs):
        return ops.div(super().call(inputs), float(len(inputs)))


class Concatenate(Layer):
    """Joins a list of inputs along `axis`; every other dim must match.

    Example:
        >>> import numpy as np
        >>> from deepling.keras.layers import Concatenate
        >>> Concatenate()([np.ones((2, 3)), np.zeros((2, 1))]).shape
        torch.Size([2, 4])
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def build(self, input_shape):
        self.compute_output_shape(input_shape)

    def compute_output_shape(self, input_shape):
        shapes = [tuple(s) for s in _as_list(input_shape, self)]
        ndim = len(shapes[0])
        axis = self.axis % ndim if -ndim <= self.axis < ndim else None
        ok = axis is not None and all(len(s) == ndim for s in shapes)
        for s in shapes[1:] if ok else []:
            pairs = [(a, b) for d, (a, b) in enumerate(zip(s, shapes[0])) if d != axis]
            ok = ok and all(a is None or b is None or a == b for a, b in pairs)
        if not ok:
            raise ValueError(
                "A `Concatenate` layer requires inputs with matching shapes except for the "
                f"concatenation axis. Received: input_shape={shapes}"
            )
        sizes = [s[axis] for s in shapes]
        out = list(shapes[0])
        out[axis] = None if None in sizes else sum(sizes)
        return tuple(out)

    def call(self, inputs):
        tensors = [as_tensor(t) for t in _as_list(inputs, self)]
        self.compute_output_shape([tuple(t.shape) for t in tensors])
        return ops.cat(tensors, axis=self.axis)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def _functional(cls):
    def merge(inputs, *args, **kwargs):
        return cls(*args, **kwargs)(inputs)

    merge.__name__ = merge.__qualname__ = cls.__name__.lower()
    merge.__doc__ = f"Functional form of `{cls.__name__}`: `{merge.__name__}([a, b])`."
    return merge


add, subtract, multiply = _functional(Add), _functional(Subtract), _functional(Multiply)
average, concatenate = _functional(Average), _functional(Concatenate)
