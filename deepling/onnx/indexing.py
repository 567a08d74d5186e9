"""GetItem's row: `x[key]` as ONNX Slice (slices), Gather (integers, one integer array) and
Unsqueeze (None). Bounds stay as written (`x[:, 1:]` reads no dim size), so a dynamic axis
survives. Boolean masks and several integer arrays at once raise NotImplementedError."""

from __future__ import annotations

import numpy as np

from .graph import INT64_MAX

INT64_MIN = np.iinfo(np.int64).min


def _parts(key, ndim: int) -> list:
    """The key as a list with the Ellipsis spelled out as full slices (and trailing ones added)."""
    parts = list(key) if isinstance(key, tuple) else [key]
    parts = [np.asarray(p) if isinstance(p, list) else p for p in parts]
    for p in parts:
        if isinstance(p, bool) or (isinstance(p, np.ndarray) and p.dtype == np.bool_):
            raise NotImplementedError(
                "ONNX export: indexing with a boolean mask (its output shape depends on the "
                "values) is not supported; use deepling.where instead"
            )
    used = sum(1 for p in parts if p is not None and p is not Ellipsis)
    fill = [slice(None)] * (ndim - used)
    for i, p in enumerate(parts):
        if p is Ellipsis:
            return parts[:i] + fill + parts[i + 1 :]
    return parts + fill


def _slice_bounds(s: slice):
    step = 1 if s.step is None else int(s.step)
    if step > 0:
        start = 0 if s.start is None else int(s.start)
        stop = INT64_MAX if s.stop is None else int(s.stop)
    else:
        start = INT64_MAX if s.start is None else int(s.start)
        stop = INT64_MIN if s.stop is None else int(s.stop)
    return start, stop, step


def _index_name(g, node, p):
    """The ONNX name of an integer index array: a traced value (the model's input) or a
    constant, as int64."""
    try:
        name = g.value_name(node.attr_value(p))
    except KeyError:  # a list in the key, made an array here
        name = g.const(p)
    return g.cast(name, p.dtype, np.int64)


def getitem(g, node, x):
    parts = _parts(node.fn.key, node.inputs[0].array.ndim)
    arrays = [p for p in parts if isinstance(p, np.ndarray)]
    ints = [p for p in parts if isinstance(p, (int, np.integer))]
    if len(arrays) > 1 or (arrays and (ints or any(p is None for p in parts))):
        raise NotImplementedError(
            "ONNX export: indexing with several integer arrays, or an array together with "
            "integers or None, is not supported; index one axis at a time"
        )
    starts, ends, axes, steps = [], [], [], []
    picks, new_axes = [], []  # (input axis, index) and the output positions of None
    axis = out = 0
    for p in parts:
        if p is None:
            new_axes.append(out)
            out += 1
            continue
        if isinstance(p, slice):
            if p != slice(None) and p != slice(None, None, 1):
                for bounds, value in zip((starts, ends, steps), _slice_bounds(p)):
                    bounds.append(value)
                axes.append(axis)
            out += 1
        elif isinstance(p, np.ndarray):
            picks.append((axis, p))
            out += p.ndim
        else:
            picks.append((axis, int(p)))
        axis += 1
    y = x
    if axes:
        y = g.op("Slice", y, g.ints(starts), g.ints(ends), g.ints(axes), g.ints(steps))
    for ax, p in reversed(picks):  # the last axis first, so earlier axes keep their numbers
        index = g.scalar(p, np.int64) if isinstance(p, int) else _index_name(g, node, p)
        y = g.op("Gather", y, index, axis=ax)
    if new_axes:
        y = g.op("Unsqueeze", y, g.ints(new_axes))
    if y is x:  # x[...] or x[:]: a view of all of x
        y = g.op("Identity", x)
    return y
