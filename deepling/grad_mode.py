"""Grad mode: whether operations are recorded for autograd (`no_grad`, `enable_grad`)."""

from __future__ import annotations

import functools

enabled = True  # read by Function.__call__ on every op


def is_grad_enabled() -> bool:
    return enabled


def _set_grad_enabled(mode: bool) -> bool:
    global enabled
    previous, enabled = enabled, bool(mode)
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
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with type(self)():
                return func(*args, **kwargs)

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
        _set_grad_enabled(self._previous)
        mode = self.mode

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            previous = _set_grad_enabled(mode)
            try:
                return func(*args, **kwargs)
            finally:
                _set_grad_enabled(previous)

        return wrapper
