"""Grad mode: whether operations are recorded for autograd (`no_grad`, `enable_grad`), kept per
thread as PyTorch keeps it: `no_grad()` in one thread never affects another."""

from __future__ import annotations

import functools
import threading


class _ThreadState(threading.local):
    """Each thread starts recording."""

    enabled = True


class _Everywhere:
    """Whether no thread has turned recording off: then Function.__call__ records without
    reading the thread's own state (a plain attribute is twice as fast as a thread-local one,
    and this is read on every op)."""

    enabled = True
    off = 0  # how many threads have recording off
    lock = threading.Lock()


state = _ThreadState()
everywhere = _Everywhere()


def is_grad_enabled() -> bool:
    return state.enabled


def _set_grad_enabled(enabled: bool) -> bool:
    previous, enabled = state.enabled, bool(enabled)
    if previous != enabled:
        with everywhere.lock:
            everywhere.off += 1 if previous else -1
            state.enabled = enabled
            everywhere.enabled = everywhere.off == 0
    return previous


class _GradMode:
    """Context manager and decorator that sets grad mode inside and restores it after."""

    mode = True

    def __enter__(self):
        self._previous = _set_grad_enabled(self.mode)
        return self

    def __exit__(self, *exc):
        _set_grad_enabled(self._previous)
        return False

    def __call__(self, func):
        mode = self.mode

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            previous = _set_grad_enabled(mode)
            try:
                return func(*args, **kwargs)
            finally:
                _set_grad_enabled(previous)

        return wrapper


class _NoArgMode(_GradMode):
    """Also a decorator without parentheses, `@no_grad`, as PyTorch allows."""

    def __new__(cls, func=None):
        self = super().__new__(cls)
        return self if func is None else self(func)


class no_grad(_NoArgMode):  # noqa: N801 (PyTorch's name)
    """Record nothing inside: `with no_grad(): ...`, `@no_grad()` or `@no_grad` on a function."""

    mode = False


class enable_grad(_NoArgMode):  # noqa: N801
    """Record again inside a `no_grad` block."""

    mode = True


class set_grad_enabled(_GradMode):  # noqa: N801
    """`with set_grad_enabled(False): ...`; calling it plainly also sets the mode."""

    def __init__(self, mode: bool):
        self.mode = bool(mode)
        self._previous = _set_grad_enabled(self.mode)  # takes effect at once, like PyTorch's

    def __enter__(self):
        return self

    def __call__(self, func):
        _set_grad_enabled(self._previous)  # as a decorator it changes nothing until called
        return super().__call__(func)


class inference_mode(_GradMode):  # noqa: N801
    """`with inference_mode():`, `@inference_mode()` or `@inference_mode`: record nothing, as
    no_grad (PyTorch's inference tensors are a speed-up of its own; here the two are one).
    `inference_mode(False)` records again inside, as PyTorch's."""

    def __new__(cls, mode=True):
        self = super().__new__(cls)
        if isinstance(mode, bool) or mode is None:
            return self
        return cls()(mode)  # used bare as a decorator: `mode` is the function

    def __init__(self, mode=True):
        if isinstance(mode, bool) or mode is None:
            self.mode = not mode
