"""The walk's entry points, with PyTorch's arguments: `grad` (torch.autograd.grad) and
`backward` (Tensor.backward), which check the roots and their upstream gradients before
anything runs, then call the one walk in engine.py."""

from __future__ import annotations

import numpy as np

from .. import _backend
from ..tensor import Size, Tensor
from .engine import run_backward
from .function import ShapeError


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False,
         materialize_grads=False):  # fmt: skip
    """Gradients of `outputs` with respect to `inputs`, returned as a tuple; `.grad` is untouched.

    As `torch.autograd.grad`: `grad_outputs` weigh the outputs (ones for scalars);
    `create_graph=True` records the gradients so they can be differentiated again (and keeps
    the graph unless `retain_graph=False`); `allow_unused` gives None for an input the outputs
    do not depend on (zeros with `materialize_grads`); `is_grads_batched` takes `grad_outputs`
    with a leading batch dim and returns gradients with it.

    Example:
        >>> import deepling as dl
        >>> x = dl.tensor(3.0, requires_grad=True)
        >>> dl.grad(x * x, x)
        (tensor(6.),)
    """
    outputs, inputs = _as_list(outputs), _as_list(inputs)
    if is_grads_batched:
        return _batched_grad(outputs, inputs, grad_outputs, retain_graph, create_graph,
                             allow_unused, materialize_grads)  # fmt: skip
    retain_graph = create_graph if retain_graph is None else retain_graph
    allow_unused = materialize_grads if allow_unused is None else allow_unused
    if materialize_grads and not allow_unused:
        raise ValueError(
            "Expected allow_unused to be True or not passed when materialize_grads=True"
        )
    given = _as_list(grad_outputs) if grad_outputs is not None else None
    seeds = _seed_grads(outputs, given, as_tensors=create_graph)
    found = run_backward(outputs, seeds, retain_graph=retain_graph, sources=inputs,
                         create_graph=create_graph)  # fmt: skip
    result = []
    for i, x in enumerate(inputs):
        g = found.get(id(x))
        if g is None and not allow_unused:
            raise RuntimeError(
                f"The differentiated Tensor at index {i} appears to not have been used in the "
                "graph. Set allow_unused=True if this is the desired behavior."
            )
        if g is None and materialize_grads:
            g = _backend.array_module(x._data).zeros_like(x._data)
        result.append(None if g is None else g if isinstance(g, Tensor) else Tensor._wrap(g))
    return tuple(result)


def _batched_grad(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused,
                  materialize_grads):  # fmt: skip
    """`is_grads_batched`: one walk per row of the grad_outputs, stacked (PyTorch vmaps)."""
    from ..ops.shape import stack

    batches = [
        g if isinstance(g, Tensor) else Tensor._wrap(np.asarray(g)) for g in _as_list(grad_outputs)
    ]
    rows = []
    for i in range(batches[0].shape[0]):
        rows.append(grad(outputs, inputs, [b[i] for b in batches], True, create_graph,
                         allow_unused=allow_unused, materialize_grads=materialize_grads))  # fmt: skip
    return tuple(None if r[0] is None else stack(list(r)) for r in zip(*rows))


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _seed_grads(outputs, grad_outputs, as_tensors=False):
    """Upstream gradients for the roots, checked before anything runs: arrays, or Tensors
    (which may record a graph of their own) for a walk that records."""
    seeds = []
    for i, out in enumerate(outputs):
        if not isinstance(out, Tensor) or not out.requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn"
            )
        g = None if grad_outputs is None else grad_outputs[i]
        if g is None:
            if out._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            xp = _backend.array_module(out._data)
            seed = xp.array(1, out._data.dtype).reshape(out._data.shape)  # C-level, unlike ones
            seeds.append(Tensor._wrap(seed) if as_tensors else seed)
            continue
        array = g._data if isinstance(g, Tensor) else np.asarray(g)
        if array.shape != out._data.shape:
            raise ShapeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {Size(array.shape)} and "
                f"output[{i}] has a shape of {Size(out._data.shape)}."
            )
        if as_tensors and isinstance(g, Tensor):
            seeds.append(g if array.dtype == out._data.dtype else g.to(out._data.dtype))
        else:
            seed = array.astype(out._data.dtype, copy=True)
            seeds.append(Tensor._wrap(seed) if as_tensors else seed)
    return seeds


def backward(tensor, gradient=None, retain_graph=None, create_graph=False, inputs=None) -> None:
    """`Tensor.backward`: add the gradient of `tensor` to `.grad` of the leaves it depends on
    (of `inputs` only, when given); `create_graph=True` makes those `.grad` differentiable."""
    retain_graph = create_graph if retain_graph is None else retain_graph
    seeds = _seed_grads([tensor], None if gradient is None else [gradient], create_graph)
    if inputs is None:
        run_backward([tensor], seeds, retain_graph=retain_graph, create_graph=create_graph)
        return
    inputs = _as_list(inputs)
    found = run_backward([tensor], seeds, retain_graph=retain_graph, sources=inputs,
                         create_graph=create_graph)  # fmt: skip
    for x in inputs:
        g = found.get(id(x))
        if g is not None:
            g = g if isinstance(g, Tensor) else Tensor._wrap(g)
            x._grad = g if x._grad is None else x._grad + g
