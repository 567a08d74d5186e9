"""The engine's first-order walk, run while a compiled step records and written down as it runs.

It visits the graph exactly as autograd/engine.py's `_walk` does (the largest tick first, the
same deliveries, sums and casts, in the same order, so compiled gradients are bit-identical)
and, next to each array operation, emits the line that repeats it: `g = f7.backward(v9)`, the
broadcasting sum already resolved to fixed axes, the accumulation `+`, the commit to `.grad`.
Keep it in step with `_walk`: tests/compiler/test_compiled.py compares the two on random graphs.
"""

from __future__ import annotations

import heapq

from ..autograd import engine
from ..tensor import Tensor, clock


def walk(rec, roots, root_grads, retain_graph, sources, window):
    """`engine._walk` for `create_graph=False`, recording into `rec` (a StepRecorder)."""
    wanted = None if sources is None else {id(s) for s in sources}
    found = {}  # id(tensor) -> [tensor, gradient, its name]
    pending = {}  # Function -> [gradient of its output, its name]
    outputs, heap, visited, retained = {}, [], [], []
    lo, hi = window
    changed = clock.last_change
    edges = [(t, g, rec.array_expr(g)) for t, g in zip(roots, root_grads)]
    while True:
        for t, g, name in edges:
            if wanted is not None and id(t) in wanted:
                _accumulate(rec, found, t, g, name)
            fn = t.grad_fn
            if fn is not None:
                if lo <= fn.seq < hi:
                    entry = pending.get(fn)
                    if entry is not None:
                        entry[0] = entry[0] + g
                        entry[1] = _emit_sum(rec, entry[0], entry[1], name)
                    else:
                        pending[fn] = [g, name]
                        if changed > fn.seq:
                            outputs[fn] = t
                        heapq.heappush(heap, (-fn.seq, fn))
            elif wanted is None and t.requires_grad:
                _accumulate(rec, found, t, g, name)
        if not heap:
            break
        fn = heapq.heappop(heap)[1]
        gy, gy_name = pending.pop(fn)
        if fn.inputs is None:
            raise RuntimeError(engine._FREED)
        if changed > fn.seq:
            engine._check_unchanged(fn, outputs[fn])
        if fn.retained is not None and wanted is None:
            rec.give_up("retain_grad() on a tensor inside the step is not compiled")
            retained.append((fn.retained(), gy))
        fname = rec.captured.get(id(fn))
        if fname is None or rec.namespace.get(fname) is not fn:
            rec.give_up("the backward walk reached ops recorded before the step began")
            fname = rec.capture(fn)
        grads = fn.backward(gy)
        result = rec.new_name("g")
        rec.emit(f"{result} = {fname}.backward({gy_name})")
        single = not isinstance(grads, tuple)
        if single:
            grads = (grads,)
        if len(grads) != len(fn.inputs):
            raise RuntimeError(
                f"{fn.name()} returned {len(grads)} gradients for {len(fn.inputs)} inputs"
            )
        edges = []
        for i, (x, need, gx) in enumerate(zip(fn.inputs, fn.needs_input_grad, grads)):
            if need and gx is not None:
                name = result if single else rec.new_name("g")
                if not single:
                    rec.emit(f"{name} = {result}[{i}]")
                xd = x._data
                if gx.shape != xd.shape:
                    rec.emit(f"{name} = {_summed(name, gx, xd.shape)}")
                    gx = engine._sum_to(gx, xd.shape, fn)
                if gx.dtype is not xd.dtype and gx.dtype != xd.dtype:
                    gx = gx.astype(xd.dtype)
                    rec.emit(f"{name} = {name}.astype({rec.capture(xd.dtype)})")
                edges.append((x, gx, name))
        visited.append(fn)
    if not retain_graph:
        for fn in visited:
            fn.inputs = None  # the replayed program calls forward again before backward
            fn.saved = None
    return _commit(rec, found, retained, wanted)


def _summed(name, g, shape) -> str:
    """The source of engine._sum_to(name, shape) for a gradient shaped as `g` is: the axes to
    sum are fixed by the shapes, so the program sums over them directly."""
    if not shape:
        return f"_asarray({name}.sum())"
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and g.shape[lead + i] != 1
    )
    if not axes:
        return name
    summed = f"{name}.sum(axis={axes!r}, keepdims=True)"
    return f"{summed}.reshape({shape!r})" if lead else summed


def _owned(g, owned, name) -> tuple:
    """engine._own(g, owned) and its source: the program repeats the same choice (keep the
    array, or copy it), since the same calls give arrays of the same kind each time."""
    own = engine._own(g, owned)
    return own, (name if own is g else f"_copy({name})")


def _emit_sum(rec, total, left, right) -> str:
    name = rec.bind(total, rec.new_name("g"))
    rec.emit(f"{name} = {left} + {right}")
    return name


def _accumulate(rec, found, t, g, name) -> None:
    entry = found.get(id(t))
    if entry is None:
        found[id(t)] = [t, g, name]
    else:
        entry[1] = entry[1] + g
        entry[2] = _emit_sum(rec, entry[1], entry[2], name)


def _commit(rec, found, retained, wanted):
    """The walk's results: gradients returned (grad, tapes) or added to `.grad` (backward)."""
    owned = set()
    if wanted is not None:
        results = {}
        for tid, (_, g, name) in found.items():
            results[tid], source = _owned(g, owned, name)
            rec.emit(f"{rec.bind(results[tid], rec.new_name('v'))} = {source}")
        return results
    for t, g in retained:
        if t is not None:
            t._grad = Tensor._wrap(engine._own(g, owned) if t._grad is None else t._grad._data + g)
    for t, g, name in found.values():
        # `.grad` may be None or hold a gradient when the program runs: decide then, as _walk
        own, source = _owned(g, owned, name)  # decided the same way whatever `.grad` holds
        array = own if t._grad is None else t._grad._data + g
        t._grad = Tensor._wrap(array)
        leaf, new = rec.expr(t), rec.bind(array, rec.new_name("v"))
        rec.emit(f"{new} = {source} if {leaf}._grad is None else {leaf}._grad._data + {name}")
        rec.emit(f"{leaf}._grad = _wrap({new})")
    return None
