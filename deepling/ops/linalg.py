"""Matrix products: matmul (batched, with NumPy's 1-D rules) and the fused linear layer."""

from __future__ import annotations

from ..autograd.function import Function, ShapeError
from ..tensor import Tensor
from ._checks import dtype_name, tensor_input
from .arith import promote

__all__ = ["affine", "bmm", "dot", "linear", "matmul", "mm", "mv"]


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
    """Matrix product with broadcasting over leading (batch) dims, as `numpy.matmul`. Two
    tensors must have one dtype (PyTorch's error, never a silent cast); an array or a list
    next to a tensor takes the tensor's dtype."""
    if not (isinstance(a, Tensor) and isinstance(b, Tensor)):
        a, b = promote(a, b)  # arrays and lists become tensors: `t @ array` stays fine
        tensor_input(a, "matmul")  # a Python number has no matrix product
        tensor_input(b, "matmul", "other")
    elif a._data.dtype != b._data.dtype:
        raise RuntimeError(_mixed_dtypes("m1", a, b))
    return Matmul()(a, b)


def mm(input, mat2) -> Tensor:
    """The product of two matrices (2-D only; `matmul` broadcasts)."""
    tensor_input(input, "mm")
    tensor_input(mat2, "mm", "mat2")
    if input.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError(f"{'self' if input.ndim != 2 else 'mat2'} must be a matrix")
    return matmul(input, mat2)


def bmm(input, mat2) -> Tensor:
    """Batched matrix products of (b, n, m) and (b, m, p) tensors (3-D only, no broadcast)."""
    tensor_input(input, "bmm")
    tensor_input(mat2, "bmm", "mat2")
    if input.ndim != 3 or mat2.ndim != 3:
        raise RuntimeError(f"batch{1 if input.ndim != 3 else 2} must be a 3D tensor")
    if mat2.shape[:2] != (input.shape[0], input.shape[2]):
        raise ShapeError(
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{input.shape[0]}, {input.shape[2]}] but got: [{mat2.shape[0]}, {mat2.shape[1]}]."
        )
    return matmul(input, mat2)


def mv(input, vec) -> Tensor:
    """The product of a matrix and a vector."""
    tensor_input(input, "mv")
    tensor_input(vec, "mv", "vec")
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input.ndim}, {vec.ndim}")
    return matmul(input, vec)


def dot(a, b) -> Tensor:
    """The inner product of two 1-D tensors of one dtype."""
    tensor_input(a, "dot")
    tensor_input(b, "dot", "tensor")
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.dtype != b.dtype:
        raise RuntimeError(
            f"dot : expected both vectors to have same dtype, but found {_name(a)} and "
            f"{_name(b)}. {_FIX}"
        )
    return matmul(a, b)


_FIX = (
    "Cast one to the other's dtype first: `.float()` gives float32, the dtype of layers' "
    "weights (NumPy arrays are float64: `torch.from_numpy(a).float()`)."
)


def _name(t, c_type=False) -> str:
    return dtype_name(t._data.dtype, c_type)


def _mixed_dtypes(kind, a, b) -> str:
    """PyTorch's error for a product of two dtypes, and one sentence on the fix."""
    if kind == "m1":
        text = f"expected m1 and m2 to have the same dtype, but got: {_name(a, 1)} != {_name(b, 1)}"
    else:
        text = f"{kind} must have the same dtype, but got {_name(a)} and {_name(b)}"
    return f"{text}. {_FIX}"


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
    """x @ weight.T + bias, as `torch.nn.functional.linear` (weight is (out, in)); the three
    must have one dtype, as in PyTorch (a float64 or integer input to float32 weights is an
    error that says to cast it)."""
    if not (isinstance(x, Tensor) and isinstance(weight, Tensor)):  # the check, inlined: hot
        tensor_input(weight, "linear")
        tensor_input(x, "linear")
    dtype = weight._data.dtype
    if x._data.dtype != dtype:
        raise RuntimeError(_mixed_dtypes("mat1 and mat2", x, weight))
    if bias is not None and bias._data.dtype != dtype:
        raise RuntimeError(_mixed_dtypes("self and mat2", bias, weight))
    return Linear()(x, weight, bias)


def affine(x, kernel, bias=None) -> Tensor:
    """x @ kernel + bias with kernel (in, out), as Keras's Dense computes it: `linear` with the
    weight in the other layout."""
    tensor_input(x, "affine")
    return Linear(kernel=True)(x, kernel, bias)
