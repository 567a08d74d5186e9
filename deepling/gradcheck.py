"""Numerical differentiation: central differences, and a check of autograd against them.

The slope of f at x is about (f(x + h) - f(x - h)) / 2h. It needs two evaluations of f per
input element, so it is slow, but it is simple enough to trust: tutorials use it to check
backpropagation, and the tests use it to check every op's backward.
"""

from __future__ import annotations

import numpy as np

from . import autograd, grad_mode, ops
from .tensor import Tensor


class GradcheckError(AssertionError):
    """Autograd and central differences disagree."""


def numerical_grad(f, x, eps: float = 1e-6, gy=None) -> Tensor:
    """Central-difference gradient of `f` at `x`, computed in float64.

    `f` takes one tensor and returns a tensor (or a number). For a non-scalar output the
    result is the gradient of `sum(f(x) * gy)` (gy defaults to ones).

    Example:
        >>> import deepling as dl
        >>> g = dl.numerical_grad(lambda x: (x**2).sum(), dl.tensor([1.0, 2.0]))
        >>> [round(v, 4) for v in g.tolist()]
        [2.0, 4.0]
    """
    base = np.array(x._data if isinstance(x, Tensor) else x, dtype=np.float64)
    gy = None if gy is None else np.asarray(gy._data if isinstance(gy, Tensor) else gy)

    @grad_mode.no_grad()  # f may close over tensors that require grad: record nothing
    def value(array):
        out = f(Tensor._wrap(array))
        out = out._data if isinstance(out, Tensor) else np.asarray(out)
        return float(np.sum(out if gy is None else out * gy))

    grad = np.zeros_like(base)
    flat, out = base.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        keep = flat[i]
        flat[i] = keep + eps
        up = value(base)
        flat[i] = keep - eps
        down = value(base)
        flat[i] = keep
        out[i] = (up - down) / (2 * eps)
    return Tensor._wrap(grad)


def _directional(f, arrays, index, direction, gy, eps):
    """d/dt of sum(f(..., x + t v, ...) * gy) at t = 0: one pair of evaluations."""

    @grad_mode.no_grad()
    def value(t):
        moved = list(arrays)
        moved[index] = arrays[index] + t * direction
        out = f(*[Tensor._wrap(a) for a in moved])
        return float(np.sum(out._data * gy))

    return (value(eps) - value(-eps)) / (2 * eps)


def gradcheck(f, inputs, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-4,
              max_elements: int = 256, seed: int = 0, raise_exception: bool = True) -> bool:  # fmt: skip
    """Compare autograd's gradients of `f(*inputs)` with central differences, in float64.

    The upstream gradient is random (with all ones, the sum of a softmax is constant and a
    backward that returns zeros would pass). Inputs up to `max_elements` are checked element
    by element; larger ones along 3 random directions.

    Example:
        >>> import deepling as dl
        >>> x = dl.randn(3, 4, dtype=dl.float64)
        >>> dl.gradcheck(dl.tanh, [x])
        True
    """
    inputs = inputs if isinstance(inputs, (list, tuple)) else [inputs]
    rng = np.random.default_rng(seed)
    arrays = [np.asarray(t._data if isinstance(t, Tensor) else t, dtype=np.float64) for t in inputs]
    leaves = [Tensor._wrap(a.copy()).requires_grad_() for a in arrays]
    with grad_mode.enable_grad():  # the check works inside no_grad too
        out = f(*leaves)
    gy = rng.standard_normal(out._data.shape)
    analytic = autograd.grad([out], leaves, [gy], allow_unused=True)
    for i, (a, g) in enumerate(zip(arrays, analytic)):
        g = np.zeros_like(a) if g is None else g._data
        if a.size <= max_elements:
            consts = [Tensor._wrap(c) for c in arrays]
            numeric = numerical_grad(
                lambda x, c=consts, i=i: f(*c[:i], x, *c[i + 1 :]), a, eps, gy
            )._data
            pairs, where = (g, numeric), "at flat index"
        else:
            dirs = [rng.standard_normal(a.shape) for _ in range(3)]
            pairs = (
                np.array([np.sum(g * v) for v in dirs]),
                np.array([_directional(f, arrays, i, v, gy, eps) for v in dirs]),
            )
            where = "along random direction"
        error = np.abs(pairs[0] - pairs[1])
        if not np.all(error <= atol + rtol * np.abs(pairs[1])):
            if raise_exception:
                worst = int(np.argmax(error))
                raise GradcheckError(
                    f"gradient of input {i} (shape {a.shape}) differs from central differences: "
                    f"worst {where} {worst}: autograd {pairs[0].flat[worst]:.6g}, "
                    f"numerical {pairs[1].flat[worst]:.6g}, error {error.flat[worst]:.3g}"
                )
            return False
    return True


def gradgradcheck(f, inputs, grad_outputs=None, eps: float = 1e-6, atol: float = 1e-5,
                  rtol: float = 1e-3, max_elements: int = 256, seed: int = 0,
                  raise_exception: bool = True) -> bool:  # fmt: skip
    """Compare second derivatives with central differences: `gradcheck` of the first-order
    gradients of `f(*inputs)` (recorded with `create_graph=True`) as a function of the inputs
    and of the upstream gradient, as `torch.autograd.gradgradcheck`.

    Example:
        >>> import deepling as dl
        >>> x = dl.randn(3, dtype=dl.float64)
        >>> dl.autograd.gradgradcheck(lambda x: (x**3).sum(), [x])
        True
    """
    inputs = inputs if isinstance(inputs, (list, tuple)) else [inputs]
    arrays = [np.asarray(t._data if isinstance(t, Tensor) else t, dtype=np.float64) for t in inputs]
    if grad_outputs is None:
        with grad_mode.enable_grad():
            shape = f(*[Tensor._wrap(a.copy()).requires_grad_() for a in arrays])._data.shape
        grad_outputs = np.random.default_rng(seed + 1).standard_normal(shape)
    gy = np.asarray(grad_outputs._data if isinstance(grad_outputs, Tensor) else grad_outputs)

    def first_order(*xs):
        """The gradients of f at xs[:-1] against the upstream gradient xs[-1], as one vector."""
        xs = [x if x.requires_grad else Tensor._wrap(x._data).requires_grad_() for x in xs]
        with grad_mode.enable_grad():
            out = f(*xs[:-1])
            grads = autograd.grad([out], xs[:-1], [xs[-1]], create_graph=True, allow_unused=True)
        parts = [g.reshape(-1) for g in grads if g is not None]
        return ops.cat(parts) if parts else Tensor._wrap(np.zeros(0))

    return gradcheck(first_order, [*arrays, gy.astype(np.float64)], eps, atol, rtol,
                     max_elements, seed, raise_exception)  # fmt: skip
