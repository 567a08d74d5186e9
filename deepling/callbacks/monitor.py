"""Callbacks that watch a metric: EarlyStopping and ReduceLROnPlateau (ModelCheckpoint too)."""

from __future__ import annotations

import warnings

from ..optim.plateau import Plateau, improved
from .base import Callback


class _Monitor(Callback):
    """Tracks the best value of `monitor`. Mode 'auto' decides the direction at the first
    epoch's end as Keras 3 does: 'loss' goes down, a compiled metric of that name goes its own
    way (accuracy, AUC, precision, recall up; errors down); any other name goes down unless it
    holds 'acc' (Keras 2's rule)."""

    def __init__(self, monitor, min_delta, mode, baseline=None):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(
                f"{type(self).__name__} mode '{mode}' is unknown, fallback to auto mode.",
                stacklevel=3,
            )
            mode = "auto"
        self.monitor, self.mode, self.min_delta = monitor, mode, abs(min_delta)
        self.baseline = baseline
        self.sign = None  # +1 to maximize, -1 to minimize; set on the first epoch's end
        self.best = None

    def _set_direction(self) -> None:
        if self.mode != "auto":
            self.sign = 1.0 if self.mode == "max" else -1.0
            return
        name = self.monitor.removeprefix("val_")
        directions = {m.name: getattr(m, "_direction", None) for m in _metrics(self.model)}
        if name == "loss" or name.endswith("_loss"):
            self.sign = -1.0
        elif directions.get(name) in ("up", "down"):
            self.sign = 1.0 if directions[name] == "up" else -1.0
        else:
            self.sign = 1.0 if "acc" in name else -1.0

    def _current(self, logs):
        if self.sign is None:
            self._set_direction()
        value = (logs or {}).get(self.monitor)
        if value is None:
            warnings.warn(
                f"{type(self).__name__} is conditioned on metric `{self.monitor}` which is "
                f"not available. Available metrics are: {','.join(logs or {})}",
                stacklevel=3,
            )
        return value

    def _improved(self, value, reference) -> bool:
        """value beats reference by more than min_delta in the monitored direction."""
        return improved(value, reference, self.sign, self.min_delta)


def _metrics(model) -> list:
    try:
        return list(getattr(model, "metrics", None) or [])
    except Exception:  # a model that cannot list metrics yet
        return []


class EarlyStopping(_Monitor):
    """Stop when `monitor` has not improved by `min_delta` for `patience` epochs.

    As Keras 3: `best` is the best value seen (whatever the baseline); the wait restarts only
    on an epoch that beats both the best and `baseline`; with `restore_best_weights` the best
    epoch's weights are put back at the end of training, stopped early or not.
    """

    def __init__(self, monitor="val_loss", min_delta=0.0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):  # fmt: skip
        super().__init__(monitor, min_delta, mode, baseline)
        self.patience, self.verbose = patience, verbose
        self.restore_best_weights, self.start_from_epoch = restore_best_weights, start_from_epoch
        self.wait = self.stopped_epoch = self.best_epoch = 0
        self.best_weights = None

    def on_train_begin(self, logs=None):
        self.wait, self.stopped_epoch, self.best_weights, self.best_epoch = 0, 0, None, 0
        self.best = None

    def on_epoch_end(self, epoch, logs=None):
        value = self._current(logs)
        if value is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights, self.best_epoch = self.model.get_weights(), epoch
        self.wait += 1
        if self._improved(value, self.best):
            self.best, self.best_epoch = value, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._improved(value, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(
                    "Restoring model weights from the end of the best epoch: "
                    f"{self.best_epoch + 1}."
                )
            self.model.set_weights(self.best_weights)


class ReduceLROnPlateau(Plateau, _Monitor):
    """Multiply the learning rate by `factor` after `patience` epochs without an improvement of
    more than `min_delta`; then wait `cooldown` epochs; never go below `min_lr`. The rule is
    `optim.plateau.Plateau`, with Keras's switches."""

    cooldown_first = cut_at_patience = True
    rest_without_cut, eps = False, None

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                 min_delta=1e-4, cooldown=0, min_lr=0.0, **kwargs):  # fmt: skip
        if factor >= 1.0:
            raise ValueError(
                f"ReduceLROnPlateau does not support a factor >= 1.0. Received factor={factor}"
            )
        super().__init__(monitor, min_delta, mode)
        self.factor, self.patience, self.verbose = factor, patience, verbose
        self.cooldown, self.min_lr = cooldown, min_lr
        self.num_bad_epochs = self.cooldown_counter = 0

    @property
    def wait(self) -> int:
        """Keras's name for the count of epochs without improvement."""
        return self.num_bad_epochs

    @wait.setter
    def wait(self, value: int) -> None:
        self.num_bad_epochs = value

    def on_train_begin(self, logs=None):
        self.num_bad_epochs = self.cooldown_counter = 0
        self.best = None

    def on_epoch_end(self, epoch, logs=None):
        logs = {} if logs is None else logs
        optimizer = self.model.optimizer
        logs["learning_rate"] = float(optimizer.learning_rate)
        value = self._current(logs)
        if value is None or not self.judge(value):
            return
        new = self.cut(float(optimizer.learning_rate), self.min_lr)
        if new is not None:
            optimizer.learning_rate = new
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new}.")
        self.rest(new is not None)
