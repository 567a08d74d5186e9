"""fit, written once for any Module (evaluate and predict: training_eval.py; the step
methods a model may override: training_steps.py).

`Trainer` is a mixin: a Keras `Model` is a Module plus this, and `keras.Model(module)` wraps a
PyTorch-style module the same way. The face's `compile` sets `optimizer` (anything with
`apply_gradients`), `_compiled` (the per-output losses and metrics: `loss`, `update_metrics`,
`check`, `metrics`) and `_loss_tracker`; the data arrives as one object from training_data.py.
The loop itself only runs batches: forward, loss, gradients, the optimizer, metrics, callbacks;
or, when the model overrides `train_step`, that method on each batch.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from . import autograd, grad_mode
from .callbacks import CallbackList, History
from .callbacks.base import callback_list, has_batch_hooks
from .progress import Progress
from .tensor import Tensor
from .training_data import CHECKED, Epochs, check_arguments, flat, training_data, validation
from .training_eval import Evaluation, add_batch, log_value
from .training_steps import as_tensors, flat_logs


class Trainer(Evaluation):
    """Keras's training API for a Module whose forward maps input tensors to output tensors."""

    _compiled = None  # set by the face's compile()
    _replicas = None  # set by compile inside a distribution strategy's scope (data parallelism)
    _custom_train = False  # whether fit calls the model's own train_step
    # `_adds_losses` (read in _loss) comes from the face's Layer: True once any layer has
    # added a loss in its call (Keras's add_loss), then `_call_losses()` lists them
    stop_training = False
    run_eagerly = False  # compile(run_eagerly=True): the steps run as plain Python, not replayed

    def _check_compiled(self, step: str = "train_step"):
        """compile() was called, with a loss unless the model computes its own `step`."""
        if self._compiled is None:
            raise RuntimeError(
                "You must compile your model before training/testing. Use "
                "`model.compile(optimizer, loss)`."
            )
        own_loss = self._overrides(step) or self._overrides("compute_loss")
        if not self._compiled.has_loss and not own_loss:
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")

    def _verbosity(self, verbose):
        """`verbose`, or 0 on every rank but the first when training data-parallel."""
        return verbose if self._replicas is None or self._replicas.chief else 0

    @property
    def metrics(self) -> list:
        """The loss tracker and the compiled metrics (the face may add its own)."""
        compiled = self._compiled.metrics if self._compiled else ()
        return [self._loss_tracker, *compiled] if self._loss_tracker is not None else [*compiled]

    @property
    def metrics_names(self) -> list:
        heads = (self._compiled and self._compiled.heads) or []
        parts = [f"{h[0]}_loss" for h in heads] if len(heads) > 1 else []
        rest = [m.name for m in self.metrics if m is not self._loss_tracker]
        return ["loss", *parts, *rest]

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
        # targets as tensors over the same arrays: the losses then convert them with ops, which
        # a compiled step replays on each batch's targets
        ys = [Tensor._wrap(y) if type(y) is np.ndarray else y for y in ys]
        if type(sample_weight) is np.ndarray:
            sample_weight = Tensor._wrap(sample_weight)
        total, parts = compiled.loss(ys, outputs, sample_weight)
        for reg, weight in self._step_lists()["terms"]:
            total = total + reg(weight)
        if self._adds_losses:  # Keras's add_loss was used: the losses the call added
            for loss in self._call_losses():
                total = total + loss.sum()
        return total, parts

    def _train_step(self, x, ys, sample_weight):
        """One update on a batch (`ys`: the targets as a list, one per output)."""
        if self._replicas is not None:  # each rank trains on its share; gradients averaged
            return self._replicas.train_step(self, x, ys, sample_weight)
        loss, parts = self._step("_update")(x, ys, sample_weight)
        return float(loss._data), (
            {k: float(v._data) for k, v in parts.items()} if parts else parts
        )

    def _update(self, x, ys, sample_weight):
        """Forward, loss, gradients, the optimizer's update and the metrics on one batch (the
        step that fit compiles): the loss and its parts per output."""
        outputs = self._forward(x)
        loss, parts = self._loss(ys, outputs, sample_weight)
        params = self._step_lists()["params"]
        grads = autograd.grad(loss, params, allow_unused=True)
        self.optimizer.apply_gradients(zip(grads, params))
        with grad_mode.no_grad():
            self._compiled.update_metrics(ys, outputs, sample_weight)
        return loss, parts

    def _step(self, name: str):
        """The bound method `name`, compiled (deepling.compiler) unless `run_eagerly`. One
        compiled step per method; a new compile() or optimizer starts afresh (the old steps'
        programs captured the old objects)."""
        method = getattr(self, name)
        if self.run_eagerly:
            return method
        owners = (self._compiled, self.optimizer)
        made_for = self.__dict__.get("_steps_made_for", ())
        if len(made_for) != 2 or made_for[0] is not owners[0] or made_for[1] is not owners[1]:
            self.__dict__.update(_compiled_steps={}, _steps_made_for=owners)  # a new compile()
        steps = self.__dict__["_compiled_steps"]
        step = steps.get(name)
        if step is None:
            from .compiler.compiled import CompiledFunction

            step = steps[name] = CompiledFunction(method, name=f"{type(self).__name__}.{name}")
        return step

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
        inputs/outputs; or `x` is a `tf.data.Dataset`, a DataLoader or any iterable of
        `(x, y)` or `(x, y, sample_weight)` batches. `steps_per_epoch` takes that many batches
        an epoch, going on where the last epoch stopped (as Keras 3).
        `validation_split` holds out the LAST fraction of the samples, taken before any
        shuffling, as Keras does: if your data is sorted (by class or time), shuffle it first.
        Returns a `History` whose `.history` maps 'loss', each metric's name and their 'val_'
        versions to per-epoch lists.

        All arguments and data are checked before the first update. An unknown keyword is Keras
        3's TypeError; tf.keras 2's `max_queue_size`, `workers`, `use_multiprocessing` do nothing.
        """
        self._check_compiled()
        check_arguments(**{k: v for k, v in locals().items() if k in CHECKED})
        data = training_data(x, y, sample_weight, class_weight)
        data.check_steps(steps_per_epoch, "steps_per_epoch")
        data, val = self._fit_data(data, validation_data, validation_split)
        batch_size = batch_size or 32
        self._custom_train = custom = self._overrides("train_step")
        epochs_of = Epochs(data, batch_size, shuffle, steps_per_epoch, custom)
        steps = steps_per_epoch or data.steps(batch_size)
        verbose = self._verbosity(verbose)
        history, cbs, progress, hooks = self._fit_callbacks(callbacks, epochs, steps, verbose)
        self.stop_training, self._nan_warned, logs = False, False, {}
        self.__dict__.update(_fitting=True, _step_cache=None, _initial_epoch=None)
        self.train()
        try:
            cbs.on_train_begin()
            initial_epoch = self.__dict__.pop("_initial_epoch", None) or initial_epoch  # restored
            for epoch in range(initial_epoch, epochs):
                cbs.on_epoch_begin(epoch)
                progress.epoch_begin(epoch)
                logs, done = self._fit_epoch(epochs_of.next_epoch(), epoch, hooks, progress)
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
        """The training and validation data, each checked by a dry run before any update
        (unless the model's own steps decide what a batch is)."""
        val = None if validation_data is None else validation(validation_data)
        if validation_split and val is None:
            data, val = data.split(validation_split)
        if not self._overrides("train_step"):
            self._dry_run(data)
        if val is not None and not self._overrides("test_step"):
            self._dry_run(val)
        return data, val

    def _fit_callbacks(self, callbacks, epochs, steps, verbose):
        """History and the given callbacks, the progress display, those with per-batch hooks."""
        history = History()
        cbs = CallbackList([history, *callback_list(callbacks)], self, epochs=epochs, steps=steps,
                           verbose=verbose)  # fmt: skip
        hooks = CallbackList([c for c in cbs.callbacks if has_batch_hooks(c)])
        return history, cbs, Progress(verbose, epochs, steps), hooks if hooks.callbacks else None

    def _fit_epoch(self, batches, epoch, hooks, progress):
        """One pass: train on each batch; logs hold batch-size-weighted means, as Keras's (or
        what the model's own `train_step` returns)."""
        custom = self._custom_train
        metrics, tracker = self.metrics, self._loss_tracker
        for m in metrics:
            if m is not tracker or custom:  # the default path sets the tracker in _logs
                m.reset_state()
        if self._compiled is not None and self._compiled.heads is None:
            metrics = None  # data that yields batches resolves the compiled ones at the first
        # otherwise the list holds while the epoch runs (the dry run resolved them)
        sums, seen, step, logs = {}, 0, -1, {}
        for step, batch in enumerate(batches):
            if hooks:
                hooks.on_train_batch_begin(step)
            if custom:
                logs = flat_logs(self._step("train_step")(as_tensors(batch)))
                loss = logs.get("loss", 0.0)
                loss = loss if isinstance(loss, float) else 0.0
            else:
                ys = self._targets(batch[1])
                loss, parts = self._train_step(batch[0], ys, batch[2])
                seen += add_batch(sums, loss, parts, len(ys[0]))
            if not math.isfinite(loss):
                self._warn_nan(loss, epoch, step)
            if hooks or progress.live:
                logs = logs if custom else self._logs(sums, seen, metrics)
                if hooks:
                    hooks.on_train_batch_end(step, logs)
                progress.batch_end(step, logs)
            if self.stop_training:
                break
        return (dict(logs) if custom else self._logs(sums, seen, metrics)), step + 1

    def _warn_nan(self, loss, epoch, step) -> None:
        if not self._nan_warned:  # once per fit
            self._nan_warned = True
            warnings.warn(
                f"fit: the loss became {loss} at epoch {epoch + 1}, batch {step}; "
                "add callbacks=[TerminateOnNaN()] to stop there",
                stacklevel=4,
            )

    def _logs(self, sums, seen, metrics=None) -> dict:
        """The loss (and each output's) as batch-size-weighted means, then each metric."""
        logs = {k: v / max(seen, 1) for k, v in sums.items()} if sums else {"loss": 0.0}
        tracker = self._loss_tracker
        if tracker is not None:  # the loop keeps the sums; the 'loss' mean mirrors them
            tracker.total, tracker.count = sums.get("loss", 0.0), seen
        for m in self.metrics if metrics is None else metrics:
            if m is not self._loss_tracker:
                logs[m.name] = log_value(m.result())
        return logs


def _due(epoch: int, freq) -> bool:
    return (epoch + 1) % freq == 0 if isinstance(freq, int) else (epoch + 1) in freq
