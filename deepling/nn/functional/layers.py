"""torch.nn.functional's forms of nn's layers: linear, dropout, one_hot, normalization,
embedding, with PyTorch's names and defaults over deepling/ops."""

from __future__ import annotations

import numpy as np

from ...ops import arith as _arith
from ...ops import nn_ops as _nn_ops
from ...ops._checks import tensor_input
from ...ops.linalg import linear as linear
from ...ops.norm import Normalize as _Normalize
from ...ops.norm import standardize_with
from ...tensor import Tensor


# --- dropout and one_hot ---
def dropout(input, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability p and scale the rest by 1/(1-p) (identity when not
    training); the mask comes from deepling's one generator (`deepling.manual_seed`)."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    return _nn_ops.dropout(input, p)


def one_hot(tensor, num_classes: int = -1) -> Tensor:
    """int64 tensor of shape (*tensor.shape, num_classes) with a 1 at each class index."""
    idx = np.asarray(tensor._data if isinstance(tensor, Tensor) else tensor)
    if idx.dtype.kind not in "iu":
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if idx.size and idx.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        num_classes = int(idx.max()) + 1 if idx.size else 0
    if idx.size and idx.max() >= num_classes:
        raise RuntimeError(
            f"Class values must be smaller than num_classes (got {int(idx.max())} "
            f"for num_classes={num_classes})."
        )
    return Tensor._wrap(np.eye(num_classes, dtype=np.int64)[idx])


# --- normalization and embedding ---
def _affine(y, weight, bias, shape):
    if weight is not None:
        y = _arith.mul(y, weight.reshape(shape) if shape else weight)
    if bias is not None:
        y = _arith.add(y, bias.reshape(shape) if shape else bias)
    return y


def layer_norm(input, normalized_shape, weight=None, bias=None, eps: float = 1e-5) -> Tensor:
    """Standardize over the last len(normalized_shape) dims, then scale by weight, add bias."""
    tensor_input(input, "layer_norm")
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if tuple(input.shape[input.ndim - len(shape) :]) != shape:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape "
            f"[*, {', '.join(map(str, shape))}], but got input of size{list(input.shape)}"
        )
    axes = tuple(range(input.ndim - len(shape), input.ndim))
    return _affine(_Normalize(axes, eps)(input), weight, bias, None)


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Tensor:  # fmt: skip
    """Normalize each channel (dim 1) over the batch (and length) dims.

    Training uses the batch's statistics and updates `running_mean`/`running_var` in place
    (variance unbiased, as torch); otherwise the running statistics are used.
    """
    c = input.shape[1] if input.ndim > 1 else None
    for name, t in (("running_mean", running_mean), ("running_var", running_var)):
        if t is not None and (c is None or t.shape[0] != c):
            raise RuntimeError(
                f"{name} should contain {c} elements not {t.shape[0]} (input shape {input.shape})"
            )
    shape = (1, c) + (1,) * (input.ndim - 2)
    axes = (0,) + tuple(range(2, input.ndim))
    if not training:
        return _affine(standardize_with(input, running_mean, running_var, eps, shape), weight,
                       bias, shape)  # fmt: skip
    n = input.numel() // c if c else 0
    if n == 1:
        raise ValueError(
            f"Expected more than 1 value per channel when training, got input size {input.shape}"
        )
    if not n:  # an empty batch: PyTorch returns it as it is and keeps the running statistics
        return _affine(input, weight, bias, shape)
    update = None
    if running_mean is not None:

        def update(mean, var):  # torch keeps the unbiased variance
            rm, rv = running_mean._data, running_var._data
            rm[...] = (1 - momentum) * rm + momentum * mean.reshape(-1)
            rv[...] = (1 - momentum) * rv + momentum * var.reshape(-1) * (n / (n - 1))

    return _affine(_Normalize(axes, eps, update)(input), weight, bias, shape)


def embedding(input, weight, padding_idx=None, max_norm=None, *args, **kwargs) -> Tensor:
    """Rows of `weight` picked by the integer tensor `input` (shape (*input.shape, dim))."""
    if max_norm is not None:
        raise NotImplementedError("embedding: max_norm is not supported")
    return _nn_ops.embedding(input, weight, padding_idx)
