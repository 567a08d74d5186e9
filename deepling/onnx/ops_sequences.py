"""Rows for the sequence ops (deepling/ops/attention.py), when they exist. The recurrent cells
(RNNCell, LSTMCell, GRUCell) need no row: each defines `compose`, its step written with ops,
which the exporter writes in its place."""

from __future__ import annotations

import numpy as np

try:
    from ..ops import attention as _attention
except ImportError:  # the sequence ops are not in this build
    _attention = None


def _safe_softmax_row(g, node, x):
    """softmax over the last axis among the entries that are not -inf; a row of -inf only
    gives zeros (where ONNX's Softmax would give NaN)."""
    dtype = node.output.dtype
    top = g.reduce("ReduceMax", x, [-1], True)
    empty = g.op("Equal", top, g.scalar(-np.inf, dtype))
    shift = g.op("Where", empty, g.scalar(0, dtype), top)
    e = g.op("Exp", g.op("Sub", x, shift))
    total = g.reduce("ReduceSum", e, [-1], True)
    return g.op("Div", e, g.op("Where", empty, g.scalar(1, dtype), total))


SEQUENCE_ROWS = {}
if _attention is not None and hasattr(_attention, "SafeSoftmax"):
    SEQUENCE_ROWS[_attention.SafeSoftmax] = _safe_softmax_row
