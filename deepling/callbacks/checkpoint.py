"""ModelCheckpoint: save the model (or its weights) after epochs, optionally only the best."""

from __future__ import annotations

import os
import warnings

from .backup import writes_files
from .monitor import _Monitor


class ModelCheckpoint(_Monitor):
    """Save to `filepath` after each epoch, formatted with `epoch` (from 1) and the epoch's logs,
    e.g. 'w-{epoch:02d}-{val_loss:.2f}.weights.h5'. The file holds deepling's safetensors
    format whatever its extension; `save_best_only` writes only when `monitor` improves (or,
    with a warning, when it is missing from the logs, as Keras does)."""

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", save_freq="epoch",
                 initial_value_threshold=None):  # fmt: skip
        super().__init__(monitor, 0.0, mode)
        if save_freq != "epoch":
            raise NotImplementedError("ModelCheckpoint: only save_freq='epoch' is supported")
        self.filepath, self.verbose = os.fspath(filepath), verbose
        self.save_best_only, self.save_weights_only = save_best_only, save_weights_only
        self.best = initial_value_threshold

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        try:
            path = self.filepath.format(epoch=epoch + 1, **logs)
        except KeyError as e:
            raise KeyError(
                f'Failed to format this callback filepath: "{self.filepath}". Reason: {e} is '
                f"not among the logs ({', '.join(logs)})"
            ) from None
        if self.save_best_only and not self._should_save(epoch, logs, path):
            return
        if not writes_files(self.model):  # data-parallel: rank 0 writes, the others agree
            return
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: saving model to {path}")
        directory = os.path.dirname(path)
        if directory:
            os.makedirs(directory, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)

    def _should_save(self, epoch, logs, path) -> bool:
        if self.sign is None:
            self._set_direction()
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(f"Can save best model only with {self.monitor} available.", stacklevel=3)
            return True
        best = "None" if self.best is None else f"{self.best:.5f}"
        if not self._improved(value, self.best):
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}")
            return False
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to {value:.5f}")
        self.best = value
        return True
