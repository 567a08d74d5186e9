"""keras.backend: the few helpers tutorials call."""

from .layers.base import clear_session as clear_session


def epsilon() -> float:
    return 1e-7
