"""tf.linalg: the matrix names deepling's ops cover (products, transposes, identities).

Decompositions, solves, determinants, norms, diagonals and band parts wait for their core ops
and are absent rather than approximated.
"""

from __future__ import annotations

from .. import ops
from .array_ops import _t, eye, matmul, tensordot  # noqa: F401
from .array_ops import global_norm as global_norm
from .math import l2_normalize  # noqa: F401
from .tensor import Tensor, as_tf


def matrix_transpose(a, name="matrix_transpose", conjugate=False) -> Tensor:
    """Swap the last two dims (batch dims stay)."""
    x = _t(a)
    if x.ndim < 2:
        raise ValueError(f"matrix_transpose needs rank >= 2, got shape {tuple(x.shape)}")
    return as_tf(ops.transpose(x, -1, -2))


def adjoint(matrix, name=None) -> Tensor:
    """The conjugate transpose of the last two dims (the transpose, for real tensors)."""
    return matrix_transpose(matrix)


def matvec(a, b, transpose_a=False, adjoint_a=False, a_is_sparse=False, b_is_sparse=False,
           name=None) -> Tensor:  # fmt: skip
    """a @ b for a matrix (or batch of matrices) a and a vector (or batch of vectors) b.

    Example:
        >>> import deepling.tf as tf
        >>> tf.linalg.matvec([[1.0, 2.0], [3.0, 4.0]], [1.0, 1.0]).numpy()
        array([3., 7.], dtype=float32)
    """
    a, b = _t(a), _t(b)
    if transpose_a or adjoint_a:
        a = ops.transpose(a, -1, -2)
    return as_tf(ops.squeeze(ops.matmul(a, ops.unsqueeze(b, -1)), -1))
