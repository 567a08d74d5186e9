"""The one backward walk, behind `Tensor.backward`, `deepling.grad` and `GradientTape.gradient`.

It pops the Function with the largest tick first from a heap: reverse topological order without
recursion, and a GradientTape is simply a window of ticks. The usual first-order walk runs each
backward rule on arrays. With `create_graph=True` it runs the same rules on Tensors, recording
them, so the gradients are differentiable again (higher orders); see `_backward_as_graph`.
"""

from __future__ import annotations

import heapq
import math
import threading

import numpy as np

from .. import _backend
from ..grad_mode import enable_grad
from ..recording import recorder_here
from ..tensor import Tensor, clock
from .function import ShapeError


# --- undoing broadcasting, the one place it is done ---
def _sum_to(g, shape, fn):
    """Sum `g` (an array, or a Tensor on the higher-order walk) down to `shape`."""
    if not shape:  # a scalar parameter: the common case in tutorials, so take the short way
        return g.sum() if isinstance(g, Tensor) else _backend.array_module(g).asarray(g.sum())
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
            g = g.reshape(tuple(g.shape[lead:]))
    if tuple(g.shape) != tuple(shape):
        raise ShapeError(
            f"{fn.name()} returned a gradient of shape {g.shape} for an input of shape {shape}"
        )
    return g


_FREED = (
    "Trying to backward through the graph a second time (or to use its saved arrays after "
    "they were freed). Pass retain_graph=True to the first backward (or use a persistent "
    "GradientTape) to walk the same graph again."
)


# --- callbacks queued during a walk, run once it has committed its gradients ---
_walks = threading.local()  # .queue: the current walk's callbacks; .fills_grad: a backward()


def queue_callback(callback) -> None:
    """Run `callback()` when the current walk ends, after the leaves' `.grad` are committed
    (PyTorch's `Variable._execution_engine.queue_callback`); call it from a backward rule.
    DistributedDataParallel averages the gradients across processes this way."""
    queue = getattr(_walks, "queue", None)
    if queue is None:
        raise RuntimeError("queue_callback can only be called during the backward pass")
    queue.append(callback)


def walk_fills_grad() -> bool:
    """Whether the walk in progress fills `.grad` (`backward()`), not returns gradients."""
    return getattr(_walks, "fills_grad", False)


def run_backward(roots, root_grads, *, retain_graph=False, sources=None, window=(0, math.inf),
                 create_graph=False):  # fmt: skip
    """The walk below, then the callbacks its backward rules queued (see queue_callback).
    While a compiled step records on this thread, its recorder walks instead (and writes the
    walk down as array calls)."""
    rec = recorder_here()
    walk = _walk if rec is None else rec.backward_walk
    outer = getattr(_walks, "queue", None), getattr(_walks, "fills_grad", False)
    _walks.queue, _walks.fills_grad = [], sources is None
    try:
        result = walk(roots, root_grads, retain_graph, sources, window, create_graph)
        queue, _walks.queue = _walks.queue, None
        if queue and rec is not None:
            rec.give_up("a backward rule queued a callback (DistributedDataParallel's averaging)")
        for callback in queue:
            callback()
    finally:
        _walks.queue, _walks.fills_grad = outer
    return result


def _walk(roots, root_grads, retain_graph, sources, window, create_graph):
    """Walk the graph from `roots` (seeded with `root_grads`) in reverse topological order.

    With `sources=None` the leaves' `.grad` are filled (PyTorch's `backward`); otherwise a dict
    {id(source): gradient} is returned and no `.grad` is touched (`grad`, `GradientTape`).
    Only Functions whose tick lies in `window` are walked (a tape's recording span). Leaf
    gradients are committed only after the whole walk succeeds. Gradients are arrays, or
    Tensors that record their own graph with `create_graph`.
    """
    wanted = None if sources is None else {id(s) for s in sources}
    found = {}  # id(tensor) -> [tensor, grad]: leaves (backward) or sources (grad)
    pending = {}  # Function -> gradient of its output, summed over its consumers
    outputs = {}  # Function -> its output tensor, when it is needed (see below)
    heap, visited, retained = [], [], []
    lo, hi = window
    # Functions recorded before the newest in-place change must check what they saved
    changed = clock.last_change
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
                        if create_graph or changed > fn.seq:
                            outputs[fn] = t
                        heapq.heappush(heap, (-fn.seq, fn))  # seq is unique: fn is never compared
            elif wanted is None and t.requires_grad:
                _accumulate(found, t, g)
        if not heap:
            break
        fn = heapq.heappop(heap)[1]
        gy = pending.pop(fn)
        if fn.inputs is None:
            raise RuntimeError(_FREED)
        if changed > fn.seq:  # something changed in place after fn was recorded
            _check_unchanged(fn, outputs[fn])
        if fn.retained is not None and wanted is None:
            retained.append((fn.retained(), gy))
        grads = _backward_as_graph(fn, gy, outputs[fn]) if create_graph else fn.backward(gy)
        if not isinstance(grads, tuple):
            grads = (grads,)
        if len(grads) != len(fn.inputs):  # zip would silently drop the missing gradients
            raise RuntimeError(
                f"{fn.name()} returned {len(grads)} gradients for {len(fn.inputs)} inputs"
            )
        edges = []
        for x, need, gx in zip(fn.inputs, fn.needs_input_grad, grads):
            if need and gx is not None:
                xd = x._data
                if gx.shape != xd.shape:
                    gx = _sum_to(gx, xd.shape, fn)
                if gx.dtype is not xd.dtype and gx.dtype != xd.dtype:  # `is`: the usual case
                    gx = gx.to(xd.dtype) if create_graph else gx.astype(xd.dtype)
                edges.append((x, gx))
        visited.append(fn)
    if not retain_graph:
        for fn in visited:
            fn.inputs = None
            fn.saved = None
    if create_graph:  # Tensors with graphs: accumulate by recording an addition
        if wanted is not None:
            return {tid: g for tid, (_, g) in found.items()}
        for t, g in retained + list(found.values()):
            if t is not None:
                t._grad = g if t._grad is None else t._grad + g
        return None
    owned = set()
    if wanted is not None:
        return {tid: _own(g, owned) for tid, (_, g) in found.items()}
    for t, g in retained + list(found.values()):
        if t is not None:  # None: a retained non-leaf that no longer exists
            t._grad = Tensor._wrap(_own(g, owned) if t._grad is None else t._grad._data + g)
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


def _check_unchanged(fn, out) -> None:
    """PyTorch's error when a tensor that `fn` saved for its backward changed in place since."""
    saved = fn.saved or ()
    for x in [x for x in fn.inputs if isinstance(x, Tensor)] + [out]:
        changed = x._changed
        if changed is not None and changed[0] > fn.seq and any(a is x._data for a in saved):
            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an "
                f"inplace operation: [{x.type()} {list(x.shape)}], which {fn.name()} saved, "
                "was changed in place after it was used. Hint: make the change out of place "
                "(`w = w * 10`), or before the forward pass that uses it."
            )


# --- higher orders: the same backward rules, run on Tensors ---
def _backward_as_graph(fn, gy, out):
    """`fn.backward(gy)` with Tensors in place of arrays, recorded so it can be differentiated.

    The saved arrays that are `fn`'s inputs or output become those tensors (so the gradient
    depends on them), others become constants; `xp` becomes `deepling.ops.xp`, numpy's names
    over ops. A fused Function with values derived from its inputs (softmax probabilities, a
    batch's statistics) gives its composition instead (`compose`), differentiated here.
    """
    if getattr(fn, "compose", None) is not None:
        return _composed_grads(fn, gy)
    from ..ops import xp as tensor_xp

    by_array = {id(x._data): x for x in fn.inputs if isinstance(x, Tensor)}
    by_array[id(out._data)] = out
    saved, own_xp = fn.saved, fn.__dict__.get("xp")
    if saved is not None:
        fn.saved = tuple(_as_saved_tensor(a, by_array) for a in saved)
    fn.xp = tensor_xp
    try:
        with enable_grad():
            return fn.backward(gy)
    finally:
        fn.saved = saved
        if own_xp is None:
            del fn.xp  # back to the class's NumPy
        else:
            fn.xp = own_xp


def _as_saved_tensor(a, by_array):
    """A saved array as the tensor it is the data of, else as a constant (masks, indices)."""
    if not isinstance(a, np.ndarray):
        return a
    found = by_array.get(id(a))
    return Tensor._wrap(a) if found is None else found


def _composed_grads(fn, gy):
    """The gradients of `fn.compose(*inputs)`, the fused op written as a composition of ops."""
    first = next(clock.ticks)  # the composition's ticks come after: walk only those
    with enable_grad():
        y = fn.compose(*fn.inputs)
    needed = [x for x, need in zip(fn.inputs, fn.needs_input_grad) if need]
    # retain_graph: the gradients' own graph goes through the composition's saved values
    found = run_backward([y], [gy], sources=needed, window=(first, math.inf), create_graph=True,
                         retain_graph=True)  # fmt: skip
    return tuple(
        found.get(id(x)) if need else None for x, need in zip(fn.inputs, fn.needs_input_grad)
    )
