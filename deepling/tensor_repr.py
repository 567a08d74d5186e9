"""Printing tensors as PyTorch prints them, so that a program run with `import deepling as
torch` prints what its tutorial shows: PyTorch's number formats (4 decimals, `3.` for whole
numbers, scientific for wide ranges), its line breaks at 80 columns, its summaries of tensors
over 1000 elements (3 at each end), and its suffixes (`dtype=torch.float64`,
`grad_fn=<AddmmBackward0>`, `requires_grad=True`, `size=(0, 3)` for empty tensors).

This follows the algorithm of torch/_tensor_str.py (PRINT_OPTS' defaults) on NumPy arrays.
A face with its own print (TensorFlow's) binds another `__repr__` to its tensors.
"""

from __future__ import annotations

import math

import numpy as np

from . import _backend

EDGE, THRESHOLD, LINE_WIDTH, PRECISION = 3, 1000, 80, 4


class _Formatter:
    """One width and one style for every number of a tensor, chosen from the values shown."""

    def __init__(self, values: np.ndarray):
        self.floating = values.dtype.kind == "f"
        self.int_mode, self.sci_mode, self.max_width = True, False, 1
        if not self.floating:
            self.max_width = max((len(str(v)) for v in values.reshape(-1).tolist()), default=1)
            return
        values = values.astype(np.float64).reshape(-1)
        shown = values[np.isfinite(values) & (values != 0)]
        if shown.size == 0:
            return  # only zeros, nan and inf: `0.`, `nan`
        top, low = np.abs(shown).max(), np.abs(shown).min()
        self.int_mode = bool(np.all(shown == np.ceil(shown)))
        wide = top / low > 1000.0 or top > 1.0e8
        self.sci_mode = wide if self.int_mode else wide or low < 1.0e-4
        if self.sci_mode:
            spec = f"{{:.{PRECISION}e}}"
        else:
            spec = "{:.0f}." if self.int_mode else f"{{:.{PRECISION}f}}"
        self.max_width = max(len(spec.format(v)) for v in shown.tolist())

    def format(self, value) -> str:
        if not self.floating:
            text = f"{value}"
        elif self.sci_mode:
            text = f"{value:{self.max_width}.{PRECISION}e}"
        elif self.int_mode:
            text = f"{value:.0f}" + ("." if math.isfinite(value) else "")
        else:
            text = f"{value:.{PRECISION}f}"
        return text.rjust(self.max_width)


def _summarized(array: np.ndarray) -> np.ndarray:
    """The values a summary shows: 3 at each end of every dim longer than 6."""
    keep = [np.r_[0:EDGE, n - EDGE : n] if n > 2 * EDGE else np.arange(n) for n in array.shape]
    return array[np.ix_(*keep)] if array.ndim else array


def _vector(values: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    per_line = max(1, (LINE_WIDTH - indent) // (fmt.max_width + 2))
    if summarize and values.shape[0] > 2 * EDGE:
        data = [fmt.format(v) for v in values[:EDGE].tolist()] + [" ..."]
        data += [fmt.format(v) for v in values[-EDGE:].tolist()]
    else:
        data = [fmt.format(v) for v in values.tolist()]
    lines = [", ".join(data[i : i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested(array: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    if array.ndim == 0:
        return fmt.format(array.item())
    if array.ndim == 1:
        return _vector(array, indent, summarize, fmt)
    n = array.shape[0]
    rows = range(n)
    if summarize and n > 2 * EDGE:
        rows = [*range(EDGE), None, *range(n - EDGE, n)]
    parts = ["..." if i is None else _nested(array[i], indent + 1, summarize, fmt) for i in rows]
    return "[" + ("," + "\n" * (array.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def tensor_repr(self) -> str:
    """`repr(t)` as PyTorch's: `tensor([[0.2558],\\n        [0.8470]], grad_fn=<...>)`."""
    array = self._data if isinstance(self._data, np.ndarray) else np.asarray(self.numpy(force=True))
    prefix, suffixes = "tensor(", []
    indent = len(prefix)
    if array.size == 0:
        body = "[]"
        if array.ndim != 1:
            suffixes.append(f"size={tuple(array.shape)}")
        if array.dtype != _backend.default_float:
            suffixes.append(f"dtype=torch.{array.dtype}")
    else:
        if array.dtype not in (_backend.default_float, np.int64, np.bool_):
            suffixes.append(f"dtype=torch.{array.dtype}")
        if array.dtype == np.float16:
            array = array.astype(np.float32)  # PyTorch formats half precision as float
        summarize = array.size > THRESHOLD
        fmt = _Formatter(_summarized(array) if summarize else array)
        body = _nested(array, indent, summarize, fmt)
    if self.grad_fn is not None:
        suffixes.append(f"grad_fn={self.grad_fn!r}")
    elif self.requires_grad:
        suffixes.append("requires_grad=True")
    text = prefix + body
    line = len(text) - text.rfind("\n") + 1  # PyTorch's own count, +1 and all
    for suffix in suffixes:  # a suffix that would pass 80 columns starts a new line
        wrap = line + len(suffix) + 2 > LINE_WIDTH
        text += (",\n" + " " * indent if wrap else ", ") + suffix
        line = indent + len(suffix) if wrap else line + len(suffix) + 2
    return text + ")"
