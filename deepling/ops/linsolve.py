"""Inverses of square matrices (batched): inv, det, solve. Each gradient is written with
matrix products, transposes and these ops themselves, so it differentiates again."""

from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor
from ._checks import tensor_input

__all__ = ["det", "inverse"]


class LinAlgError(RuntimeError):
    """A matrix that has no inverse (torch.linalg.LinAlgError, a RuntimeError)."""


def _singular(name):
    return LinAlgError(f"linalg.{name}: The input matrix is singular, so it has no inverse.")


class Inv(Function):
    """Y = A^-1;  dA = -Y^T gY Y^T, so keep Y."""

    def forward(self, a):
        try:
            y = np.linalg.inv(a)
        except np.linalg.LinAlgError:
            raise _singular("inv") from None
        self.save_for_backward(y)
        return y

    def backward(self, gy):
        (y,) = self.saved
        yt = self.xp.swapaxes(y, -1, -2)
        return -(yt @ gy @ yt)


class Det(Function):
    """y = det(A);  dA = gy y A^-T (A invertible)."""

    def forward(self, a):
        y = np.linalg.det(a)
        self.save_for_backward(a, y)
        return y

    def backward(self, gy):
        a, y = self.saved
        xp = self.xp
        scale = (gy * y)[..., None, None]
        return scale * xp.swapaxes(xp.linalg.inv(a), -1, -2)


class Solve(Function):
    """X = A^-1 B (B a matrix or a batch of matrices);  dB = A^-T gX, dA = -dB X^T."""

    def forward(self, a, b):
        try:
            x = np.linalg.solve(a, b)
        except np.linalg.LinAlgError:
            raise _singular("solve") from None
        self.save_for_backward(a, x)
        return x

    def backward(self, gy):
        a, x = self.saved
        xp = self.xp
        gb = xp.linalg.solve(xp.swapaxes(a, -1, -2), gy)
        ga = -(gb @ xp.swapaxes(x, -1, -2)) if self.needs_input_grad[0] else None
        return ga, gb


def _square(name, a):
    tensor_input(a, name)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise RuntimeError(
            f"linalg.{name}: A must be batches of square matrices, but they are "
            f"{a.shape[-2] if a.ndim > 1 else 1} by {a.shape[-1] if a.ndim else 1} matrices"
        )
    if a._data.dtype.kind != "f":
        raise RuntimeError(f"linalg.{name}: Expected a floating point tensor, got {a.dtype}")


def inv(A) -> Tensor:  # noqa: N803 (PyTorch's names)
    """The inverse of a square matrix (or of each in a batch); LinAlgError if singular."""
    _square("inv", A)
    return Inv()(A)


inverse = inv


def det(A) -> Tensor:  # noqa: N803
    """The determinant of a square matrix (or of each in a batch)."""
    _square("det", A)
    return Det()(A)


def solve(A, B) -> Tensor:  # noqa: N803
    """X with A X = B: B is a vector (or a batch of vectors, B.shape == A.shape[:-1]) or a
    matrix (or a batch of them)."""
    _square("solve", A)
    tensor_input(B, "linalg.solve", "B")
    if B.dtype != A.dtype:
        raise RuntimeError(
            f"linalg.solve: Expected A and B to have the same dtype, but found A of type "
            f"{A.dtype} and B of type {B.dtype} instead"
        )
    if B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1]):
        return Solve()(A, B.unsqueeze(-1)).squeeze(-1)
    return Solve()(A, B)
