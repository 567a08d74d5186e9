"""BackupAndRestore: back up the training state each epoch; a new `fit` resumes from it.

The backup is one safetensors file (written to a temporary and renamed, so a crash never
leaves it torn) holding the model's weights and buffers, the optimizer's state, the random
generator's state and the epoch to resume at. So a resumed `fit` continues as the interrupted
one would have: with SGD, Adam and shuffling alike it ends with the same weights. In a
data-parallel fit, rank 0 writes it and sends what it read to every rank at the restart.
"""

from __future__ import annotations

import io
import os

from .. import _backend, serialization
from .base import Callback

_LATEST, _PREVIOUS = "latest.backup.safetensors", "previous.backup.safetensors"


def writes_files(model) -> bool:
    """Whether this process writes the callbacks' files: always, but in a data-parallel fit
    only rank 0 (the others hold the same weights and logs)."""
    replicas = getattr(model, "_replicas", None)
    return replicas is None or replicas.chief


class BackupAndRestore(Callback):
    """Back up the training state in `backup_dir`; a later `fit` of the same model resumes
    at the epoch the backup reached.

    Args:
        backup_dir: a folder for the backup (made when missing).
        save_freq: 'epoch' (after each epoch), an integer (every that many batches, resuming
            at the start of the epoch in progress, as Keras does), or False (restore only).
        double_checkpoint: keep the previous backup too and fall back to it when the latest
            cannot be read.
        delete_checkpoint: remove the backup when `fit` completes.

    Example:
        >>> cb = BackupAndRestore(backup_dir="/tmp/backup")
        >>> model.fit(x, y, epochs=10, callbacks=[cb])  # killed during epoch 4  # doctest: +SKIP
        >>> model.fit(x, y, epochs=10, callbacks=[cb])  # resumes at epoch 4  # doctest: +SKIP
    """

    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint=False,
                 delete_checkpoint=True, *, save_before_preemption=False):  # fmt: skip
        super().__init__()
        if not backup_dir:
            raise ValueError("Empty `backup_dir` argument passed")
        if (
            save_freq != "epoch"
            and save_freq is not False
            and (isinstance(save_freq, bool) or not isinstance(save_freq, int) or save_freq <= 0)
        ):
            raise ValueError(
                f"Invalid value for argument `save_freq`. Received: save_freq={save_freq!r}. "
                "Expected either 'epoch', a positive integer or False."
            )
        if save_before_preemption:
            raise ValueError("save_before_preemption: deepling gets no preemption notices")
        self.backup_dir, self.save_freq = os.fspath(backup_dir), save_freq
        self.double_checkpoint, self.delete_checkpoint = double_checkpoint, delete_checkpoint
        self._epoch, self._batches = 0, 0
        if isinstance(save_freq, int) and save_freq is not False:
            self.on_train_batch_end = self._count_batch  # per-batch work only when asked

    # --- restore ---
    def on_train_begin(self, logs=None):
        state = self._read()
        if state is not None:
            _restore(self.model, state)
            self.model._initial_epoch = state["epoch"]
            self._epoch = state["epoch"]

    def _read(self):
        """The backup's contents: read by rank 0 and sent to the others in a data-parallel fit."""
        replicas = getattr(self.model, "_replicas", None)
        data = self._bytes() if writes_files(self.model) else None
        if replicas is not None:
            data = replicas.pg.comm.bcast(data, root=0)
        return None if data is None else serialization.load(io.BytesIO(data))

    def _bytes(self):
        names = [_LATEST, _PREVIOUS] if self.double_checkpoint else [_LATEST]
        for name in names:
            path = os.path.join(self.backup_dir, name)
            if not os.path.exists(path):
                continue
            with open(path, "rb") as f:
                data = f.read()
            try:
                serialization.load(io.BytesIO(data))
            except ValueError:
                if name == names[-1]:
                    raise
                continue  # a damaged latest backup: fall back to the previous one
            return data
        return None

    # --- back up ---
    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        self._epoch, self._batches = epoch + 1, 0
        if self.save_freq == "epoch":
            self._save()

    def _count_batch(self, batch, logs=None):
        self._batches += 1
        if self._batches % self.save_freq == 0:
            self._save()

    def _save(self) -> None:
        if not writes_files(self.model):
            return
        os.makedirs(self.backup_dir, exist_ok=True)
        latest = os.path.join(self.backup_dir, _LATEST)
        if self.double_checkpoint and os.path.exists(latest):
            os.replace(latest, os.path.join(self.backup_dir, _PREVIOUS))
        serialization.save(_state(self.model, self._epoch), latest)

    def on_train_end(self, logs=None):
        if self.delete_checkpoint and writes_files(self.model):
            for name in (_LATEST, _PREVIOUS):
                path = os.path.join(self.backup_dir, name)
                if os.path.exists(path):
                    os.remove(path)
            if os.path.isdir(self.backup_dir) and not os.listdir(self.backup_dir):
                os.rmdir(self.backup_dir)


def _state(model, epoch: int) -> dict:
    """What a resumed fit needs: weights and buffers, optimizer, random generator, epoch."""
    optimizer = getattr(model, "optimizer", None)
    # by position: Keras's layer names ('dense_3') differ between the runs of a program
    state = {"model": list(model.state_dict().values()), "epoch": epoch,
             "random": _backend.rng().bit_generator.state}  # fmt: skip
    if optimizer is not None and hasattr(optimizer, "state_dict"):
        state["optimizer"] = optimizer.state_dict()
        state["iterations"] = getattr(optimizer, "iterations", 0)
    return state


def _restore(model, state: dict) -> None:
    names = list(model.state_dict())
    if len(names) != len(state["model"]):
        raise ValueError(
            f"BackupAndRestore: the backup holds {len(state['model'])} weights and buffers, the "
            f"model {len(names)}; is it the model that was backed up?"
        )
    model.load_state_dict(dict(zip(names, state["model"])))
    optimizer = getattr(model, "optimizer", None)
    if "optimizer" in state and optimizer is not None:
        known = sum(len(g["params"]) for g in optimizer.param_groups)
        if known == 0 and hasattr(optimizer, "_adopt"):  # a Keras optimizer not yet stepped
            for p in model.parameters():  # adopted in the order fit hands them over
                if p.requires_grad:
                    optimizer._adopt(p)
        optimizer.load_state_dict(state["optimizer"])
        optimizer.iterations = state.get("iterations", 0)
    _backend.rng().bit_generator.state = state["random"]
