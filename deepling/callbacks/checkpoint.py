"""ModelCheckpoint: save the model (or its weights) after epochs, optionally only the best."""

from __future__ import annotations

from .monitor import _Monitor


class ModelCheckpoint(_Monitor):
    """Save to `filepath` (formatted with `epoch` and the logs, e.g. 'w-{epoch:02d}.keras')."""

    def __init__(
        self,
        filepath,
        monitor="val_loss",
        verbose=0,
        save_best_only=False,
        save_weights_only=False,
        mode="auto",
        save_freq="epoch",
        initial_value_threshold=None,
    ):
        super().__init__(monitor, 0.0, mode)
        self.filepath, self.verbose = str(filepath), verbose
        self.save_best_only, self.save_weights_only = save_best_only, save_weights_only
        if initial_value_threshold is not None:
            self.best = self.sign * initial_value_threshold
        if save_freq != "epoch":
            raise NotImplementedError("ModelCheckpoint: only save_freq='epoch' is supported")

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        path = self.filepath.format(epoch=epoch + 1, **logs)
        if self.save_best_only:
            value = self._current(logs)
            if value is None or not self._improved(value):
                if self.verbose and value is not None:
                    print(
                        f"Epoch {epoch + 1}: {self.monitor} did not improve from {self.sign * self.best:.5f}"
                    )
                return
            if self.verbose:
                print(
                    f"Epoch {epoch + 1}: {self.monitor} improved from {self.sign * self.best:.5f} "
                    f"to {value:.5f}, saving model to {path}"
                )
            self.best = self.sign * value
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)
