"""Gradient clipping, in place on `.grad` (call after backward, before the optimizer step).

The math is `deepling.optim.clip`'s, which Keras's `clipnorm`/`clipvalue` use too; these are
PyTorch's names, arguments, epsilon and in-place writes over it.
"""

from __future__ import annotations

import numpy as np

from ...ops.shape import cat
from ...optim import clip
from ...tensor import Tensor


def _grads(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach=None) -> Tensor:  # fmt: skip
    """Scale all gradients together so that their joint norm is at most `max_norm`.

    The norm is that of all gradients concatenated (`norm_type` 'inf' for the largest
    magnitude). Returns the norm before clipping, as a 0-d tensor.

    Example:
        >>> import deepling as dl
        >>> w = dl.nn.Parameter(dl.zeros(2))
        >>> w.grad = dl.tensor([3.0, 4.0])
        >>> dl.nn.utils.clip_grad_norm_([w], 1.0)
        tensor(5.)
    """
    grads = [g._data for g in _grads(parameters)]
    if not grads:
        return Tensor._wrap(np.asarray(0.0, np.float32))
    norm_type = float(norm_type)
    total = clip.total_norm(grads, norm_type)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, "
            "so it cannot be clipped. To disable this error and scale the gradients by the "
            "non-finite norm anyway, set `error_if_nonfinite=False`"
        )
    clip.clip_norm(grads, max_norm, total, eps=1e-6, in_place=True)  # torch's epsilon and clamp
    return Tensor._wrap(np.asarray(total, grads[0].dtype))


def clip_grad_value_(parameters, clip_value: float, foreach=None) -> None:
    """Clamp every gradient element into [-clip_value, clip_value], in place."""
    clip.clip_value([g._data for g in _grads(parameters)], float(clip_value), in_place=True)


def parameters_to_vector(parameters) -> Tensor:
    """All parameters flattened and concatenated into one 1-D tensor."""
    return cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec, parameters) -> None:
    """Copy consecutive slices of the 1-D `vec` into the parameters, in place."""
    data = vec._data if isinstance(vec, Tensor) else np.asarray(vec)
    start = 0
    for p in parameters:
        n = p.numel()
        p._data[...] = data[start : start + n].reshape(p.shape)
        start += n
