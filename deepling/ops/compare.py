"""Questions about values: isnan isinf isfinite isclose allclose equal any all count_nonzero
(no gradient), and nan_to_num, which passes the gradient where the input is finite."""

from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor
from ._checks import dtype_name, tensor_input
from .reduce import _axes, _keep

__all__ = [
    "all",
    "allclose",
    "any",
    "count_nonzero",
    "equal",
    "isclose",
    "isfinite",
    "isinf",
    "isnan",
    "nan_to_num",
]


def _test(ufunc, name):
    def test(input) -> Tensor:
        tensor_input(input, name)
        a = input._data
        if a.dtype.kind in "biu":  # whole numbers are never nan or inf
            return Tensor._wrap(np.full(a.shape, ufunc is np.isfinite))
        return Tensor._wrap(ufunc(a))

    test.__name__ = name
    test.__doc__ = f"Elementwise `{name}` as a bool tensor (no gradient)."
    return test


isnan = _test(np.isnan, "isnan")
isinf = _test(np.isinf, "isinf")
isfinite = _test(np.isfinite, "isfinite")


def _pair(name, input, other):
    """Two tensors of one dtype, as PyTorch's isclose asks."""
    tensor_input(input, name)
    tensor_input(other, name, "other")
    a, b = input._data, other._data
    if a.dtype != b.dtype:
        raise RuntimeError(f"{dtype_name(a.dtype)} did not match {dtype_name(b.dtype)}")
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise RuntimeError(
            f"The size of tensor a ({a.shape}) must match the size of tensor b ({b.shape})"
        ) from None
    return a, b


def isclose(input, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False):
    """|input - other| <= atol + rtol |other|, elementwise, as a bool tensor."""
    a, b = _pair("isclose", input, other)
    return Tensor._wrap(np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))


def allclose(input, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False):
    """Whether `isclose` holds everywhere (a Python bool)."""
    a, b = _pair("allclose", input, other)
    return bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))


def equal(input, other) -> bool:
    """True when both have the same shape and the same values (a Python bool)."""
    tensor_input(input, "equal")
    tensor_input(other, "equal", "other")
    return input.shape == other.shape and bool(np.array_equal(input._data, other._data))


def _logical(reduce, name):
    def logical(input, dim=None, keepdim: bool = False, *, axis=None, keepdims=None):
        tensor_input(input, name)
        a = input._data
        out = reduce(a != 0, axis=_axes(a.ndim, dim, axis), keepdims=_keep(keepdim, keepdims))
        return Tensor._wrap(np.asarray(out).astype(np.uint8 if a.dtype == np.uint8 else bool))

    logical.__name__ = name
    logical.__doc__ = (
        f"Whether {'any' if name == 'any' else 'every'} element over `dim` (an int, a tuple, or "
        "None for all) is nonzero: a bool tensor (uint8 for uint8 input, as PyTorch)."
    )
    return logical


any = _logical(np.any, "any")  # noqa: A001 (PyTorch's names)
all = _logical(np.all, "all")  # noqa: A001


def count_nonzero(input, dim=None) -> Tensor:
    """How many elements are nonzero over `dim` (an int, a tuple, or None for all): int64."""
    tensor_input(input, "count_nonzero")
    a = input._data
    count = np.count_nonzero(a, axis=_axes(a.ndim, dim, None))
    return Tensor._wrap(np.asarray(count, np.int64))


class NanToNum(Function):
    """y = x with nan, inf and -inf replaced by numbers;  dy/dx = 1 where x is finite, else 0."""

    def __init__(self, nan, posinf, neginf):
        self.nan, self.posinf, self.neginf = nan, posinf, neginf

    def forward(self, x):
        self.save_for_backward(np.isfinite(x))
        return np.nan_to_num(x, nan=self.nan, posinf=self.posinf, neginf=self.neginf)

    def backward(self, gy):
        (finite,) = self.saved
        return gy * finite


def nan_to_num(input, nan: float = 0.0, posinf=None, neginf=None) -> Tensor:
    """nan -> `nan`, inf -> `posinf` and -inf -> `neginf` (by default the largest and the
    smallest finite values of the dtype)."""
    tensor_input(input, "nan_to_num")
    if input._data.dtype.kind in "biu":
        return Tensor._wrap(input._data.copy())
    return NanToNum(nan, posinf, neginf)(input)
