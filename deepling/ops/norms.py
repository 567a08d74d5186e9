"""Norms: vector_norm (any order), matrix_norm ('fro', 1, -1, inf, -inf), norm (torch.norm and
torch.linalg.norm), dist. The gradient of a norm is 0 where the norm is 0, as PyTorch's."""

from __future__ import annotations

import math

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor
from ._checks import dtype_name, tensor_input
from .arith import cast, sub
from .reduce import _axes, _expand, _reduced_shape, amax, amin
from .reduce import sum as reduce_sum
from .unary import abs as abs_

__all__ = ["dist", "norm"]


class VectorNorm(Function):
    """y = (sum |x|**p)**(1/p) over axes, 0 < p < inf;  dy/dx = sign(x) |x|**(p-1) / y**(p-1)
    (x / y for p = 2, sign(x) for p = 1), and 0 where y = 0 (PyTorch)."""

    def __init__(self, p, axes, keepdims):
        self.p, self.axes, self.keepdims = p, axes, keepdims

    def forward(self, x):
        xp, p, axes = self.xp, self.p, self.axes
        if p == 2:
            y = xp.sqrt((x * x).sum(axis=axes, keepdims=True))
        elif p == 1:
            y = xp.abs(x).sum(axis=axes, keepdims=True)
        else:
            y = (xp.abs(x) ** p).sum(axis=axes, keepdims=True) ** (1 / p)
        y = y if self.keepdims else y.reshape(_reduced_shape(x.shape, axes))
        self.save_for_backward(x, y)
        return y

    def backward(self, gy):
        x, y = self.saved
        xp, p = self.xp, self.p
        axes = self.axes or tuple(range(x.ndim))
        gy, y = (_expand(a, x.shape, axes, self.keepdims) for a in (gy, y))
        if p == 1:
            return gy * xp.sign(x)
        safe = xp.where(y == 0, 1, y)  # y = 0 only where all x are 0: the gradient is 0 there
        if p == 2:
            return gy * x / safe
        return gy * xp.sign(x) * xp.abs(x) ** (p - 1) / safe ** (p - 1)


def _floating(x, name):
    tensor_input(x, name)
    if x._data.dtype.kind != "f":
        raise RuntimeError(
            f"{name}: Expected a floating point or complex tensor as input. Got "
            f"{dtype_name(x._data.dtype)}"
        )


def vector_norm(x, ord=2, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """The `ord`-norm of `x` over `dim` (all elements when None): (sum |x|**ord)**(1/ord);
    inf / -inf the largest / smallest |x|, 0 the count of nonzeros."""
    if dtype is not None:
        x = cast(x, dtype)
    _floating(x, "linalg.vector_norm")
    axes = _axes(x.ndim, dim, None)
    keep = bool(keepdim)
    ord = float(ord)
    if ord == math.inf or ord == -math.inf:
        if x.numel() == 0:
            raise RuntimeError("linalg.vector_norm cannot compute the inf norm of an empty tensor")
        return (amax if ord > 0 else amin)(abs_(x), dim=axes, keepdim=keep)
    if ord == 0:  # the number of nonzeros: a count, with gradient 0 (PyTorch)
        count = (x._data != 0).sum(axis=axes, keepdims=keep).astype(x._data.dtype)
        return Tensor._wrap(np.asarray(count))
    if ord < 0:
        return reduce_sum(abs_(x) ** ord, dim=axes, keepdim=keep) ** (1 / ord)
    return VectorNorm(ord, axes, keep)(x)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim: bool = False, *, dtype=None) -> Tensor:  # noqa: N803
    """The norm of the matrices in dims `dim`: 'fro' (the root of the sum of squares), 1 / -1
    (the largest / smallest column sum of |A|), inf / -inf (the same over rows)."""
    a = A if dtype is None else cast(A, dtype)
    _floating(a, "linalg.matrix_norm")
    if a.ndim < 2:
        raise RuntimeError(
            "linalg.matrix_norm: The input tensor a must have at least 2 dimensions."
        )
    d0, d1 = sorted(d % a.ndim for d in dim)
    if ord == "fro":
        return vector_norm(a, 2, (d0, d1), keepdim)
    if ord in ("nuc", 2, -2):
        raise NotImplementedError(
            f"matrix_norm: ord={ord!r} needs singular values, which deepling does not compute yet"
        )
    if ord not in (1, -1, math.inf, -math.inf):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    over, across = (dim[0], dim[1]) if abs(ord) == 1 else (dim[1], dim[0])
    over, across = over % a.ndim, across % a.ndim
    sums = reduce_sum(abs_(a), dim=over, keepdim=True)
    pick = amax if ord > 0 else amin
    out = pick(sums, dim=across, keepdim=True)
    return out if keepdim else out.squeeze((d0, d1))


def linalg_norm(A, ord=None, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:  # noqa: N803
    """torch.linalg.norm: a vector norm over an int `dim` (or of a 1-D input), a matrix norm
    over two dims (or of a 2-D input when `ord` is given); with neither, the 2-norm of all."""
    tensor_input(A, "linalg.norm")
    if dim is None and ord is None:
        return vector_norm(A, 2, None, keepdim, dtype=dtype)
    if dim is None:
        if A.ndim not in (1, 2):
            raise RuntimeError(
                "linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
                f"Got {A.ndim}D."
            )
        dim = tuple(range(A.ndim))
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    if len(dims) == 2:
        return matrix_norm(A, "fro" if ord is None else ord, dims, keepdim, dtype=dtype)
    return vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype=dtype)


def norm(input, p="fro", dim=None, keepdim: bool = False, dtype=None) -> Tensor:
    """torch.norm: the `p`-norm over `dim` (all elements when None); 'fro' is the 2-norm."""
    tensor_input(input, "norm")
    if p == "nuc":
        return matrix_norm(input, "nuc", dim or (-2, -1), keepdim, dtype=dtype)
    return vector_norm(input, 2 if p in ("fro", None) else p, dim, keepdim, dtype=dtype)


def dist(input, other, p=2) -> Tensor:
    """The p-norm of input - other (broadcast)."""
    tensor_input(input, "dist")
    tensor_input(other, "dist", "other")
    return vector_norm(sub(input, other), p)
