"""Callback: hooks the training loop calls; CallbackList, History, LambdaCallback, TerminateOnNaN."""

from __future__ import annotations

import math

# Keras's older names of the training batch hooks
_OLD_BATCH_HOOKS = (
    ("on_batch_begin", "on_train_batch_begin"),
    ("on_batch_end", "on_train_batch_end"),
)


class Callback:
    """Base class with Keras's hooks; override the ones you need.

    `self.model` is the model being trained and `self.params` holds epochs, steps and verbose.
    `logs` is a dict of the current metric values (`loss`, `val_loss`, ...). As in Keras,
    `on_train_batch_begin/end` call `on_batch_begin/end`, so overriding either works.
    """

    def __init__(self):
        self.model = None
        self.params = {}

    def __init_subclass__(cls, **kwargs):
        # A loop may skip callbacks whose on_train_batch_* are Callback's own; a subclass that
        # overrides only Keras's older on_batch_* names gets forwarding methods, so it is seen.
        super().__init_subclass__(**kwargs)
        for old, new in _OLD_BATCH_HOOKS:
            if old in cls.__dict__ and new not in cls.__dict__:
                setattr(cls, new, _forward_to(old))

    def set_model(self, model) -> None:
        self.model = model

    def set_params(self, params: dict) -> None:
        self.params = params

    def on_train_begin(self, logs=None): ...
    def on_train_end(self, logs=None): ...
    def on_epoch_begin(self, epoch, logs=None): ...
    def on_epoch_end(self, epoch, logs=None): ...
    def on_batch_begin(self, batch, logs=None): ...
    def on_batch_end(self, batch, logs=None): ...

    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs=logs)

    def on_test_begin(self, logs=None): ...
    def on_test_end(self, logs=None): ...
    def on_test_batch_begin(self, batch, logs=None): ...
    def on_test_batch_end(self, batch, logs=None): ...
    def on_predict_begin(self, logs=None): ...
    def on_predict_end(self, logs=None): ...
    def on_predict_batch_begin(self, batch, logs=None): ...
    def on_predict_batch_end(self, batch, logs=None): ...


def _forward_to(name):
    def hook(self, batch, logs=None):
        getattr(self, name)(batch, logs=logs)

    return hook


# hooks called with logs alone; the others get an epoch or a batch number first
_GLOBAL = {
    f"on_{stage}_{edge}" for stage in ("train", "test", "predict") for edge in ("begin", "end")
}


def has_batch_hooks(callback) -> bool:
    """Whether `callback` does something per batch (so the loop must call it every batch)."""
    return any(
        hook in vars(callback) or getattr(type(callback), hook) is not getattr(Callback, hook)
        for hook in ("on_train_batch_begin", "on_train_batch_end")
    )


def callback_list(callbacks) -> list:
    """`callbacks` as a list of Callbacks, or a TypeError before any of them is set up."""
    if callbacks is None:
        return []
    if not isinstance(callbacks, (list, tuple)):
        raise TypeError(f"callbacks must be a list of Callbacks, got {type(callbacks).__name__}")
    for c in callbacks:
        if not isinstance(c, Callback):
            raise TypeError(f"callbacks must be Callback instances, got {c!r:.60}")
    return list(callbacks)


class CallbackList(Callback):
    """Calls each hook on every callback in order, always with a `logs` dict (Keras passes
    one, so `LambdaCallback(on_train_begin=lambda logs: ...)` works). History runs last, as
    in Keras, so what other callbacks add to the epoch's logs ('learning_rate') is recorded."""

    def __init__(self, callbacks=(), model=None, **params):
        super().__init__()
        given = callback_list(callbacks)
        self.callbacks = [c for c in given if not isinstance(c, History)]
        self.callbacks += [c for c in given if isinstance(c, History)]
        for c in self.callbacks:  # as Keras: only what is given (a list of hooks keeps its model)
            if model is not None:
                c.set_model(model)
            if params:
                c.set_params(params)

    @classmethod
    def wrap(cls, callbacks, model) -> CallbackList:
        """`callbacks` as a CallbackList (fit hands its own to its validation pass)."""
        return callbacks if isinstance(callbacks, cls) else cls(callbacks or [], model)

    def __getattribute__(self, name):
        if not name.startswith("on_"):
            return object.__getattribute__(self, name)
        callbacks = object.__getattribute__(self, "callbacks")
        if name in _GLOBAL:

            def dispatch(logs=None):
                logs = {} if logs is None else logs
                for c in callbacks:
                    getattr(c, name)(logs)

        else:

            def dispatch(index, logs=None):  # an epoch or a batch number
                logs = {} if logs is None else logs
                for c in callbacks:
                    getattr(c, name)(index, logs)

        return dispatch


class History(Callback):
    """Records each epoch's logs: `history.history['loss']` is the list of epoch losses."""

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def set_model(self, model) -> None:
        super().set_model(model)
        if model is not None:
            model.history = self  # Keras sets model.history as training starts

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)


class LambdaCallback(Callback):
    """A callback from functions: `LambdaCallback(on_epoch_end=lambda epoch, logs: ...)`.

    Takes any hook by name (`on_batch_end`, `on_test_begin`, ...); epoch and batch hooks are
    called `(index, logs)`, the others `(logs)`.
    """

    def __init__(self, **hooks):
        super().__init__()
        for name, fn in hooks.items():
            if not (name.startswith("on_") and callable(getattr(Callback, name, None))):
                raise TypeError(f"LambdaCallback got an unknown hook {name!r}")
            if fn is not None:
                setattr(self, name, fn)
        for old, new in _OLD_BATCH_HOOKS:
            if hooks.get(old) is not None and hooks.get(new) is None:
                setattr(self, new, hooks[old])  # seen as a batch hook by the training loop


class TerminateOnNaN(Callback):
    """Stop training, and say so, as soon as a batch's loss is NaN or infinite."""

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(loss):
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True
