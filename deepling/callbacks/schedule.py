"""LearningRateScheduler and CSVLogger: per-epoch learning rate and per-epoch log lines."""

from __future__ import annotations

import collections.abc
import csv
import inspect
import os

import numpy as np

from .backup import writes_files
from .base import Callback


class LearningRateScheduler(Callback):
    """At each epoch's start set the learning rate to `schedule(epoch, lr)` (or, for a
    one-argument schedule, `schedule(epoch)`); the epoch's logs get 'learning_rate'."""

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule, self.verbose = schedule, verbose
        try:
            params = inspect.signature(schedule).parameters.values()
            self._takes_lr = len(params) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in params)
        except (TypeError, ValueError):  # no signature to read: try Keras's way at call time
            self._takes_lr = None

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        lr = float(optimizer.learning_rate)
        if self._takes_lr is None:
            try:
                new = self.schedule(epoch, lr)
            except TypeError:
                new = self.schedule(epoch)
        else:
            new = self.schedule(epoch, lr) if self._takes_lr else self.schedule(epoch)
        if isinstance(new, (bool, str)) or np.ndim(new) != 0 or not hasattr(new, "__float__"):
            raise ValueError(f"The output of the `schedule` function should be a float. Got: {new}")
        optimizer.learning_rate = float(new)  # a float, NumPy or Tensor scalar
        if self.verbose > 0:
            print(
                f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {float(new)}."
            )

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)


class CSVLogger(Callback):
    """Stream one CSV row per epoch: 'epoch' (from 0), then the first epoch's log keys, sorted.

    With `append=True` rows go after an existing file's, and the header is written only if the
    file is empty. A key missing from a later epoch is written 'NA'; arrays as "[a, b]".
    """

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename, self.sep, self.append = os.fspath(filename), separator, append
        self.csv_file = self.writer = self.keys = None

    def on_train_begin(self, logs=None):
        if not writes_files(self.model):  # data-parallel: rank 0 writes the log
            return
        header = not (
            self.append and os.path.exists(self.filename) and os.path.getsize(self.filename)
        )
        self._header = header
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.csv_file = open(self.filename, "a" if self.append else "w", newline="")  # noqa: SIM115
        self.writer = self.keys = None

    def on_epoch_end(self, epoch, logs=None):
        if not writes_files(self.model):
            return
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            self.writer = csv.DictWriter(self.csv_file, ["epoch", *self.keys], delimiter=self.sep)
            if self._header:
                self.writer.writeheader()
        row = {"epoch": epoch, **{k: _cell(logs.get(k, "NA")) for k in self.keys}}
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.writer = None


def _cell(value):
    if isinstance(value, str) or np.ndim(value) == 0:
        return value
    if isinstance(value, (collections.abc.Iterable, np.ndarray)):
        return f"[{', '.join(map(str, np.ravel(value)))}]"
    return value
