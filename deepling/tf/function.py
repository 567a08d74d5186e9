"""tf.function: deepling runs your function eagerly; it gives the same results.

TensorFlow traces a decorated function into a graph and runs that. Here the function runs as
written, every call, so it gives the same numbers (Python side effects such as `print` run on
every call rather than once per trace). The arguments that only steer tracing and compiling
(`autograph`, `jit_compile`, `reduce_retracing`, ...) are accepted for that reason; an
`input_signature` is checked as TF checks it. A later version may compile the function: it is
one small module so that it can.
"""

from __future__ import annotations

import functools

import numpy as np

from ..tensor import Tensor as _CoreTensor
from .tensor import TensorSpec, as_tf
from .variables import convert_to_tensor

_eager = {"always": False}  # tf.config.run_functions_eagerly


def function(func=None, input_signature=None, autograph=True, jit_compile=None,
             reduce_retracing=False, experimental_implements=None,
             experimental_autograph_options=None, experimental_attributes=None,
             experimental_relax_shapes=None, experimental_compile=None,
             experimental_follow_type_hints=None):  # fmt: skip
    """Make `func` a TF function: as a decorator (`@tf.function`, `@tf.function(...)`) or a call
    (`tf.function(f)`). Results are TF tensors (Python numbers and arrays returned are converted).

    Args:
        func: the Python function (or method).
        input_signature: a list of `tf.TensorSpec`, one per positional argument: each argument
            is converted to its dtype and must fit its shape.
        autograph, jit_compile, reduce_retracing, experimental_*: how TF traces and compiles;
            deepling runs the function eagerly, so they change nothing.

    Example:
        >>> import deepling.tf as tf
        >>> @tf.function
        ... def add(a, b):
        ...     return a + b
        >>> add(tf.constant(1.0), 2.0)
        <tf.Tensor: shape=(), dtype=float32, numpy=3.0>
    """
    if input_signature is not None:
        input_signature = tuple(input_signature)
        for spec in input_signature:
            if not isinstance(spec, TensorSpec):
                raise TypeError(f"input_signature must hold TensorSpecs, got {spec!r}")

    def decorate(fn):
        return Function(fn, input_signature)

    return decorate if func is None else decorate(func)


class Function:
    """A function decorated by `tf.function` (TF's PolymorphicFunction): call it as the
    function itself; `python_function` is the original."""

    def __init__(self, python_function, input_signature=None, instance=None):
        self.python_function = python_function
        self.input_signature = input_signature
        self._instance = instance
        functools.update_wrapper(self, python_function)

    def __get__(self, instance, owner=None):
        """As a method: bound to the instance, as TF binds decorated methods."""
        if instance is None:
            return self
        return Function(self.python_function, self.input_signature, instance)

    def __call__(self, *args, **kwargs):
        if self.input_signature is not None:
            args = _bind(self.input_signature, args, kwargs, self.python_function.__name__)
        if self._instance is not None:
            args = (self._instance, *args)
        return _outputs(self.python_function(*args, **kwargs))

    def __repr__(self) -> str:
        return f"<deepling.tf.function {self.python_function.__qualname__}>"


def _bind(signature, args, kwargs, name) -> tuple:
    """The positional arguments converted to their specs' dtypes, checked against their shapes."""
    if kwargs or len(args) != len(signature):
        raise TypeError(
            f"{name}: with an input_signature of {len(signature)} TensorSpecs, pass exactly "
            f"{len(signature)} positional arguments (got {len(args)} and keywords {sorted(kwargs)})"
        )
    bound = []
    for i, (arg, spec) in enumerate(zip(args, signature)):
        value = (
            convert_to_tensor(arg, dtype=spec.dtype) if not isinstance(arg, _CoreTensor) else arg
        )
        if not spec.is_compatible_with(value):
            raise TypeError(
                f"Binding inputs to tf.function `{name}` failed: argument {i} of shape "
                f"{tuple(value.shape)} and dtype {value.dtype} does not match {spec}"
            )
        bound.append(value)
    return tuple(bound)


def _outputs(result):
    """TF's results: tensors as TF tensors, Python numbers and arrays converted, in the same
    structure (lists, tuples, dicts); other objects as they are."""
    if isinstance(result, _CoreTensor):
        return as_tf(result)
    if isinstance(result, (bool, int, float, np.ndarray, np.generic)):
        return convert_to_tensor(result)
    if isinstance(result, (list, tuple)):
        items = [_outputs(r) for r in result]
        return type(result)(*items) if hasattr(result, "_fields") else type(result)(items)
    if isinstance(result, dict):
        return {k: _outputs(v) for k, v in result.items()}
    return result


def run_functions_eagerly(run_eagerly: bool) -> None:
    """TF's switch to run tf.functions as plain Python; deepling always does."""
    _eager["always"] = bool(run_eagerly)


def functions_run_eagerly() -> bool:
    """Whether `run_functions_eagerly(True)` was set (deepling runs them eagerly either way)."""
    return _eager["always"]
