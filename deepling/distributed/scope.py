"""The distribution strategy whose `scope()` is open (TF's `tf.distribute` faces push here).

It lives below the faces so that Keras's `compile` (one face) can see a strategy that
TensorFlow's `tf.distribute` (another face) opened; a model compiled inside the scope trains
data-parallel through the strategy's `_replicas` (see replicas.py).
"""

from __future__ import annotations

import contextlib
import threading

_open = threading.local()


def current():
    """The innermost strategy whose scope is open in this thread, or None."""
    stack = getattr(_open, "stack", None)
    return stack[-1] if stack else None


@contextlib.contextmanager
def entered(strategy):
    """Open `strategy`'s scope; another strategy's scope may not be open around it (as TF)."""
    stack = _open.__dict__.setdefault("stack", [])
    if stack and stack[-1] is not strategy:
        raise RuntimeError(
            "Mixing different tf.distribute.Strategy objects: a scope of "
            f"{type(stack[-1]).__name__} is already open"
        )
    stack.append(strategy)
    try:
        yield strategy
    finally:
        stack.pop()


def current_replicas():
    """What a model compiled now trains with: the open strategy's `_replicas`, or None."""
    strategy = current()
    return None if strategy is None else strategy._replicas
