"""torch.autograd.functional: derivatives of a whole function, built on `grad`.

`vjp`, `jacobian` and `vhp` walk backward (one walk per output element for a Jacobian);
`jvp` and `hvp` use the double-backward trick (a vjp of a vjp), as PyTorch does. Inputs and
outputs are a Tensor or a tuple of Tensors, and results follow PyTorch's nesting.

Example:
    >>> import deepling as dl
    >>> from deepling.autograd.functional import hessian
    >>> hessian(lambda x: (x**3).sum(), dl.tensor([1.0, 2.0]))
    tensor([[ 6.,  0.],
            [ 0., 12.]])
"""

from __future__ import annotations

import numpy as np

from ..grad_mode import enable_grad
from ..tensor import Tensor
from .entry import grad


def _as_tuple(x, name: str):
    is_tuple = isinstance(x, (tuple, list))
    items = tuple(x) if is_tuple else (x,)
    for i, t in enumerate(items):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"The {name} given to the function must be either a Tensor or a tuple of "
                f"Tensors but the value at index {i} has type {type(t).__name__}."
            )
    return is_tuple, items


def _prepare(inputs, create_graph):
    """Inputs that record: the caller's own tensors when a graph of the result is wanted
    (so it reaches them), else fresh leaves."""
    if create_graph:
        return tuple(x if x.requires_grad else x.detach().requires_grad_() for x in inputs)
    return tuple(x.detach().requires_grad_() for x in inputs)


def _grads(outputs, inputs, v, create_graph, strict, what):
    """grad of `outputs` weighted by `v`, with zeros (or, with `strict`, an error) for an input
    the outputs do not depend on."""
    pairs = [(o, g) for o, g in zip(outputs, v) if o.requires_grad]
    found = (None,) * len(inputs)
    if pairs:
        found = grad([o for o, _ in pairs], list(inputs), [g for _, g in pairs],
                     retain_graph=True, create_graph=create_graph, allow_unused=True)  # fmt: skip
    result = []
    for i, (x, g) in enumerate(zip(inputs, found)):
        if g is None:
            if strict:
                raise RuntimeError(
                    f"The output of the user-provided function is independent of input {i}. "
                    f"This is not allowed in strict mode ({what})."
                )
            g = Tensor._wrap(np.zeros_like(x._data))
        result.append(g if create_graph else g.detach())
    return tuple(result)


def _call(func, inputs):
    with enable_grad():
        out = func(*inputs)
    return _as_tuple(out, "outputs of the user-provided function")


def _check_v(v, outputs, what):
    if v is None:
        if any(o.numel() != 1 for o in outputs):
            raise RuntimeError(
                f"The vector v can only be None if the user-provided function returns a single "
                f"Tensor with a single element ({what})."
            )
        return tuple(Tensor._wrap(np.ones_like(o._data)) for o in outputs)
    _, v = _as_tuple(v, "v")
    if len(v) != len(outputs) or any(tuple(a.shape) != tuple(o.shape) for a, o in zip(v, outputs)):
        raise RuntimeError(
            f"v has shapes {[tuple(a.shape) for a in v]} but the outputs have shapes "
            f"{[tuple(o.shape) for o in outputs]} ({what})"
        )
    return v


def _out(items, is_tuple, create_graph):
    items = tuple(t if create_graph else t.detach() for t in items)
    return items if is_tuple else items[0]


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T J): the vector-Jacobian product."""
    in_tuple, inputs = _as_tuple(inputs, "inputs")
    inputs = _prepare(inputs, create_graph)
    out_tuple, outputs = _call(func, inputs)
    v = _check_v(v, outputs, "vjp")
    result = _grads(outputs, inputs, v, create_graph, strict, "vjp")
    return _out(outputs, out_tuple, create_graph), _out(result, in_tuple, create_graph)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), J v): the Jacobian-vector product, as a vjp of a vjp."""
    in_tuple, inputs = _as_tuple(inputs, "inputs")
    inputs = _prepare(inputs, True)
    if v is None:
        if any(x.numel() != 1 for x in inputs):
            raise RuntimeError("The vector v can only be None if the input to the user-provided function is a single Tensor with a single element.")  # fmt: skip
        v = tuple(Tensor._wrap(np.ones_like(x._data)) for x in inputs)
    else:
        v = _as_tuple(v, "v")[1]
    out_tuple, outputs = _call(func, inputs)
    dummies = tuple(Tensor._wrap(np.zeros_like(o._data)).requires_grad_() for o in outputs)
    g = _grads(outputs, inputs, dummies, True, strict, "jvp")  # linear in the dummies
    result = _grads(g, dummies, v, create_graph, strict, "jvp")
    return _out(outputs, out_tuple, create_graph), _out(result, out_tuple, create_graph)


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):  # fmt: skip
    """The Jacobian of `func` at `inputs`: for each output and input, a tensor of shape
    output.shape + input.shape (nested as PyTorch nests them). `vectorize` and `strategy`
    give the same numbers here (one backward walk per output element)."""
    if strategy not in ("reverse-mode", "forward-mode"):
        raise ValueError('Expected strategy to be either "forward-mode" or "reverse-mode".')
    in_tuple, inputs = _as_tuple(inputs, "inputs")
    inputs = _prepare(inputs, create_graph)
    out_tuple, outputs = _call(func, inputs)
    blocks = []
    for o in outputs:
        flat = o.reshape(-1)
        rows = [_grads((flat[i],), inputs, (None,), create_graph, strict, "jacobian")
                for i in range(flat.shape[0])]  # fmt: skip
        blocks.append(tuple(_stack([r[j] for r in rows], o, x) for j, x in enumerate(inputs)))
    blocks = [b if in_tuple else b[0] for b in blocks]
    result = tuple(blocks) if out_tuple else blocks[0]
    return result


def _stack(rows, output, x):
    from ..ops.shape import stack

    if not rows:
        return Tensor._wrap(np.zeros((*output.shape, *x.shape), x._data.dtype))
    return stack(rows).reshape((*output.shape, *x.shape))


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):  # fmt: skip
    """The Hessian of a scalar `func`: the Jacobian of its gradient."""
    in_tuple, _ = _as_tuple(inputs, "inputs")

    def gradient(*xs):
        _, out = _call(func, xs)
        if len(out) != 1 or out[0].numel() != 1:
            raise RuntimeError(
                "The function given to hessian should return a single Tensor with a single element"
            )
        found = _grads(out, xs, (None,), True, strict, "hessian")
        return found if in_tuple else found[0]

    return jacobian(gradient, inputs, create_graph, strict, vectorize, outer_jacobian_strategy)


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T H) for a scalar `func`."""
    in_tuple, inputs = _as_tuple(inputs, "inputs")
    inputs = _prepare(inputs, True)
    _, outputs = _call(func, inputs)
    if len(outputs) != 1 or outputs[0].numel() != 1:
        raise RuntimeError("The function given to vhp should return a single Tensor with a single element")  # fmt: skip
    first = _grads(outputs, inputs, (None,), True, strict, "vhp")
    v = (
        _as_tuple(v, "v")[1]
        if v is not None
        else tuple(Tensor._wrap(np.ones_like(x._data)) for x in inputs)
    )
    result = _grads(first, inputs, v, create_graph, strict, "vhp")
    return _out(outputs, False, create_graph), _out(result, in_tuple, create_graph)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), H v) for a scalar `func` (H is symmetric, so this is vhp's numbers)."""
    return vhp(func, inputs, v, create_graph, strict)
