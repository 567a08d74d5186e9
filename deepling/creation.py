"""Making tensors: from data, filled, ranges, and random draws from the one generator."""

from __future__ import annotations

import numbers

import numpy as np

from . import _backend
from .tensor import Size, Tensor, to_array


def _make(array, dtype=None, requires_grad=False, device=None) -> Tensor:
    _backend.check_device(device)
    if dtype is not None:
        array = array.astype(_backend.to_dtype(dtype), copy=False)
    t = Tensor._wrap(array)
    return t.requires_grad_() if requires_grad else t


def _float(dtype):
    return _backend.to_dtype(dtype) or _backend.default_float


def _size(size, kw=None, name="zeros"):
    """`zeros(2, 3)`, `zeros((2, 3))`, `zeros([2, 3])` and `zeros(size=(2, 3))` agree. As
    PyTorch: a size that is not a whole number is a TypeError (`randn(2.5)`), a negative one a
    RuntimeError (`zeros(-1)`; NumPy's is a ValueError)."""
    if kw:  # the keyword form, `size=`, collected as **kw (a name cannot be both * and =)
        extra = sorted(set(kw) - {"size"})
        if extra:
            raise TypeError(f"got an unexpected keyword argument {extra[0]!r}")
        if size:
            raise TypeError("give the size as arguments or as size=, not both")
        size = (kw["size"],)
    if len(size) == 1 and isinstance(size[0], (tuple, list, Size)):
        size = size[0]
    for i, n in enumerate(size):
        if not isinstance(n, numbers.Integral) and not (isinstance(n, Tensor) and n.ndim == 0):
            raise TypeError(
                f"{name}(): argument 'size' must be tuple of ints, but found element of type "
                f"{type(n).__name__} at pos {i}"
            )
    size = tuple(int(n) for n in size)
    if any(n < 0 for n in size):
        negative = next(n for n in size if n < 0)
        raise RuntimeError(
            f"{name}(): Trying to create tensor with negative dimension {negative}: "
            f"{list(size)} (argument 'size')"
        )
    return size


def tensor(data, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A new tensor holding a copy of `data`.

    Python floats become float32 and Python ints int64; NumPy arrays keep their dtype.

    Example:
        >>> import deepling as dl
        >>> dl.tensor([[1.0], [2.0]]).shape
        torch.Size([2, 1])
    """
    if isinstance(data, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    if data is None:
        raise RuntimeError("Could not infer dtype of NoneType")
    try:
        array = to_array(data, dtype)
    except OverflowError:  # NumPy 2 refuses out-of-range ints so; PyTorch's is a RuntimeError
        name = _backend.to_dtype(dtype)
        raise RuntimeError(f"value cannot be converted to type {name} without overflow") from None
    return _make(array, requires_grad=requires_grad, device=device)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Like `tensor`, but shares a NumPy array's memory when no conversion is needed."""
    _backend.check_device(device)
    if isinstance(data, Tensor) and dtype is None:
        return data
    if isinstance(data, np.ndarray) and dtype is None:
        return Tensor._wrap(data)
    return tensor(data, dtype)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing `array`'s memory and dtype."""
    return Tensor._wrap(array)


def FloatTensor(data=()) -> Tensor:  # noqa: N802 (PyTorch's legacy constructor)
    return tensor(data, _backend.float32)


def LongTensor(data=()) -> Tensor:  # noqa: N802
    return tensor(data, _backend.int64)


def zeros(*size, dtype=None, device=None, requires_grad: bool = False, **kw) -> Tensor:
    shape = _size(size, kw, "zeros")
    return _make(np.zeros(shape, _float(dtype)), requires_grad=requires_grad, device=device)


def ones(*size, dtype=None, device=None, requires_grad: bool = False, **kw) -> Tensor:
    shape = _size(size, kw, "ones")
    return _make(np.ones(shape, _float(dtype)), requires_grad=requires_grad, device=device)


def empty(*size, dtype=None, device=None, requires_grad: bool = False, **kw) -> Tensor:
    shape = _size(size, kw, "empty")  # zeros: the same numbers on every run
    return _make(np.zeros(shape, _float(dtype)), requires_grad=requires_grad, device=device)


def full(size, fill_value, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A tensor of `size` filled with `fill_value` (its dtype is inferred like `tensor`'s)."""
    dtype = _backend.to_dtype(dtype) or to_array(fill_value).dtype
    try:
        array = np.full(_size((size,), name="full"), fill_value, dtype)
    except OverflowError:  # NumPy's error; PyTorch's is a RuntimeError naming the C type
        raise RuntimeError(
            f"value cannot be converted to type {dtype}_t without overflow"
        ) from None
    return _make(array, requires_grad=requires_grad, device=device)


def _like(maker):
    def like(t, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
        return maker(*t.shape, dtype=dtype or t.dtype, device=device, requires_grad=requires_grad)

    like.__name__ = maker.__name__ + "_like"
    like.__doc__ = f"`{maker.__name__}` with the shape (and dtype) of `t`."
    return like


zeros_like = _like(zeros)
ones_like = _like(ones)
empty_like = _like(empty)


def is_tensor(obj) -> bool:
    """Whether `obj` is a Tensor (Parameters included)."""
    return isinstance(obj, Tensor)


def is_floating_point(input) -> bool:  # noqa: A002
    """Whether the tensor's dtype is a float dtype."""
    return _backend.is_floating(input._data.dtype)


def full_like(t, fill_value, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return full(
        t.shape, fill_value, dtype=dtype or t.dtype, device=device, requires_grad=requires_grad
    )


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Values from `start` up to (not including) `end`; int64 for whole numbers, else float32."""
    if end is None:
        start, end = 0, start
    for name, value in (("start", start), ("end", end), ("step", step)):
        if isinstance(value, (bool, str)) or not isinstance(value, (numbers.Real, Tensor)):
            raise TypeError(
                f"arange(): argument '{name}' must be Number, not {type(value).__name__}"
            )
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:  # NumPy gives an empty range; PyTorch refuses
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    array = to_array(np.arange(start, end, step).tolist(), dtype)
    return _make(array, requires_grad=requires_grad, device=device)


def linspace(
    start, end, steps: int, dtype=None, device=None, requires_grad: bool = False
) -> Tensor:
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    return _make(
        np.linspace(start, end, steps, dtype=_float(dtype)),
        requires_grad=requires_grad,
        device=device,
    )


def eye(
    n: int, m: int | None = None, dtype=None, device=None, requires_grad: bool = False
) -> Tensor:
    for name, value in (("n", n), ("m", n if m is None else m)):
        if value < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {value}")
    return _make(np.eye(n, m, dtype=_float(dtype)), requires_grad=requires_grad, device=device)


# --- random draws, all from the one generator that `manual_seed` seeds ---
def rand(*size, dtype=None, device=None, requires_grad: bool = False, **kw) -> Tensor:
    """Uniform on [0, 1)."""
    array = _backend.rng().random(_size(size, kw, "rand"), dtype=np.float64)
    return _make(array.astype(_float(dtype)), requires_grad=requires_grad, device=device)


def randn(*size, dtype=None, device=None, requires_grad: bool = False, **kw) -> Tensor:
    """Standard normal."""
    array = _backend.rng().standard_normal(_size(size, kw, "randn"))
    return _make(array.astype(_float(dtype)), requires_grad=requires_grad, device=device)


def normal(mean=0.0, std=1.0, size=None, *, dtype=None, requires_grad: bool = False) -> Tensor:
    """Normal draws: `normal(0, 0.01, size=(2, 1))`, or elementwise from tensors of means/stds."""
    mean_a = mean._data if isinstance(mean, Tensor) else mean
    std_a = std._data if isinstance(std, Tensor) else std
    if size is None:
        size = np.broadcast_shapes(np.shape(mean_a), np.shape(std_a))
    array = _backend.rng().normal(mean_a, std_a, _size((size,), name="normal"))
    return _make(array.astype(_float(dtype)), requires_grad=requires_grad)


def rand_like(input, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:  # noqa: A002
    """`rand` with the shape (and float dtype) of `input`."""
    return rand(
        *input.shape, dtype=dtype or input.dtype, device=device, requires_grad=requires_grad
    )


def randn_like(input, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:  # noqa: A002
    """`randn` with the shape (and float dtype) of `input`: `eps = torch.randn_like(std)`."""
    return randn(
        *input.shape, dtype=dtype or input.dtype, device=device, requires_grad=requires_grad
    )


def randint_like(input, low=0, high=None, *, dtype=None, device=None) -> Tensor:  # noqa: A002
    """`randint` with the shape and dtype of `input`: `randint_like(x, 10)` draws from [0, 10)."""
    _backend.check_device(device)
    return randint(low, high, tuple(input.shape), dtype=dtype or input.dtype)


def randint(low, high=None, size=(), *, dtype=None, requires_grad: bool = False) -> Tensor:
    """Integers in [low, high) (int64); `randint(high, size)` starts at 0."""
    if high is None or isinstance(high, (tuple, list)):  # randint(high, size) as in PyTorch
        low, high, size = 0, low, size if high is None else high
    if low >= high:
        raise RuntimeError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
        )
    array = _backend.rng().integers(low, high, _size((size,), name="randint"), dtype=np.int64)
    return _make(array, dtype, requires_grad=requires_grad)


def randperm(n: int, *, dtype=None) -> Tensor:
    """A random permutation of 0..n-1 (int64)."""
    (n,) = _size((n,), name="randperm")
    return _make(_backend.rng().permutation(n).astype(np.int64), dtype)


def manual_seed(seed: int):
    """Seed every random draw in deepling (weights, dropout, shuffling)."""
    _backend.manual_seed(seed)


class Generator:
    """A generator of its own, as `torch.Generator`: `random_split(ds, [0.8, 0.2],
    generator=Generator().manual_seed(42))` or `DataLoader(..., generator=g)`.

    Example:
        >>> a = Generator().manual_seed(42).rng().random()
        >>> a == Generator().manual_seed(42).rng().random()
        True
    """

    def __init__(self, device: str = "cpu"):
        _backend.check_device(device)
        self._seed = int(np.random.SeedSequence().entropy % 2**63)
        self._rng = np.random.default_rng(self._seed)

    def manual_seed(self, seed: int) -> Generator:
        self._seed = int(seed)
        self._rng = np.random.default_rng(self._seed)
        return self

    def initial_seed(self) -> int:
        return self._seed

    def rng(self) -> np.random.Generator:
        return self._rng
