"""TF's housekeeping names: the version this face follows, eager mode, the logger, tf.print."""

from __future__ import annotations

import logging
import sys
import types

import numpy as np

from ..recording import effect as _effect
from ..tensor import Tensor as _CoreTensor

__version__ = "2.21.0"  # the TensorFlow release whose names, defaults and printing deepling follows
version = types.SimpleNamespace(VERSION=__version__, GIT_VERSION="deepling", COMPILER_VERSION="")


def executing_eagerly() -> bool:
    """True: deepling always runs operations at once (TF 2's default)."""
    return True


def get_logger() -> logging.Logger:
    """TensorFlow's logger ('tensorflow'), a standard `logging.Logger`."""
    return logging.getLogger("tensorflow")


def _number(v) -> str:
    if isinstance(v, (bool, np.bool_)):
        return "1" if v else "0"
    if isinstance(v, (float, np.floating)):
        return f"{float(v):g}"
    return str(v)


def _text(array: np.ndarray, summarize: int, indent: int = 0) -> str:
    """TF's print layout: `[1 2 3]`, nested rows on their own lines, '...' past `summarize`
    entries at each end of a dim (summarize=-1 prints everything)."""
    if array.ndim == 0:
        return _number(array[()])
    n = array.shape[0]
    idx = list(range(n))
    if 0 <= summarize < n and n > 2 * summarize:
        idx = [*range(summarize), None, *range(n - summarize, n)]
    if array.ndim == 1:
        return "[" + " ".join("..." if i is None else _number(array[i]) for i in idx) + "]"
    sep = "\n" * (array.ndim - 1) + " " * (indent + 1)
    parts = ["..." if i is None else _text(array[i], summarize, indent + 1) for i in idx]
    return "[" + sep.join(parts) + "]"


def print(*inputs, output_stream=None, summarize=3, sep=" ", end="\n", name=None) -> None:  # noqa: A001
    """Print tensors as TF does (`[1 2 3]`, 6 significant digits, at most `summarize` entries
    at each end of a dim) and other values as Python does, to standard error by default
    (`output_stream=sys.stdout` or 'file://path' elsewhere).

    Example:
        >>> import sys
        >>> import deepling.tf as tf
        >>> tf.print(tf.constant([1.5, 2.0]), "done", output_stream=sys.stdout)
        [1.5 2] done
    """
    _print(inputs, output_stream, summarize, sep, end)


@_effect  # an op in TF: a compiled tf.function prints on every call, not only while tracing
def _print(inputs: tuple, output_stream, summarize, sep, end) -> None:
    parts = []
    for x in inputs:
        if isinstance(x, _CoreTensor):
            parts.append(_text(np.asarray(x.numpy()), int(summarize)))
        elif isinstance(x, np.ndarray):
            parts.append(_text(x, int(summarize)))
        else:
            parts.append(str(x))
    text = sep.join(parts) + end
    stream = sys.stderr if output_stream is None else output_stream
    if isinstance(stream, str) and stream.startswith("file://"):
        with open(stream[len("file://") :], "a", encoding="utf-8") as f:
            f.write(text)
        return
    if not hasattr(stream, "write"):
        raise ValueError(f"Unsupported output stream: {stream!r}")
    stream.write(text)
