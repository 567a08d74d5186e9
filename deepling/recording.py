"""Where a compiled step's recorder meets the core: the one registry of recording threads, and
the marker for methods whose effect a compiled step replays as one call.

A compiled step (deepling.compiler.step) runs its function once eagerly while recording. Ops
are seen through `Function.__call__`; the backward walk asks `recorder_here()` on entry; and the
methods that change state outside ops (an optimizer's `step`, `zero_grad`, a variable's
`assign_sub`, ...) are wrapped by `effect`, so the recording sees one call it can replay
instead of the NumPy work inside it. With no recorder anywhere each costs one dict test.
"""

from __future__ import annotations

import functools
import threading

recorders: dict = {}  # thread id -> the recorder of the compiled step tracing on that thread


def recorder_here():
    """The recorder tracing on this thread, or None (the usual case: one empty-dict test)."""
    return recorders.get(threading.get_ident()) if recorders else None


def note_module(module) -> None:
    """A module ran under a recorder: its train/eval mode becomes part of the step's key."""
    rec = recorder_here()
    if rec is not None:
        rec.modules[id(module)] = module


def effect(method=None, *, replay=None):
    """Mark `method` as a state change that a compiled step replays by calling it again with
    the replayed arrays (its own NumPy work is then not recorded op by op). `replay`, when
    given, is called instead: the same change without the checks that passed while recording
    (`@effect(replay=...)`)."""
    if method is None:
        return functools.partial(effect, replay=replay)

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        if recorders:
            rec = recorders.get(threading.get_ident())
            if rec is not None:
                return rec.effect(method, self, args, kwargs, replay)
        return method(self, *args, **kwargs)

    return call
