"""tf.function: the function is compiled by deepling's step compiler (deepling.compiler).

As TensorFlow does, the first call with a new kind of arguments (tensor shapes and dtypes,
Python values) runs the Python function once, recording it, and later calls replay the record:
Python side effects such as `print` run at trace time only. A function the recorder cannot
replay (it reads a tensor's value into Python, draws random numbers outside ops, ...) runs
eagerly with a warning, so results are always the eager results. `tf.config.
run_functions_eagerly(True)` runs every tf.function as plain Python. The arguments that steer
TF's own tracer (`autograph`, `jit_compile`, `reduce_retracing`, ...) are accepted and change
nothing; an `input_signature` is checked as TF checks it.
"""

from __future__ import annotations

import functools

import numpy as np

from ..compiler.compiled import CompiledFunction
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
        autograph, jit_compile, reduce_retracing, experimental_*: how TF's own tracer works;
            accepted, they change nothing here.

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
        function = python_function if instance is None else python_function.__get__(instance)
        self._compiled = CompiledFunction(function, name=python_function.__qualname__,
                                          wrap_arrays=True)  # fmt: skip
        functools.update_wrapper(self, python_function)

    def __get__(self, instance, owner=None):
        """As a method: bound to the instance (and compiled per instance), as TF does."""
        if instance is None:
            return self
        key = f"_tf_function_{self.python_function.__name__}"
        bound = instance.__dict__.get(key) if hasattr(instance, "__dict__") else None
        if bound is None:
            bound = Function(self.python_function, self.input_signature, instance)
            if hasattr(instance, "__dict__"):
                instance.__dict__[key] = bound
        return bound

    def __call__(self, *args, **kwargs):
        if self.input_signature is not None:
            args = _bind(self.input_signature, args, kwargs, self.python_function.__name__)
        if _eager["always"]:
            function = self._compiled.fn
            return _outputs(function(*args, **kwargs))
        return _outputs(self._compiled(*args, **kwargs))

    def experimental_get_tracing_count(self) -> int:
        """How many times the Python function was traced (recorded), as TF counts."""
        return self._compiled.traces

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
    """TF's switch to run every tf.function as plain Python (for debugging)."""
    _eager["always"] = bool(run_eagerly)


def functions_run_eagerly() -> bool:
    """Whether `run_functions_eagerly(True)` was set."""
    return _eager["always"]
