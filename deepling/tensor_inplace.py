"""Tensor's in-place methods (`add_`, `zero_`, `normal_`, `masked_fill_`, `x += y`, `x[k] = v`),
bound to Tensor here as tensor_methods.py binds the others.

Each writes the tensor's own array and calls `mark_changed`, so a backward that saved the old
values raises instead of using the new ones. As in PyTorch, a leaf that requires grad can be
changed in place only under no_grad (optimizers, `w -= lr * w.grad`, `w.data.normal_()`), and
a result that cannot be cast to the tensor's dtype (`int_tensor.add_(0.5)`) is an error.
In-place ops are not recorded in the graph: one on a tensor in a graph, or with an operand
that requires grad, is an error that says to write it out of place. `x[key] = v` is the
exception, as common in tutorials as it is in PyTorch: it is recorded (ops.index.CopySlices).
"""

from __future__ import annotations

import sys

import numpy as np

from . import _backend
from . import ops as _ops
from .autograd.function import record_in_place
from .grad_mode import no_grad
from .grad_mode import state as _grad_state
from .ops._checks import dtype_name
from .ops.index import CopySlices
from .tensor import Tensor, mark_changed


def _check_inplace(self, operands=()) -> None:
    """PyTorch's error for an in-place change that autograd would need to see."""
    if not _grad_state.enabled:
        return
    if self.requires_grad:
        raise RuntimeError(
            "a leaf Variable that requires grad is being used in an in-place operation."
            if self.grad_fn is None
            else "in-place operations on tensors in the graph are not supported; "
            "write `y = y + x` instead of `y += x`"
        )
    for x in operands:
        if isinstance(x, Tensor) and x.requires_grad:
            raise RuntimeError(
                "in-place operations are not recorded for autograd: an operand requires grad. "
                "Write it out of place (`y = y.add(x)`) or under torch.no_grad()."
            )


def _write(self, value, cast: bool = False) -> Tensor:
    """Write `value` into self's array (broadcast to its shape) and mark the change. Unless
    `cast` (copy_, fill_), the value's dtype must cast to self's within its kind (PyTorch)."""
    array = value._data if isinstance(value, Tensor) else value
    dtype = getattr(array, "dtype", None)
    target = self._data
    if not cast and dtype is not None and dtype != target.dtype:
        if not np.can_cast(dtype, target.dtype, "same_kind"):
            raise RuntimeError(
                f"result type {dtype_name(dtype)} can't be cast to the desired output type "
                f"{dtype_name(target.dtype)}"
            )
    shape = getattr(array, "shape", ())
    if shape != target.shape and np.broadcast_shapes(shape, target.shape) != target.shape:
        raise RuntimeError(
            f"output with shape {list(target.shape)} doesn't match the broadcast shape "
            f"{list(np.broadcast_shapes(shape, target.shape))}"
        )
    target[...] = array
    mark_changed(self)
    return self


def _from_op(op, name):
    """`x.name_(...)`: `op(x, ...)` computed out of place, written back into x."""

    def method(self, *args, **kwargs):
        _check_inplace(self, (*args, *kwargs.values()))
        with no_grad():
            result = op(self.detach(), *args, **kwargs)
        return _write(self, result)

    method.__name__ = name + "_"
    method.__doc__ = f"In place: `x.{name}_(...)` writes `x.{name}(...)` into x."
    return method


def _add(x, other, alpha=1):
    return _ops.add(x, other if alpha == 1 else _ops.mul(other, alpha))


def _sub(x, other, alpha=1):
    return _ops.sub(x, other if alpha == 1 else _ops.mul(other, alpha))


_FROM_OPS = {
    "add": _add, "sub": _sub, "mul": _ops.mul, "div": _ops.div, "pow": _ops.pow,
    "clamp": _ops.clamp, "clip": _ops.clamp, "exp": _ops.exp, "log": _ops.log,
    "sqrt": _ops.sqrt, "abs": _ops.abs, "neg": _ops.neg, "sigmoid": _ops.sigmoid,
    "tanh": _ops.tanh, "relu": _ops.relu, "floor": _ops.floor, "ceil": _ops.ceil,
    "round": _ops.round, "trunc": _ops.trunc, "sign": _ops.sign, "reciprocal": _ops.reciprocal,
    "square": _ops.square, "masked_fill": _ops.masked_fill, "scatter": _ops.scatter,
    "scatter_add": _ops.scatter_add, "lerp": _ops.lerp, "fmod": _ops.fmod,
    "remainder": _ops.remainder, "nan_to_num": _ops.nan_to_num,
}  # fmt: skip


# --- filling and copying (any dtype casts, as PyTorch's copy_ and fill_) ---
def zero_(self) -> Tensor:
    """Fill with zeros."""
    _check_inplace(self)
    return _write(self, np.zeros((), self._data.dtype))


def fill_(self, value) -> Tensor:
    """Fill with `value` (a number or a 0-d tensor)."""
    _check_inplace(self, (value,))
    if isinstance(value, Tensor) and value.ndim:
        raise RuntimeError(
            "fill_ only supports 0-dimension value tensor but got tensor with "
            f"{value.ndim} dimensions."
        )
    return _write(self, value, cast=True)


def copy_(self, src, non_blocking: bool = False) -> Tensor:
    """Copy `src`'s values (broadcast to this shape, cast to this dtype). `non_blocking`
    changes nothing on the CPU."""
    _check_inplace(self, (src,))
    return _write(self, src if isinstance(src, Tensor) else np.asarray(src), cast=True)


def fill_diagonal_(self, fill_value, wrap: bool = False) -> Tensor:
    """Fill the main diagonal (of a matrix, or of all dims of equal length)."""
    _check_inplace(self)
    if self.ndim < 2 or (self.ndim > 2 and len(set(self.shape)) != 1):
        raise RuntimeError("all dimensions of input must be of equal length")
    np.fill_diagonal(self._data, fill_value, wrap=wrap)
    mark_changed(self)
    return self


# --- random draws in place, from the one generator (or `generator=`) ---
def _draw(self, generator, draw):
    _check_inplace(self)
    rng = _backend.rng() if generator is None else generator.rng()
    return _write(self, draw(rng, self._data.shape).astype(self._data.dtype), cast=True)


def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator=None) -> Tensor:
    """Fill with draws from N(mean, std**2): `w.data.normal_(0, 0.01)`."""
    return _draw(self, generator, lambda rng, shape: rng.normal(mean, std, shape))


def uniform_(self, *bounds, generator=None, **names) -> Tensor:
    """Fill with draws from U[from, to) (default [0, 1)): `uniform_(-0.1, 0.1)`."""
    low = names.pop("from", bounds[0] if bounds else 0.0)
    high = names.pop("to", bounds[1] if len(bounds) > 1 else 1.0)
    if names or len(bounds) > 2:
        raise TypeError("uniform_() takes `from`, `to` and `generator` only")
    return _draw(self, generator, lambda rng, shape: rng.uniform(low, high, shape))


def bernoulli_(self, p=0.5, *, generator=None) -> Tensor:
    """Fill with 1 with probability p (a number or a tensor of probabilities), else 0."""
    p = p._data if isinstance(p, Tensor) else p
    return _draw(self, generator, lambda rng, shape: rng.random(shape) < p)


def exponential_(self, lambd: float = 1.0, *, generator=None) -> Tensor:
    """Fill with draws from the exponential distribution of rate `lambd`."""
    return _draw(self, generator, lambda rng, shape: rng.exponential(1 / lambd, shape))


# --- x += y and x[key] = value ---
def _iop(self, op, other):
    """`x += y`: in place when nothing is recorded, else out of place (Python rebinds x),
    also when only `y` needs a gradient: writing into x's array would drop the graph."""
    if _grad_state.enabled and (
        self.requires_grad or (isinstance(other, Tensor) and other.requires_grad)
    ):
        if self.requires_grad and self.grad_fn is None:
            _check_inplace(self)
        return op(self, other)
    return _write(self, op(self.detach(), other))


# Named functions, not lambdas: the tracer names the method the user called from the stack.
def __iadd__(self, other):  # noqa: N807
    return _iop(self, Tensor.__add__, other)


def __isub__(self, other):  # noqa: N807
    return _iop(self, Tensor.__sub__, other)


def __imul__(self, other):  # noqa: N807
    return _iop(self, Tensor.__mul__, other)


def __itruediv__(self, other):  # noqa: N807
    return _iop(self, Tensor.__truediv__, other)


def _setitem(self, key, value) -> None:
    """`x[key] = v`: written into x's array; recorded (`_record_setitem`) when x is in the graph
    or v requires grad, as PyTorch does, so gradients reach v and x's earlier values."""
    if isinstance(key, Tensor):
        key = key._data
    elif isinstance(key, tuple):
        key = tuple(k._data if isinstance(k, Tensor) else k for k in key)
    if self.requires_grad and self.grad_fn is None:
        _check_inplace(self)  # a leaf that requires grad: PyTorch's error outside no_grad
    # an integer x takes v's values outside the graph, as in PyTorch
    v_needs = isinstance(value, Tensor) and value.requires_grad and self._data.dtype.kind == "f"
    if _grad_state.enabled and (self.requires_grad or v_needs):
        return _record_setitem(self, key, value)
    self._data[key] = value._data if isinstance(value, Tensor) else value
    mark_changed(self)


def _record_setitem(self, key, value) -> None:
    """`x[key] = v` as the op CopySlices(x_before, v) whose output is x itself. x's earlier self
    becomes a tensor of its own (same array, same grad_fn) that the op takes as input."""
    # Views and detached copies share the change counter; a view's grad_fn, or the grad_fn of
    # the tensor x is a view of, cannot be rebound here, so a counter shared with a live tensor
    # (more references than x's slot and getrefcount's argument) means refusing.
    if self._changed is not None and sys.getrefcount(self._changed) > 2:
        raise RuntimeError(
            "x[key] = v cannot be recorded for autograd: x shares its memory with another "
            "tensor (a view such as x[0] or x.view(...), or the tensor x is a view of), whose "
            "gradient would miss the change. Write it out of place: torch.where(mask, v, x), "
            "x.scatter(...), or `x = x.clone(); x[key] = v`, or collect the rows in a list "
            "and torch.stack them."
        )
    before = Tensor._wrap(self._data, self.requires_grad)
    before.grad_fn = self.grad_fn
    mask = _backend.array_module(self._data).zeros(self._data.shape, bool)
    mask[key] = True
    self._data[key] = value._data if isinstance(value, Tensor) else value
    mark_changed(self)
    # its own counter, at this change: an op that saved x's old values raises in backward
    before._changed = [self._changed[0]]
    fn = CopySlices(key, mask, value.ndim if isinstance(value, Tensor) else 0)
    record_in_place(fn, self, (before, value))


_METHODS = {
    "zero_": zero_, "fill_": fill_, "copy_": copy_, "fill_diagonal_": fill_diagonal_,
    "normal_": normal_, "uniform_": uniform_, "bernoulli_": bernoulli_,
    "exponential_": exponential_, "__setitem__": _setitem,
    "__iadd__": __iadd__, "__isub__": __isub__, "__imul__": __imul__,
    "__itruediv__": __itruediv__,
}  # fmt: skip
for _name, _op in _FROM_OPS.items():
    setattr(Tensor, _name + "_", _from_op(_op, _name))
for _name, _fn in _METHODS.items():
    _fn.__name__ = _fn.__qualname__ = _name  # as the user calls it, in tracebacks and traces
    setattr(Tensor, _name, _fn)
