"""Replaying a Trace on new arrays, and the check that a trace recorded everything its function
computed from its inputs (nothing went around the ops, e.g. through `.numpy()` or `x > 0`)."""

from __future__ import annotations

import copy

import numpy as np

from ..tensor import Tensor
from .trace import CONSTANT, PARAMETER, Trace, TraceError


class _NoGradients(tuple):
    """`needs_input_grad` for a replayed forward: nothing will ask for a gradient."""

    def __getitem__(self, index):
        return False


_NOTHING = _NoGradients()


def replay(trace: Trace, *arrays) -> list:
    """The outputs of the recorded calls run again on new input arrays (same shapes).

    Each Function runs its `forward` on a shallow copy of itself whose attribute arrays that were
    graph inputs or node outputs are swapped for their new arrays; parameters are read as they
    are now, constants as they were captured.
    """
    if len(arrays) != len(trace.inputs):
        raise TypeError(f"replay: the trace has {len(trace.inputs)} inputs, got {len(arrays)}")
    env = {id(v): np.asarray(a._data if isinstance(a, Tensor) else a)
           for v, a in zip(trace.inputs, arrays)}  # fmt: skip

    def array_of(v):
        if v is None:
            return None
        if v.kind in (CONSTANT, PARAMETER):
            return v.array
        return env[id(v)]

    for node in trace.nodes:
        fn = copy.copy(node.fn)
        for attr, path, v in node.attrs:
            if v.kind not in (CONSTANT, PARAMETER):
                setattr(fn, attr, _replaced(getattr(fn, attr), path, array_of(v)))
        fn.needs_input_grad, fn.saved = _NOTHING, None
        env[id(node.output)] = np.asarray(fn.forward(*[array_of(v) for v in node.inputs]))
    return [array_of(v) for v in trace.outputs]


def _replaced(obj, path, new):
    """`obj` with the item at `path` (indices into nested tuples/lists) replaced by `new`."""
    if not path:
        return new
    items = list(obj)
    items[path[0]] = _replaced(items[path[0]], path[1:], new)
    return type(obj)(items) if isinstance(obj, tuple) else items


def perturbed(array, rng):
    """Another array of the same shape and dtype: floats scaled by 0.5 to 1.5, every other one
    negated (so comparisons with 0 change; zeros become normal draws), integers redrawn between
    the example's smallest and largest (indices stay in range), booleans redrawn."""
    a = np.asarray(array)
    if a.dtype.kind == "f":
        sign = np.where(np.arange(a.size).reshape(a.shape) % 2 == 0, -1.0, 1.0)
        scaled = a * rng.uniform(0.5, 1.5, a.shape) * sign
        scaled = np.where(np.isfinite(a), scaled, a)  # infinities (masks) stay as they are
        return np.where(a == 0, rng.normal(size=a.shape), scaled).astype(a.dtype)
    if a.dtype.kind in "iu" and a.size:
        return rng.integers(a.min(), a.max(), a.shape, endpoint=True).astype(a.dtype)
    if a.dtype.kind == "b":
        return rng.random(a.shape) < 0.5
    return a.copy()


def check_replay(trace: Trace, fn, seed: int = 0, rtol: float = 1e-4, atol: float = 1e-5) -> None:
    """Run `fn` eagerly and the trace's replay on the same new inputs and compare: a difference
    means `fn` computed something from its inputs outside recorded ops (`.numpy()`, `.item()`,
    a comparison, `argmax`, Python control flow on values), which a replay would not see.

    Raises:
        TraceError: naming the output that differs and the largest difference.
    """
    rng = np.random.default_rng(seed)
    new = [perturbed(v.array, rng) for v in trace.inputs]
    with np.errstate(all="ignore"):  # the new inputs may overflow where the example did not
        expected = fn(*[Tensor._wrap(a.copy()) for a in new])
        got = replay(trace, *new)
    expected = [expected] if isinstance(expected, Tensor) else list(expected)
    for i, (e, g) in enumerate(zip(expected, got)):
        e = e._data
        if e.shape != np.shape(g) or not np.allclose(e, g, rtol=rtol, atol=atol, equal_nan=True):
            diff = (
                float(np.nanmax(np.abs(e.astype(np.float64) - g)))
                if e.shape == np.shape(g)
                else f"shape {e.shape} vs {np.shape(g)}"
            )
            raise TraceError(
                f"output {i} of the traced function changes with its inputs in a way the trace "
                f"did not record (largest difference on new inputs: {diff}): part of it was "
                "computed outside deepling's ops (.numpy(), .item(), a comparison such as x > 0, "
                "argmax, an integer cast) or by Python control flow on values"
            )
