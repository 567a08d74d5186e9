"""evaluate / predict and the single-batch methods, written once for any Module (the mixin
under `Trainer`). A model that overrides `test_step` or `predict_step` has them called with
each batch as the data gave it."""

from __future__ import annotations

import numpy as np

from . import grad_mode
from .callbacks import CallbackList
from .progress import Progress
from .training_data import ArrayData, Epochs, check_arguments, flat, to_arrays, training_data
from .training_steps import Steps, as_tensors, flat_logs


class Evaluation(Steps):
    """Keras's evaluate, predict, train_on_batch, test_on_batch and predict_on_batch."""

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False, *, max_queue_size=10, workers=1,
                 use_multiprocessing=False, **kwargs):  # fmt: skip
        """Loss and metrics on (x, y) (or a dataset of batches): `[loss, *metrics]`, the loss
        alone when there are no metrics, or a dict with `return_dict=True`. An unknown keyword
        is Keras 3's ValueError ("Arguments not recognized"); Keras 2's loader switches do
        nothing, as in `fit`."""
        self._check_compiled("test_step")
        if kwargs:
            raise ValueError(f"Arguments not recognized: {kwargs}")
        check_arguments(batch_size=batch_size, steps=steps)
        data = training_data(x, y, sample_weight)
        data.check_steps(steps, "steps")
        if not self._overrides("test_step"):
            self._dry_run(data)
        cbs = CallbackList.wrap(callbacks, self)
        progress = Progress(
            self._verbosity(verbose), 1, steps or data.steps(batch_size or 32), header=False
        )
        logs, _ = self._evaluate(data, batch_size or 32, steps, cbs, progress)
        return result(logs, return_dict)

    def _evaluate(self, data, batch_size, steps, cbs, progress=None):
        """Loss and metrics over the batches of `data`, without recording or updating; and the
        number of batches."""
        was_training = self.training
        self.eval()
        self.reset_metrics()
        custom = self._overrides("test_step")
        sums, seen, step, logs = {}, 0, -1, {}
        batches = Epochs(data, batch_size, False, steps, custom, once=True).next_epoch()
        cbs.on_test_begin()
        if progress is not None:
            progress.epoch_begin(0)
        with grad_mode.no_grad():
            for step, batch in enumerate(batches):
                cbs.on_test_batch_begin(step)
                if custom:
                    logs = flat_logs(self._step("test_step")(as_tensors(batch)))
                else:
                    seen += self._test_batch(sums, *batch)
                    logs = {"loss": sums["loss"] / max(seen, 1)}
                cbs.on_test_batch_end(step, logs)
                if progress is not None and progress.live:
                    progress.batch_end(step, logs if custom else self._logs(sums, seen))
        self.train(was_training)
        logs = dict(logs) if custom else self._logs(sums, seen)
        cbs.on_test_end(logs)
        if progress is not None:
            progress.epoch_end(logs, step + 1)
        return logs, step + 1

    def _test_batch(self, sums, xb, yb, swb) -> int:
        ys = self._targets(yb)
        loss, parts = self._step("_measure")(xb, ys, swb)
        parts = {k: float(v._data) for k, v in parts.items()}
        return add_batch(sums, float(loss._data), parts, len(ys[0]))

    def _measure(self, x, ys, sample_weight):
        """Forward, loss and metrics on one batch (the step evaluate compiles)."""
        outputs = self._forward(x)
        loss, parts = self._loss(ys, outputs, sample_weight)
        self._compiled.update_metrics(ys, outputs, sample_weight)
        return loss, parts

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None, *,
                max_queue_size=10, workers=1, use_multiprocessing=False):  # fmt: skip
        """Outputs for `x` (arrays, or a dataset of batches whose targets are ignored) as NumPy
        arrays (a list of arrays for several outputs). An unknown keyword is Keras 3's
        TypeError; Keras 2's loader switches do nothing, as in `fit`."""
        check_arguments(batch_size=batch_size, steps=steps)
        data = training_data(x, targets=False)
        data.check_steps(steps, "steps")
        custom = self._overrides("predict_step")
        batches = Epochs(data, batch_size or 32, False, steps, custom, once=True).next_epoch()
        progress = Progress(
            self._verbosity(verbose), 1, steps or data.steps(batch_size or 32), header=False
        )
        was_training = self.training
        self.eval()
        outs, cbs, step = [], CallbackList.wrap(callbacks, self), -1
        cbs.on_predict_begin()
        progress.epoch_begin(0)
        with grad_mode.no_grad():
            for step, batch in enumerate(batches):
                cbs.on_predict_batch_begin(step)
                if custom:
                    found = self._step("predict_step")(as_tensors(batch))
                    found = list(found) if isinstance(found, (list, tuple)) else [found]
                    outs.append(
                        [np.asarray(o.numpy() if hasattr(o, "numpy") else o) for o in found]
                    )
                else:
                    outs.append([o._data for o in self._step("_forward")(batch[0])])
                cbs.on_predict_batch_end(step, {"outputs": outs[-1]})
                if progress.live:
                    progress.batch_end(step, {})
        self.train(was_training)
        cbs.on_predict_end()
        progress.epoch_end({}, step + 1)
        if not outs:
            return np.zeros((0,), np.float32)
        joined = [np.concatenate(parts) for parts in zip(*outs)]
        return joined if len(joined) > 1 else joined[0]

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, reset_metrics=True,
                       return_dict=False):  # fmt: skip
        """One gradient step on one batch; returns the loss (and metrics) of that batch."""
        self._check_compiled()
        data = ArrayData(x, y, sample_weight, class_weight)
        self.train()
        if reset_metrics:
            self.reset_metrics()
        if self._overrides("train_step"):
            batch = next(data.batches(data.num_samples, raw=True))
            return result(flat_logs(self.train_step(as_tensors(batch))), return_dict)
        self._dry_run(data)
        ys = self._targets(data.y)
        loss, parts = self._train_step(data.x, ys, data.sample_weight)
        if self._loss_tracker is not None:
            self._loss_tracker.update_state(loss, sample_weight=len(ys[0]))
        logs = {"loss": loss, **parts}
        logs.update((m.name, log_value(m.result())) for m in self.metrics if m.name != "loss")
        return result(logs, return_dict)

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


# --- small helpers of the loops ---
def add_batch(sums: dict, loss: float, parts: dict, count: int) -> int:
    """Add a batch's loss and per-output losses, weighted by its size; return the size."""
    sums["loss"] = sums.get("loss", 0.0) + loss * count
    for k, v in parts.items():
        sums[k] = sums.get(k, 0.0) + v * count
    return count


def log_value(value):
    """A metric's result as logs hold it: a float for a scalar (a tensor's too)."""
    return float(value) if np.ndim(value) == 0 else value


def result(logs: dict, return_dict: bool):
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values
