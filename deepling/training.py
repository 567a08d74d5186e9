"""fit / evaluate / predict, written once for any Module.

`Trainer` is a mixin: a Keras `Model` is a Module plus this, and `keras.Model(module)` wraps a
PyTorch-style module the same way. The face's `compile` sets `optimizer` (anything with
`apply_gradients`) and `_compiled` (the per-output losses and metrics: `loss`,
`update_metrics`, `check`, `metrics`); the data arrives as one object from training_data.py.
The loop itself only runs batches: forward, loss, gradients, the optimizer, metrics, callbacks.
"""

from __future__ import annotations

import itertools
import math
import time
import warnings

import numpy as np

from . import autograd, grad_mode
from .callbacks import CallbackList, History
from .callbacks.base import callback_list, has_batch_hooks
from .progress import Progress, one_line
from .tensor import Tensor
from .training_data import (
    CHECKED,
    ArrayData,
    check_arguments,
    flat,
    to_arrays,
    training_data,
    validation,
)


class Trainer:
    """Keras's training API for a Module whose forward maps input tensors to output tensors."""

    _compiled = None  # set by the face's compile()
    stop_training = False

    def _check_compiled(self):
        if self._compiled is None:
            raise RuntimeError(
                "You must compile your model before training/testing. Use "
                "`model.compile(optimizer, loss)`."
            )
        if not self._compiled.has_loss:
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")

    @property
    def metrics(self) -> list:
        return self._compiled.metrics if self._compiled else []

    @property
    def metrics_names(self) -> list:
        heads = (self._compiled and self._compiled.heads) or []
        parts = [f"{h[0]}_loss" for h in heads] if len(heads) > 1 else []
        return ["loss", *parts, *(m.name for m in self.metrics)]

    def _output_names(self, count):
        names = getattr(self, "output_names", None)
        return names if names and len(names) == count else [f"output_{i + 1}" for i in range(count)]

    def _targets(self, y) -> list:
        return flat(y, self._output_names(len(y)) if isinstance(y, dict) else None)

    # --- one batch ---
    def _forward(self, x) -> list:
        """The model's outputs for a batch of inputs, as a list (one per output)."""
        if isinstance(x, dict):
            x = flat(x, getattr(self, "input_names", None))
        inputs = [Tensor._wrap(a) for a in x] if isinstance(x, list) else Tensor._wrap(x)
        outputs = self(inputs)
        return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]

    def _loss(self, ys, outputs, sample_weight):
        """The compiled loss of the outputs plus the layers' regularization penalties."""
        compiled = self._compiled
        if compiled.heads is None:
            compiled.build(ys, outputs, self._output_names(len(outputs)))
        total, parts = compiled.loss(ys, outputs, sample_weight)
        for reg, weight in self._step_lists()["terms"]:
            total = total + reg(weight)
        return total, parts

    def _train_step(self, x, ys, sample_weight):
        """One update on a batch (`ys`: the targets as a list, one per output)."""
        outputs = self._forward(x)
        loss, parts = self._loss(ys, outputs, sample_weight)
        params = self._step_lists()["params"]
        grads = autograd.grad(loss, params, allow_unused=True)
        self.optimizer.apply_gradients(zip(grads, params))
        self._compiled.update_metrics(ys, outputs, sample_weight)
        return float(loss._data), (
            {k: float(v._data) for k, v in parts.items()} if parts else parts
        )

    def _step_lists(self) -> dict:
        """Trainable parameters and regularization terms, listed once per fit (after the build)."""
        cache = self.__dict__.get("_step_cache")
        if cache is None:  # outside fit, or its first step
            terms = getattr(self, "_regularization_terms", None)
            cache = {
                "params": [p for p in self.parameters() if p.requires_grad],
                "terms": terms() if terms else [],
            }
            if self.__dict__.get("_fitting"):  # the lists hold while fit runs
                self.__dict__["_step_cache"] = cache
        return cache

    def _dry_run(self, data) -> None:
        """Forward one sample and check every target against the model's outputs, so wrong
        labels or shapes fail before any weight changes."""
        probe = data.probe()
        if probe is None:
            return
        x, y = probe
        was_training = self.training
        self.eval()
        try:
            with grad_mode.no_grad():
                outputs, ys = self._forward(x), self._targets(y)
                if self._compiled.heads is None:
                    self._compiled.build(ys, outputs, self._output_names(len(outputs)))
                self._compiled.check(ys, outputs)
        finally:
            self.train(was_training)

    # --- fit ---
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1, *, max_queue_size=10, workers=1,
            use_multiprocessing=False):  # fmt: skip
        """Train for `epochs` passes over (x, y) in batches of `batch_size` (default 32).

        `x`/`y` are arrays, tensors, (nested) Python lists, lists or dicts of those for several
        inputs/outputs, or a DataLoader of (x, y) batches. `validation_split` holds out the LAST
        fraction of the samples, taken before any shuffling, as Keras does: if your data is
        sorted (by class or time), shuffle it first. Returns a `History` whose `.history` maps
        'loss', each metric's name and their 'val_' versions to per-epoch lists.

        All arguments and data are checked before the first update. An unknown keyword is Keras
        3's TypeError; tf.keras 2's `max_queue_size`, `workers`, `use_multiprocessing` do nothing.
        """
        self._check_compiled()
        check_arguments(**{k: v for k, v in locals().items() if k in CHECKED})
        data = training_data(x, y, sample_weight, class_weight)
        data, val = self._fit_data(data, validation_data, validation_split)
        batch_size = batch_size or 32
        steps = steps_per_epoch or data.steps(batch_size)
        history, cbs, progress, hooks = self._fit_callbacks(callbacks, epochs, steps, verbose)
        self.stop_training, self._nan_warned, logs = False, False, {}
        self.__dict__.update(_fitting=True, _step_cache=None)
        self.train()
        try:
            cbs.on_train_begin()
            for epoch in range(initial_epoch, epochs):
                cbs.on_epoch_begin(epoch)
                progress.epoch_begin(epoch)
                batches = itertools.islice(data.batches(batch_size, shuffle), steps_per_epoch)
                logs, done = self._fit_epoch(batches, epoch, hooks, progress)
                if val is not None and _due(epoch, validation_freq):
                    val_logs, _ = self._evaluate(
                        val, validation_batch_size or batch_size, validation_steps, cbs
                    )
                    logs.update({f"val_{k}": v for k, v in val_logs.items()})
                    self.train()
                cbs.on_epoch_end(epoch, logs)
                progress.epoch_end(logs, done)
                if self.stop_training:
                    break
            cbs.on_train_end(logs)
        finally:
            self.__dict__.update(_fitting=False, _step_cache=None)
        self.eval()
        self.history = history
        return history

    def _fit_data(self, data, validation_data, validation_split):
        """The training and validation data, each checked by a dry run before any update."""
        val = None if validation_data is None else validation(validation_data)
        if validation_split and val is None:
            data, val = data.split(validation_split)
        for part in (data, val) if val is not None else (data,):
            self._dry_run(part)
        return data, val

    def _fit_callbacks(self, callbacks, epochs, steps, verbose):
        """History and the given callbacks, the progress display, those with per-batch hooks."""
        history = History()
        cbs = CallbackList([history, *callback_list(callbacks)], self, epochs=epochs, steps=steps,
                           verbose=verbose)  # fmt: skip
        hooks = CallbackList([c for c in cbs.callbacks if has_batch_hooks(c)])
        return history, cbs, Progress(verbose, epochs, steps), hooks if hooks.callbacks else None

    def _fit_epoch(self, batches, epoch, hooks, progress):
        """One pass: train on each batch; logs hold batch-size-weighted means, as Keras's."""
        for m in self.metrics:
            m.reset_state()
        sums, seen, step = {}, 0, -1
        for step, (xb, yb, swb) in enumerate(batches):
            if hooks:
                hooks.on_train_batch_begin(step)
            ys = self._targets(yb)
            loss, parts = self._train_step(xb, ys, swb)
            seen += _add(sums, loss, parts, len(ys[0]))
            if not math.isfinite(loss) and not self._nan_warned:  # warn once per fit
                self._nan_warned = True
                warnings.warn(
                    f"fit: the loss became {loss} at epoch {epoch + 1}, batch {step}; "
                    "add callbacks=[TerminateOnNaN()] to stop there",
                    stacklevel=3,
                )
            if hooks or progress.bar:
                logs = self._logs(sums, seen)
                if hooks:
                    hooks.on_train_batch_end(step, logs)
                progress.batch_end(step, logs)
            if self.stop_training:
                break
        return self._logs(sums, seen), step + 1

    def _logs(self, sums, seen) -> dict:
        logs = {k: v / max(seen, 1) for k, v in sums.items()} if sums else {"loss": 0.0}
        for m in self.metrics:
            logs[m.name] = _scalar(m.result())
        return logs

    # --- evaluate / predict ---
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False, *, max_queue_size=10, workers=1,
                 use_multiprocessing=False, **kwargs):  # fmt: skip
        """Loss and metrics on (x, y): `[loss, *metrics]`, the loss alone when there are no
        metrics, or a dict with `return_dict=True`. An unknown keyword is Keras 3's ValueError
        ("Arguments not recognized"); Keras 2's loader switches do nothing, as in `fit`."""
        self._check_compiled()
        if kwargs:
            raise ValueError(f"Arguments not recognized: {kwargs}")
        check_arguments(batch_size=batch_size, steps=steps)
        start = time.perf_counter()
        data = training_data(x, y, sample_weight)
        self._dry_run(data)
        cbs = CallbackList.wrap(callbacks, self)
        logs, done = self._evaluate(data, batch_size or 32, steps, cbs)
        if verbose not in (0, "0"):
            print(one_line(done, time.perf_counter() - start, logs))
        return _result(logs, return_dict)

    def _evaluate(self, data, batch_size, steps, cbs):
        """Loss and metrics over the batches of `data`, without recording or updating; and the
        number of batches."""
        was_training = self.training
        self.eval()
        for m in self.metrics:
            m.reset_state()
        sums, seen, step = {}, 0, -1
        cbs.on_test_begin()
        with grad_mode.no_grad():
            for step, (xb, yb, swb) in enumerate(itertools.islice(data.batches(batch_size), steps)):
                cbs.on_test_batch_begin(step)
                ys, outputs = self._targets(yb), self._forward(xb)
                loss, parts = self._loss(ys, outputs, swb)
                self._compiled.update_metrics(ys, outputs, swb)
                parts = {k: float(v._data) for k, v in parts.items()}
                seen += _add(sums, float(loss._data), parts, len(ys[0]))
                cbs.on_test_batch_end(step, {"loss": float(loss._data)})
        self.train(was_training)
        logs = self._logs(sums, seen)
        cbs.on_test_end(logs)
        return logs, step + 1

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None, *,
                max_queue_size=10, workers=1, use_multiprocessing=False):  # fmt: skip
        """Outputs for `x` as NumPy arrays (a list of arrays for several outputs). An unknown
        keyword is Keras 3's TypeError; Keras 2's loader switches do nothing, as in `fit`."""
        check_arguments(batch_size=batch_size, steps=steps)
        start = time.perf_counter()
        data = training_data(x, targets=False)
        was_training = self.training
        self.eval()
        outs, cbs, step = [], CallbackList.wrap(callbacks, self), -1
        cbs.on_predict_begin()
        with grad_mode.no_grad():
            for step, (xb, _, _) in enumerate(
                itertools.islice(data.batches(batch_size or 32), steps)
            ):
                cbs.on_predict_batch_begin(step)
                outs.append([o._data for o in self._forward(xb)])
                cbs.on_predict_batch_end(step, {"outputs": outs[-1]})
        self.train(was_training)
        cbs.on_predict_end()
        if verbose not in (0, "0"):
            print(one_line(step + 1, time.perf_counter() - start, {}))
        if not outs:
            return np.zeros((0,), np.float32)
        joined = [np.concatenate(parts) for parts in zip(*outs)]
        return joined if len(joined) > 1 else joined[0]

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, reset_metrics=True,
                       return_dict=False):  # fmt: skip
        """One gradient step on one batch; returns the loss (and metrics) of that batch."""
        self._check_compiled()
        data = ArrayData(x, y, sample_weight, class_weight)
        self._dry_run(data)
        self.train()
        if reset_metrics:
            for m in self.metrics:
                m.reset_state()
        loss, parts = self._train_step(data.x, self._targets(data.y), data.sample_weight)
        logs = {"loss": loss, **parts, **{m.name: _scalar(m.result()) for m in self.metrics}}
        return _result(logs, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        x = to_arrays(x, "x")
        return self.evaluate(
            x,
            y,
            batch_size=len(flat(x)[0]),
            verbose=0,
            sample_weight=sample_weight,
            return_dict=return_dict,
        )

    def predict_on_batch(self, x):
        x = to_arrays(x, "x")
        return self.predict(x, batch_size=len(flat(x)[0]), verbose=0)


# --- small helpers of the loop ---
def _add(sums: dict, loss: float, parts: dict, count: int) -> int:
    """Add a batch's loss and per-output losses, weighted by its size; return the size."""
    sums["loss"] = sums.get("loss", 0.0) + loss * count
    for k, v in parts.items():
        sums[k] = sums.get(k, 0.0) + v * count
    return count


def _due(epoch: int, freq) -> bool:
    return (epoch + 1) % freq == 0 if isinstance(freq, int) else (epoch + 1) in freq


def _scalar(value):
    return float(value) if np.ndim(value) == 0 else value


def _result(logs: dict, return_dict: bool):
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values
