"""Function (one differentiable primitive), grad mode, and the one backward walk.

Every Function has exactly one output. The output Tensor points at the Function (`grad_fn`);
the Function points at its inputs. Nothing points back at the output, so there is no cycle
to break, and the walk keeps each Function's incoming gradient in a dict while it runs.

Each recorded Function gets an increasing sequence number. A Function's inputs were made
before it, so popping the largest number first from a heap visits the graph in reverse
topological order without recursion, and a GradientTape is simply a range of numbers.
"""

from __future__ import annotations

import heapq
import math

import numpy as np

from . import _backend, grad_mode
from .tensor import Size, Tensor, check_differentiable  # noqa: F401  (tape.py imports the check)


class ShapeError(ValueError, RuntimeError):
    """Shapes that do not fit an op. A ValueError (Keras, NumPy) and a RuntimeError (PyTorch)."""


_seq = 0  # sequence number of the last recorded Function


# --- Function ---
class Function:
    """One differentiable primitive: `forward(*arrays) -> array`, `backward(gy) -> grads`.

    Subclasses work on raw arrays (`self.xp` is NumPy or CuPy) and return one gradient per
    input (None where there is none). Calling an instance wraps the result in a Tensor and,
    when grad mode is on and an input needs a gradient, records the graph link.
    """

    __slots__ = ("inputs", "needs_input_grad", "seq", "__dict__")
    saved = None  # class defaults: most calls never set them, so they cost no store
    retained = None
    xp = np

    def __call__(self, *inputs):
        arrays = [x.data if isinstance(x, Tensor) else x for x in inputs]
        if _backend.cupy is not None:
            self.xp = _backend.array_module(*arrays)
        try:
            y = self.forward(*arrays)
        except ValueError as e:
            shapes = ", ".join(str(tuple(np.shape(a))) for a in arrays)
            raise ShapeError(f"{type(self).__name__}: {e} (input shapes: {shapes})") from None
        out = Tensor._wrap(y)
        if grad_mode.enabled:
            needs = [isinstance(x, Tensor) and x.requires_grad for x in inputs]
            if True in needs:
                global _seq
                _seq += 1
                self.seq = _seq
                self.inputs = inputs
                self.needs_input_grad = needs
                out.requires_grad = True
                out.grad_fn = self
                return out
        self.saved = None  # nothing will call backward: let the saved arrays go now
        return out

    def save_for_backward(self, *arrays) -> None:
        self.saved = arrays

    def forward(self, *arrays):
        raise NotImplementedError

    def backward(self, gy):
        raise NotImplementedError

    def name(self) -> str:
        return f"{type(self).__name__}Backward0"

    def __repr__(self) -> str:
        return f"<{self.name()}>"


# --- the walk ---
def _sum_to(g, shape, fn):
    """Undo broadcasting: sum `g` down to `shape`, the one place gradients are unbroadcast."""
    if not shape:  # a scalar parameter: the common case in tutorials, so take the short way
        return _backend.array_module(g).asarray(g.sum())  # an array, not a NumPy scalar
    lead = g.ndim - len(shape)
    if lead < 0:
        raise ShapeError(
            f"{fn.name()} returned a gradient of shape {g.shape} for an input of shape {shape}"
        )
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and g.shape[lead + i] != 1
    )
    if axes:
        g = g.sum(axis=axes, keepdims=True)
        if lead:
            g = g.reshape(g.shape[lead:])
    if g.shape != tuple(shape):
        raise ShapeError(
            f"{fn.name()} returned a gradient of shape {g.shape} for an input of shape {shape}"
        )
    return g


_FREED = (
    "Trying to backward through the graph a second time (or to use its saved arrays after "
    "they were freed). Pass retain_graph=True to the first backward (or use a persistent "
    "GradientTape) to walk the same graph again."
)


def run_backward(roots, root_grads, *, retain_graph=False, sources=None, window=(0, math.inf)):
    """Walk the graph from `roots` (seeded with `root_grads`) in reverse topological order.

    With `sources=None` the leaves' `.grad` are filled (PyTorch's `backward`); otherwise a dict
    {id(source): grad array} is returned and no `.grad` is touched (`grad`, `GradientTape`).
    Only Functions whose sequence number lies in `window` are walked (a tape's recording span).
    Leaf gradients are committed only after the whole walk succeeds.
    """
    wanted = None if sources is None else {id(s) for s in sources}
    found = {}  # id(tensor) -> [tensor, grad]: leaves (backward) or sources (grad)
    pending = {}  # Function -> gradient of its output, summed over its consumers
    heap = []
    visited = []
    retained = []
    lo, hi = window
    edges = list(zip(roots, root_grads))  # (tensor, gradient) pairs waiting to be delivered
    while True:
        for t, g in edges:  # deliver: to the tensor's Function, or to a leaf / source
            if wanted is not None and id(t) in wanted:
                _accumulate(found, t, g)
            fn = t.grad_fn
            if fn is not None:
                if lo <= fn.seq < hi:
                    if fn in pending:
                        pending[fn] = pending[fn] + g
                    else:
                        pending[fn] = g
                        heapq.heappush(heap, (-fn.seq, fn))  # seq is unique: fn is never compared
            elif wanted is None and t.requires_grad:
                _accumulate(found, t, g)
        if not heap:
            break
        fn = heapq.heappop(heap)[1]
        gy = pending.pop(fn)
        if fn.inputs is None:
            raise RuntimeError(_FREED)
        if fn.retained is not None and wanted is None:
            retained.append((fn.retained(), gy))
        grads = fn.backward(gy)
        if not isinstance(grads, tuple):
            grads = (grads,)
        if len(grads) != len(fn.inputs):  # zip would silently drop the missing gradients
            raise RuntimeError(
                f"{fn.name()} returned {len(grads)} gradients for {len(fn.inputs)} inputs"
            )
        edges = []
        for x, need, gx in zip(fn.inputs, fn.needs_input_grad, grads):
            if need and gx is not None:
                xd = x.data
                if gx.shape != xd.shape:
                    gx = _sum_to(gx, xd.shape, fn)
                if gx.dtype is not xd.dtype and gx.dtype != xd.dtype:  # `is`: the usual case
                    gx = gx.astype(xd.dtype)
                edges.append((x, gx))
        visited.append(fn)
    if not retain_graph:
        for fn in visited:
            fn.inputs = None
            fn.saved = None
    owned = set()
    if wanted is not None:
        return {tid: _own(g, owned) for tid, (_, g) in found.items()}
    for t, g in retained + list(found.values()):
        if t is not None:  # None: a retained non-leaf that no longer exists
            t.grad = Tensor._wrap(_own(g, owned) if t.grad is None else t.grad.data + g)
    return None


def _accumulate(found, t, g):
    entry = found.get(id(t))
    if entry is None:
        found[id(t)] = [t, g]
    else:
        entry[1] = entry[1] + g  # out of place: Add hands the same array to both inputs


def _own(g, owned):
    """A writable array that no other gradient shares, so `grad.zero_()` touches one tensor."""
    if type(g) is np.ndarray and g.base is None and id(g) not in owned:
        owned.add(id(g))  # a fresh array of its own (the usual case): keep it as it is
        return g
    xp = _backend.array_module(g)
    if (
        not isinstance(g, xp.ndarray)
        or not g.flags.owndata
        or not g.flags.writeable
        or id(g) in owned
    ):
        g = xp.array(g)
    owned.add(id(g))
    return g


def grad(outputs, inputs, grad_outputs=None, retain_graph=False, allow_unused=False):
    """Gradients of `outputs` with respect to `inputs`, returned as a tuple; `.grad` is untouched.

    Example:
        >>> import deepling as dl
        >>> x = dl.tensor(3.0, requires_grad=True)
        >>> dl.grad(x * x, x)
        (tensor(6.),)
    """
    outputs = _as_list(outputs)
    inputs = _as_list(inputs)
    seeds = _seed_grads(outputs, _as_list(grad_outputs) if grad_outputs is not None else None)
    found = run_backward(outputs, seeds, retain_graph=retain_graph, sources=inputs)
    result = []
    for i, x in enumerate(inputs):
        g = found.get(id(x))
        if g is None and not allow_unused:
            raise RuntimeError(
                f"The differentiated Tensor at index {i} appears to not have been used in the "
                "graph. Set allow_unused=True if this is the desired behavior."
            )
        result.append(None if g is None else Tensor._wrap(g))
    return tuple(result)


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _seed_grads(outputs, grad_outputs):
    """Upstream gradients for the roots, checked before anything runs."""
    seeds = []
    for i, out in enumerate(outputs):
        if not out.requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn"
            )
        g = None if grad_outputs is None else grad_outputs[i]
        if g is None:
            if out.data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            xp = _backend.array_module(out.data)
            seeds.append(
                xp.array(1, out.data.dtype).reshape(out.data.shape)
            )  # C-level, unlike ones
            continue
        g = g.data if isinstance(g, Tensor) else np.asarray(g)
        if g.shape != out.data.shape:
            raise ShapeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {Size(g.shape)} and "
                f"output[{i}] has a shape of {Size(out.data.shape)}."
            )
        seeds.append(g.astype(out.data.dtype, copy=True))
    return seeds


def backward(tensor, gradient=None, retain_graph: bool = False) -> None:
    """`Tensor.backward`: fill `.grad` of the leaves `tensor` depends on (summed into existing
    grads)."""
    seeds = _seed_grads([tensor], None if gradient is None else [gradient])
    run_backward([tensor], seeds, retain_graph=retain_graph)
