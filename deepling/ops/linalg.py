"""Matrix products: matmul (batched, with NumPy's 1-D rules) and the fused linear layer."""

from __future__ import annotations

from ..autograd.function import Function
from ..tensor import Tensor
from ._checks import tensor_input
from .arith import promote

__all__ = ["affine", "bmm", "dot", "linear", "matmul", "mm"]


class Matmul(Function):
    """y = a @ b;  da = gy @ b^T, db = a^T @ gy (1-D operands get a unit dim and lose it);
    each gradient needs only the other operand, so only that is saved."""

    def forward(self, a, b):
        if a.ndim == 0 or b.ndim == 0:
            raise ValueError("both arguments to matmul need to be at least 1D")
        k_a, k_b = a.shape[-1], b.shape[-2] if b.ndim > 1 else b.shape[0]
        if k_a != k_b:
            raise ValueError(
                f"shapes {a.shape} and {b.shape} cannot be multiplied ({k_a} != {k_b})"
            )
        needs = self.needs_input_grad  # each gradient needs the other operand only
        self.ndims = (a.ndim, b.ndim)
        self.save_for_backward(a if needs[1] else None, b if needs[0] else None)
        return a @ b

    def backward(self, gy):
        a, b = self.saved
        (na, nb), xp = self.ndims, self.xp
        if nb == 1:  # b's unit dim first: for 1-D @ 1-D, gy is 0-d
            gy = gy[..., None]
        if na == 1:
            gy = gy[..., None, :]
        ga = gb = None
        if self.needs_input_grad[0]:
            ga = gy @ xp.swapaxes(b[:, None] if nb == 1 else b, -1, -2)
            ga = ga[..., 0, :] if na == 1 else ga
        if self.needs_input_grad[1]:
            gb = xp.swapaxes(a[None, :] if na == 1 else a, -1, -2) @ gy
            gb = gb[..., 0] if nb == 1 else gb
        return ga, gb  # the engine sums broadcast batch dims away


def matmul(a, b) -> Tensor:
    """Matrix product with broadcasting over leading (batch) dims, as `numpy.matmul`."""
    a, b = promote(a, b)  # arrays and lists become tensors: `t @ array` stays fine
    tensor_input(a, "matmul")  # a Python number has no matrix product
    tensor_input(b, "matmul", "other")
    return Matmul()(a, b)


mm = matmul
bmm = matmul


def dot(a, b) -> Tensor:
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    return matmul(a, b)


class Linear(Function):
    """y = x @ W + b, fused, where W is w^T for PyTorch's (out, in) weight or w itself for a
    Keras (in, out) kernel (`kernel=True`);  dx = gy @ W^T, dW = x^T @ gy, db = sum(gy) over
    the batch (dW is computed in w's own layout, so no transposed copy is made)."""

    def __init__(self, kernel=False):
        self.kernel = kernel

    def forward(self, x, w, b):
        k = w.shape[0] if self.kernel else w.shape[1]
        if x.shape[-1] != k:
            raise ValueError(self._mismatch(x, w))
        need_x, need_w = self.needs_input_grad[0], self.needs_input_grad[1]
        self.save_for_backward(x if need_w else None, w if need_x else None)
        y = x @ (w if self.kernel else w.T)
        if b is not None:
            y += b
        return y

    def backward(self, gy):
        x, w = self.saved
        gx = gw = None
        if self.needs_input_grad[0]:
            gx = gy @ (w.T if self.kernel else w)
        gy2 = gy.reshape(-1, gy.shape[-1])
        if self.needs_input_grad[1]:
            x2 = x.reshape(-1, x.shape[-1])
            gw = x2.T @ gy2 if self.kernel else gy2.T @ x2
        gb = gy2.sum(axis=0) if self.needs_input_grad[2] else None
        return gx, gw, gb

    def _mismatch(self, x, w) -> str:
        if self.kernel:  # Keras's words
            return f"shapes {x.shape} and {w.shape} cannot be multiplied ({x.shape[-1]} != {w.shape[0]})"
        return (
            f"mat1 and mat2 shapes cannot be multiplied "
            f"({'x'.join(map(str, x.shape))} and {w.shape[1]}x{w.shape[0]})"
        )


def linear(x, weight, bias=None) -> Tensor:
    """x @ weight.T + bias, as `torch.nn.functional.linear` (weight is (out, in))."""
    if not (isinstance(x, Tensor) and isinstance(weight, Tensor)):  # the check, inlined: hot
        tensor_input(weight, "linear")
        tensor_input(x, "linear")
    if x.dtype != weight.dtype and x.dtype.kind != "f":
        x = x.float()
    return Linear()(x, weight, bias)


def affine(x, kernel, bias=None) -> Tensor:
    """x @ kernel + bias with kernel (in, out), as Keras's Dense computes it: `linear` with the
    weight in the other layout."""
    tensor_input(x, "affine")
    return Linear(kernel=True)(x, kernel, bias)
