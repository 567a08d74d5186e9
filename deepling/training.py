"""compile / fit / evaluate / predict, written once for any Module.

`Trainer` is a mixin: a Keras `Model` is a Module plus this, and `keras.Model(module)` wraps a
PyTorch-style module the same way. The Keras face supplies the name lookups ('adam', 'mse',
'accuracy') through `_get_optimizer`, `_get_loss` and `_get_metric`; the loop itself only
slices arrays into batches, runs forward, loss, gradients, the optimizer, metrics, callbacks.
"""

from __future__ import annotations

import warnings

import numpy as np

from . import autograd, grad_mode
from . import training_data as data
from .callbacks import CallbackList, History
from .progress import Progress
from .tensor import Tensor


class Trainer:
    """Keras's training API for a Module whose forward maps input tensors to output tensors."""

    _get_optimizer = staticmethod(lambda identifier: identifier)
    _get_loss = staticmethod(lambda identifier: identifier)
    _get_metric = staticmethod(lambda identifier, y_true, y_pred: identifier)
    _compiled = None  # the compile() arguments, resolved per output on the first batch
    stop_training = False

    # --- compile ---
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None, **kwargs):
        """Choose the optimizer, the loss (per output if several) and the metrics to report."""
        if loss is None:
            raise ValueError("compile() needs a loss, e.g. loss='mse'")
        self.optimizer = self._get_optimizer(optimizer)
        for each in loss.values() if isinstance(loss, dict) else loss if isinstance(loss, (list, tuple)) else [loss]:  # fmt: skip
            self._get_loss(each)  # unknown names fail here, not in the middle of fit
        self._compiled = {"loss": loss, "metrics": metrics or [], "loss_weights": loss_weights}
        self._heads = None

    def _check_compiled(self):
        if self._compiled is None:
            raise RuntimeError("You must call `compile()` before training or evaluating the model.")

    def _build_heads(self, y, outputs):
        """One (loss, weight, metrics) head per output, resolved against real shapes."""
        outs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
        ys = data.flat(y)
        if len(ys) != len(outs):
            raise ValueError(f"the model has {len(outs)} outputs but {len(ys)} targets were given")
        names = getattr(self, "output_names", None) or [f"output_{i + 1}" for i in range(len(outs))]
        spec = self._compiled
        heads = []
        for i, (name, yi, out) in enumerate(zip(names, ys, outs)):
            loss = _pick(spec["loss"], i, name)
            weight = 1.0 if spec["loss_weights"] is None else _pick(spec["loss_weights"], i, name)
            metrics = [
                self._get_metric(m, yi, out.data) for m in _metric_ids(spec["metrics"], i, name)
            ]
            if len(outs) > 1:
                for m in metrics:
                    m.name = f"{name}_{m.name}"
            heads.append((name, self._get_loss(loss), weight, metrics))
        self._heads = heads

    @property
    def metrics(self) -> list:
        return [m for head in self._heads or [] for m in head[3]]

    # --- one batch ---
    def _forward(self, x):
        inputs = [Tensor._wrap(a) for a in x] if isinstance(x, list) else Tensor._wrap(x)
        return self(inputs)

    def _loss(self, y, outputs, sample_weight):
        outs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
        if self._heads is None:
            self._build_heads(y, outputs)
        total, parts = None, {}
        for (name, loss_fn, weight, _), yi, out in zip(self._heads, data.flat(y), outs):
            value = loss_fn(yi, out, sample_weight=sample_weight)
            parts[f"{name}_loss"] = value
            total = value * weight if total is None else total + value * weight
        for penalty in getattr(self, "losses", None) or []:  # regularizers
            total = total + penalty
        return total, (parts if len(outs) > 1 else {})

    def _update_metrics(self, y, outputs):
        outs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
        for (_, _, _, metrics), yi, out in zip(self._heads, data.flat(y), outs):
            for m in metrics:
                m.update_state(yi, out.data)

    def _train_step(self, x, y, sample_weight):
        outputs = self._forward(x)
        loss, parts = self._loss(y, outputs, sample_weight)
        params = [p for p in self.parameters() if p.requires_grad]
        grads = autograd.grad(loss, params, allow_unused=True)
        self.optimizer.apply_gradients(zip(grads, params))
        self._update_metrics(y, outputs)
        return float(loss.data), {k: float(v.data) for k, v in parts.items()}

    # --- fit ---
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_batch_size=None,
            validation_freq=1, **kwargs):  # fmt: skip
        """Train for `epochs` passes over (x, y) in batches of `batch_size` (default 32).

        `validation_split` holds out the LAST fraction of the samples, taken before any
        shuffling, as Keras does: if your data is sorted (by class or time), shuffle it first.
        Returns a `History` whose `.history` maps 'loss', metric names and 'val_' names to
        per-epoch lists.
        """
        self._check_compiled()
        if _is_loader(x):
            return self._fit_loader(x, epochs, verbose, callbacks, validation_data, initial_epoch)
        x, y = data.to_arrays(x, "x"), data.to_arrays(y, "y")
        sample_weight = None if sample_weight is None else np.asarray(sample_weight, np.float32)
        n = data.num_samples(x, y, sample_weight)
        if class_weight:
            weights = data.class_weights_to_samples(y, class_weight)
            sample_weight = weights if sample_weight is None else sample_weight * weights
        val = _validation(validation_data)
        if validation_split and val is None:
            (x, y, sample_weight), val = data.split_validation(
                x, y, sample_weight, validation_split
            )
            n = data.num_samples(x, y)
        batch_size = batch_size or 32
        steps = -(-n // batch_size)

        def epoch_batches():
            for index in data.batches(n, batch_size, shuffle):
                yield data.take(x, index), data.take(y, index), data.take(sample_weight, index)

        return self._run_fit(epoch_batches, steps, epochs, verbose, callbacks, val,
                             validation_batch_size or batch_size, validation_freq, initial_epoch)  # fmt: skip

    def _fit_loader(self, loader, epochs, verbose, callbacks, validation_data, initial_epoch):
        def epoch_batches():
            for batch in loader:
                xb, yb = batch[0], batch[1]
                yield _raw(xb), _raw(yb), None

        return self._run_fit(epoch_batches, len(loader), epochs, verbose, callbacks,
                             _validation(validation_data), 32, 1, initial_epoch)  # fmt: skip

    def _run_fit(
        self,
        epoch_batches,
        steps,
        epochs,
        verbose,
        callbacks,
        val,
        val_batch,
        val_freq,
        initial_epoch,
    ):
        history = History()
        cbs = CallbackList(
            [history, *(callbacks or [])], model=self, epochs=epochs, steps=steps, verbose=verbose
        )
        progress = Progress(verbose, epochs, steps)
        self.stop_training = False
        self.train()
        cbs.on_train_begin()
        warned_nan = False
        for epoch in range(initial_epoch, epochs):
            cbs.on_epoch_begin(epoch)
            for m in self.metrics:
                m.reset_state()
            progress.epoch_begin(epoch)
            total, seen, parts_total, logs, step = 0.0, 0, {}, {}, -1
            for step, (xb, yb, swb) in enumerate(epoch_batches()):
                cbs.on_train_batch_begin(step)
                loss, parts = self._train_step(xb, yb, swb)
                count = len(data.flat(yb)[0])
                total, seen = total + loss * count, seen + count
                for k, v in parts.items():
                    parts_total[k] = parts_total.get(k, 0.0) + v * count
                logs = {"loss": total / seen, **{k: v / seen for k, v in parts_total.items()}}
                logs.update((m.name, _scalar(m.result())) for m in self.metrics)
                if not np.isfinite(loss) and not warned_nan:
                    warned_nan = True
                    warnings.warn(f"fit: the loss became {loss} at epoch {epoch + 1}, batch {step}; "
                                  "add callbacks=[TerminateOnNaN()] to stop there", stacklevel=2)  # fmt: skip
                cbs.on_train_batch_end(step, logs)
                progress.batch_end(step, logs)
                if self.stop_training:
                    break
            if val is not None and (epoch + 1) % val_freq == 0:
                val_logs = self.evaluate(*val, batch_size=val_batch, verbose=0, return_dict=True)
                logs.update({f"val_{k}": v for k, v in val_logs.items()})
                self.train()
            cbs.on_epoch_end(epoch, logs)
            progress.epoch_end(logs, step + 1)
            if self.stop_training:
                break
        cbs.on_train_end(logs if epochs > initial_epoch else {})
        self.eval()
        self.history = history
        return history

    # --- evaluate / predict ---
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False, **kwargs):  # fmt: skip
        """Loss and metrics on (x, y): `[loss, *metrics]`, the loss alone when there are no
        metrics, or a dict with `return_dict=True`."""
        self._check_compiled()
        if _is_loader(x):
            pairs = [(_raw(b[0]), _raw(b[1]), None) for b in x]
        else:
            x, y = data.to_arrays(x, "x"), data.to_arrays(y, "y")
            sw = None if sample_weight is None else np.asarray(sample_weight, np.float32)
            n = data.num_samples(x, y, sw)
            pairs = [
                (data.take(x, i), data.take(y, i), data.take(sw, i))
                for i in data.batches(n, batch_size or 32, False)
            ]
        was_training = getattr(self, "training", False)
        self.eval()
        for m in self.metrics:
            m.reset_state()
        total, seen, parts_total = 0.0, 0, {}
        with grad_mode.no_grad():
            for xb, yb, swb in pairs:
                outputs = self._forward(xb)
                loss, parts = self._loss(yb, outputs, swb)
                self._update_metrics(yb, outputs)
                count = len(data.flat(yb)[0])
                total, seen = total + float(loss.data) * count, seen + count
                for k, v in parts.items():
                    parts_total[k] = parts_total.get(k, 0.0) + float(v.data) * count
        self.train(was_training)
        logs = {
            "loss": total / max(seen, 1),
            **{k: v / max(seen, 1) for k, v in parts_total.items()},
        }
        logs.update((m.name, _scalar(m.result())) for m in self.metrics)
        if verbose not in (0, "0"):
            print(
                f"{len(pairs)}/{len(pairs)} - "
                + " - ".join(f"{k}: {v:.4f}" for k, v in logs.items())
            )
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None, **kwargs):
        """Outputs for `x` as NumPy arrays (a list of arrays for several outputs)."""
        if _is_loader(x):
            chunks = [_raw(b[0] if isinstance(b, (list, tuple)) else b) for b in x]
        else:
            x = data.to_arrays(x, "x")
            n = data.num_samples(x)
            chunks = [data.take(x, i) for i in data.batches(n, batch_size or 32, False)]
        was_training = getattr(self, "training", False)
        self.eval()
        outs = []
        with grad_mode.no_grad():
            for xb in chunks:
                out = self._forward(xb)
                outs.append(
                    [o.numpy() for o in out] if isinstance(out, (list, tuple)) else out.numpy()
                )
        self.train(was_training)
        if outs and isinstance(outs[0], list):
            return [np.concatenate(parts) for parts in zip(*outs)]
        return np.concatenate(outs) if outs else np.zeros((0,))

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One gradient step on one batch; returns the loss (and metrics) of that batch."""
        self._check_compiled()
        x, y = data.to_arrays(x, "x"), data.to_arrays(y, "y")
        if class_weight:
            sample_weight = data.class_weights_to_samples(y, class_weight)
        self.train()
        for m in self.metrics:
            m.reset_state()
        loss, parts = self._train_step(x, y, sample_weight)
        logs = {"loss": loss, **parts, **{m.name: _scalar(m.result()) for m in self.metrics}}
        return _result(logs, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        return self.evaluate(x, y, batch_size=len(data.flat(data.to_arrays(x))[0]), verbose=0,
                             sample_weight=sample_weight, return_dict=return_dict)  # fmt: skip

    def predict_on_batch(self, x):
        return self.predict(x, batch_size=len(data.flat(data.to_arrays(x))[0]), verbose=0)


def _pick(spec, index, name):
    """One output's entry from a single value, a list (by position) or a dict (by name)."""
    if isinstance(spec, dict):
        if name not in spec:
            raise KeyError(f"no entry for output '{name}' in {sorted(spec)}")
        return spec[name]
    return spec[index] if isinstance(spec, (list, tuple)) else spec


def _metric_ids(spec, index, name) -> list:
    """Metrics for one output: a flat list applies to every output, a list of lists or a dict
    gives each output its own."""
    if isinstance(spec, dict):
        found = spec.get(name, [])
        return found if isinstance(found, (list, tuple)) else [found]
    if spec and isinstance(spec[0], (list, tuple)):
        return list(spec[index])
    return list(spec)


def _validation(validation_data):
    if validation_data is None:
        return None
    if _is_loader(validation_data):
        return (validation_data,)
    if len(validation_data) not in (2, 3):
        raise ValueError("validation_data must be (x_val, y_val) or (x_val, y_val, sample_weight)")
    return tuple(validation_data)


def _is_loader(x) -> bool:
    return hasattr(x, "__iter__") and hasattr(x, "dataset") and hasattr(x, "batch_size")


def _raw(t):
    return t.numpy() if isinstance(t, Tensor) else np.asarray(t)


def _scalar(value):
    return float(value) if np.ndim(value) == 0 else value


def _result(logs: dict, return_dict: bool):
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values
