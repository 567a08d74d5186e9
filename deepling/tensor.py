"""Tensor: one array, its gradient, and the Function that made it. Operators call ops/."""

from __future__ import annotations

import itertools
import weakref

import numpy as np

from . import _backend, devices, dtypes


class _Clock:
    """The graph's clock: each recorded Function and each in-place change takes the next tick,
    so a Function's inputs are always older than it, and a change newer than a Function is
    detectable. `next()` on a count is atomic in CPython, so threads never share a tick."""

    def __init__(self):
        self.ticks = itertools.count(1)
        self.last_change = 0  # the newest in-place change anywhere: the walk's fast path


clock = _Clock()


class Size(tuple):
    """A tensor's shape: a tuple printed as PyTorch prints it, `torch.Size([7, 1])`."""

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"

    def numel(self) -> int:
        n = 1
        for d in self:
            n *= d
        return n


def to_array(data, dtype=None):
    """An array from `data`: Python floats become float32, Python ints int64, arrays keep theirs."""
    dtype = _backend.to_dtype(dtype)
    if isinstance(data, Tensor):
        data = data._data
    xp = _backend.array_module(data)
    if isinstance(data, (xp.ndarray, np.generic)):
        return xp.array(data, dtype=dtype)
    array = np.array(data, dtype=dtype)
    if dtype is None:  # infer from Python values as PyTorch does, not as NumPy does
        if array.dtype == np.float64:
            array = array.astype(_backend.default_float)
        elif array.dtype.kind in "iu":
            array = array.astype(np.int64)
        elif array.dtype == object:
            raise TypeError(f"cannot make a tensor from {type(data).__name__}: {data!r:.60}")
    return array


class Tensor:
    """An n-dimensional array that can record the operations applied to it for autograd.

    `Tensor(data)` makes float32 like `torch.Tensor`; prefer `deepling.tensor(data)`, which
    infers the dtype (float32 for Python floats, int64 for Python ints, NumPy's own dtype).
    """

    # `_grad` behind the checked `.grad`; `_changed`: None, or a one-item list holding the tick of
    # this storage's last in-place change, shared with its views and detached copies (PyTorch's
    # version counter)
    __slots__ = ("_data", "_grad", "requires_grad", "grad_fn", "_changed", "__weakref__")
    __array_priority__ = 1000  # `ndarray + Tensor` defers to Tensor.__radd__
    _numpy_without_detach = False  # True for TF's variables and Keras's weights: see numpy()

    def __init__(self, data=(), requires_grad: bool = False):
        self._data = to_array(data, _backend.default_float)
        self._grad = self.grad_fn = self._changed = None
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    @classmethod
    def _wrap(cls, array, requires_grad=False):
        """Fast path for internal use: wrap an array without copying or checking."""
        t = object.__new__(cls)
        if not isinstance(array, np.ndarray) and _backend.cupy is None:
            array = np.asarray(array)  # NumPy returns scalars from 0-d ops
        t._data = array
        t._grad = t.grad_fn = t._changed = None
        t.requires_grad = requires_grad
        return t

    @property
    def data(self) -> Tensor:
        """This tensor's values as a Tensor that shares its memory, outside the graph (as
        PyTorch's `.data`: it does not require grad, and in-place changes made through it are
        not seen by autograd). `w.data = t` makes `w` hold `t`'s values. The array itself is
        `_data`, the core's name for it."""
        return Tensor._wrap(self._data)

    @data.setter
    def data(self, value) -> None:
        if not isinstance(value, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(value).__name__}")
        self._data = value._data

    @property
    def grad(self):
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        """PyTorch's checks at assignment: a Tensor of this tensor's shape and dtype, or None."""
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"assigned grad expected to be a Tensor or None but got grad of type "
                    f"{type(value).__name__}"
                )
            if value._data.shape != self._data.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value._data.shape)}' to a "
                    f"tensor of size '{list(self._data.shape)}'. Please ensure that the gradient "
                    "and the tensor are the same size"
                )
            if value._data.dtype != self._data.dtype:
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{value._data.dtype}' to a "
                    f"tensor with dtype '{self._data.dtype}'. The gradient must match the "
                    "tensor's dtype"
                )
        self._grad = value

    # --- metadata ---
    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim: int | None = None):
        return Size(self._data.shape) if dim is None else self._data.shape[dim]

    @property
    def dtype(self) -> dtypes.dtype:
        """PyTorch's dtype object (`torch.float32`), which NumPy takes as its own dtype."""
        return dtypes.of(self._data.dtype)

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    def numel(self) -> int:
        return int(self._data.size)

    @property
    def device(self) -> devices.device:
        """Where the tensor lives: `device(type='cpu')` (the GPU backend is not built yet)."""
        if _backend.array_module(self._data) is np:
            return devices.CPU
        return devices.device("cuda", self._data.device.id)

    @property
    def is_cuda(self) -> bool:
        return self.device.type == "cuda"

    @property
    def is_cpu(self) -> bool:
        return self.device.type == "cpu"

    def get_device(self) -> int:
        """The GPU's index, or -1 on the CPU (PyTorch's answer)."""
        index = self.device.index
        return -1 if index is None else index

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    # --- conversions to Python and NumPy ---
    def item(self):
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar"
            )
        return self._data.item()

    def tolist(self):
        return self._data.tolist()

    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The array itself (shared memory), as PyTorch's: a tensor that requires grad must be
        detached first (`t.detach().numpy()`), unless `force=True`."""
        if self.requires_grad and not force and _needs_detach(self):
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead."
            )
        return self._data if _backend.array_module(self._data) is np else self._data.get()

    def __array__(self, dtype=None, copy=None):
        a = self.numpy()
        return a if dtype is None else a.astype(dtype, copy=False)

    def __float__(self) -> float:
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return float(self._data.item())

    def __int__(self) -> int:
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return int(self._data.item())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iub":
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data.item())

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def __format__(self, spec: str) -> str:
        if not spec:
            return str(self)
        if self._data.size != 1:  # PyTorch's error: a format code needs one number
            raise TypeError("unsupported format string passed to Tensor.__format__")
        return format(self._data.item(), spec)

    __hash__ = object.__hash__  # `==` returns a tensor, so keep identity hashing explicitly

    # --- autograd (`backward` is the walk's, bound in tensor_methods.py) ---
    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        if requires_grad:
            check_differentiable(self._data.dtype)
        elif self.grad_fn is not None:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use "
                "a computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach()."
            )
        self.requires_grad = bool(requires_grad)
        return self

    def retain_grad(self) -> None:
        """Keep `.grad` of a non-leaf after backward (its Function holds it weakly)."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is not None:
            self.grad_fn.retained = weakref.ref(self)

    def detach(self) -> Tensor:
        """The same data, cut from the graph (an in-place change to either is seen by both)."""
        out = Tensor._wrap(self._data)
        out._changed = shared_changes(self)
        return out

    def detach_(self) -> Tensor:
        self.grad_fn = None
        self.requires_grad = False
        return self


def shared_changes(t) -> list:
    """The change counter `t` shares with its views (made on first need: most tensors never
    have a view or an in-place change)."""
    if t._changed is None:
        t._changed = [0]
    return t._changed


def mark_changed(t) -> None:
    """Record an in-place change of `t`'s array (and so of its views' and bases'), so that a
    backward needing the old values raises instead of using the new ones."""
    changed = t._changed
    if changed is None:
        changed = t._changed = [0]
    changed[0] = clock.last_change = next(clock.ticks)


# constants a GradientTape watched (TensorFlow's tensors), by id: a WeakSet would compare
# tensors with `==`, which is elementwise
watched: dict = {}


def mark_watched(t) -> None:
    """Remember `t` as a tensor of TensorFlow's (its `.numpy()` works without `.detach()`)."""
    key = id(t)
    watched[key] = weakref.ref(t, lambda _, key=key: watched.pop(key, None))


def _needs_detach(t) -> bool:
    """Whether `.numpy()` of `t`, which requires grad, is PyTorch's error: it is when `t` was
    computed from PyTorch's leaves (the first leaf up its graph that requires grad). A tensor
    computed from TensorFlow's variables, Keras's weights or a constant a tape watches keeps
    TensorFlow's `.numpy()`, which works on anything; so does one whose graph a backward walk
    has already freed (its leaves are no longer known)."""
    while t.grad_fn is not None:
        inputs = t.grad_fn.inputs
        if inputs is None:
            return False
        for x in inputs:
            if isinstance(x, Tensor) and x.requires_grad:
                t = x
                break
        else:  # its leaves stopped requiring grad (a tape that watched them has closed)
            return not any(isinstance(x, Tensor) and _tensorflows(x) for x in inputs)
    return not _tensorflows(t)


def _tensorflows(t) -> bool:
    """Whether leaf `t` is TensorFlow's: a variable, a Keras weight, or a watched constant."""
    if t._numpy_without_detach:
        return True
    ref = watched.get(id(t))
    return ref is not None and ref() is t


def check_differentiable(dtype) -> None:
    if not _backend.is_floating(dtype):
        raise RuntimeError(
            f"Only Tensors of floating point dtype can require gradients (got {np.dtype(dtype)})"
        )
