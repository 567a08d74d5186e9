"""compile / fit / evaluate / predict, written once for any Module.

`Trainer` is a mixin: a Keras `Model` is a Module plus this, and `keras.Model(module)` wraps a
PyTorch-style module the same way. The Keras face supplies the name lookups ('adam', 'mse',
'accuracy') through `_get_optimizer`, `_get_loss` and `_get_metric`; the loop itself only
slices arrays into batches, runs forward, loss, gradients, the optimizer, metrics, callbacks.
"""

from __future__ import annotations

import itertools
import math
import time
import warnings

import numpy as np

from . import autograd, grad_mode
from . import training_data as data
from .callbacks import Callback, CallbackList, History
from .progress import Progress, one_line
from .tensor import Tensor


class Trainer:
    """Keras's training API for a Module whose forward maps input tensors to output tensors."""

    _get_optimizer = staticmethod(lambda identifier: identifier)
    _get_loss = staticmethod(lambda identifier: identifier)
    _get_metric = staticmethod(lambda identifier, y_true, y_pred: identifier)
    _compiled = None  # the compile() arguments, resolved per output on the first batch
    _heads = None
    stop_training = False

    # --- compile ---
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
                weighted_metrics=None, **kwargs):  # fmt: skip
        """Choose the optimizer, the loss (per output if several) and the metrics to report.

        `loss` is a name ('mse'), a Keras loss, a function `f(y_true, y_pred)` or a PyTorch-style
        loss module such as `nn.CrossEntropyLoss()` (called as `loss(y_pred, y_true)`).
        """
        unknown = sorted(set(kwargs) - data.COMPILE_IGNORED)
        if unknown:
            raise TypeError(f"Invalid keyword argument(s) in `compile()`: {tuple(unknown)}")
        optimizer = self._get_optimizer(optimizer)
        for each in data.entries(loss):  # unknown names fail here, not in the middle of fit
            self._get_loss(each)
        for name in [m for m in data.entries([metrics, weighted_metrics]) if isinstance(m, str)]:
            self._get_metric(name, None, None)
        self.optimizer, self._heads = optimizer, None
        self._compiled = {"loss": loss, "metrics": metrics or [], "loss_weights": loss_weights,
                          "weighted_metrics": weighted_metrics or []}  # fmt: skip

    def _check_compiled(self):
        if self._compiled is None:
            raise RuntimeError("You must compile your model before training/testing. Use `model.compile(optimizer, loss)`.")  # fmt: skip
        if self._compiled["loss"] is None:
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")

    def _build_heads(self, ys, outputs):
        """One (name, loss, weight, [(metric, weighted)]) head per output, from real shapes."""
        outs = data.as_list(outputs)
        names = self._output_names(len(outs))
        self._heads = data.build_heads(self._compiled, ys, outs, names,
                                       self._get_loss, self._get_metric)  # fmt: skip

    def _output_names(self, count):
        names = getattr(self, "output_names", None)
        return names if names and len(names) == count else [f"output_{i + 1}" for i in range(count)]

    def _targets(self, y) -> list:
        return data.flat(y, self._output_names(len(y)) if isinstance(y, dict) else None)

    @property
    def metrics(self) -> list:
        return [m for head in self._heads or [] for m, _ in head[3]]

    @property
    def metrics_names(self) -> list:
        parts = [f"{h[0]}_loss" for h in self._heads or []] if len(self._heads or []) > 1 else []
        return ["loss", *parts, *(m.name for m in self.metrics)]

    # --- one batch ---
    def _forward(self, x):
        if isinstance(x, dict):
            x = data.flat(x, getattr(self, "input_names", None))
        inputs = [Tensor._wrap(a) for a in x] if isinstance(x, list) else Tensor._wrap(x)
        return self(inputs)

    def _loss(self, ys, outputs, sample_weight):
        """The weighted sum of the outputs' losses plus regularization, and each output's loss."""
        outs = data.as_list(outputs)
        if self._heads is None:
            self._build_heads(ys, outputs)
        total, parts = None, {}
        for (name, loss_fn, weight, _), yi, out in zip(self._heads, ys, outs):
            value = loss_fn(yi, out, sample_weight=sample_weight)
            parts[f"{name}_loss"] = value
            value = value if weight == 1.0 else value * weight
            total = value if total is None else total + value
        cache = self.__dict__.get("_step_cache")  # set while fit runs
        for reg, weight in cache["terms"] if cache else self._cached_lists()["terms"]:
            total = total + reg(weight)
        return total, (parts if len(outs) > 1 else {})

    def _update_metrics(self, ys, outputs, sample_weight):
        for (_, _, _, metrics), yi, out in zip(self._heads, ys, data.as_list(outputs)):
            for m, weighted in metrics:
                m.update_state(
                    yi, out.data, **({"sample_weight": sample_weight} if weighted else {})
                )

    def _train_step(self, x, ys, sample_weight):
        """One update on a batch (`ys`: the targets as a list, one per output)."""
        outputs = self._forward(x)
        loss, parts = self._loss(ys, outputs, sample_weight)
        cache = self.__dict__.get("_step_cache") or self.__dict__.setdefault(
            "_step_cache", self._cached_lists()
        )
        params = cache["params"]
        grads = autograd.grad(loss, params, allow_unused=True)
        self.optimizer.apply_gradients(zip(grads, params))
        self._update_metrics(ys, outputs, sample_weight)
        return float(loss.data), {k: float(v.data) for k, v in parts.items()} if parts else parts

    def _cached_lists(self) -> dict:
        """Trainable parameters and regularization terms, listed once per fit (after the build)."""
        terms = getattr(self, "_regularization_terms", None)
        return {"params": [p for p in self.parameters() if p.requires_grad],
                "terms": terms() if terms else []}  # fmt: skip

    def _dry_run(self, x, y):
        """Forward one sample and score every target against a dummy prediction of the model's
        output shape, so wrong labels or shapes fail before any weight changes."""
        was_training = self.training
        self.eval()
        try:
            with grad_mode.no_grad():
                outputs = self._forward(data.take(x, slice(0, 1)))
                if self._heads is None:
                    self._build_heads(self._targets(y), outputs)
                for (_, loss_fn, _, _), yi, out in zip(self._heads, self._targets(y), data.as_list(outputs)):  # fmt: skip
                    probe = np.full((len(yi), *out.shape[1:]), 0.5, dtype=out.data.dtype)
                    loss_fn(yi, Tensor._wrap(probe))
        finally:
            self.train(was_training)

    # --- fit ---
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_batch_size=None,
            validation_freq=1, **kwargs):  # fmt: skip
        """Train for `epochs` passes over (x, y) in batches of `batch_size` (default 32).

        `x`/`y` are arrays, tensors, (nested) Python lists, lists or dicts of those for several
        inputs/outputs, or a DataLoader of (x, y) batches. `validation_split` holds out the LAST
        fraction of the samples, taken before any shuffling, as Keras does: if your data is
        sorted (by class or time), shuffle it first. Returns a `History` whose `.history` maps
        'loss', each metric's name and their 'val_' versions to per-epoch lists.
        """
        self._check_compiled()
        val = data.validation_tuple(validation_data)
        if data.is_loader(x):
            if y is not None or validation_split:
                raise ValueError("`y` and `validation_split` are not supported with a DataLoader")
            return self._run_fit(data.loader_batches(x, class_weight), len(x), epochs, verbose,
                                 callbacks, val, batch_size or 32, validation_freq, initial_epoch,
                                 steps_per_epoch)  # fmt: skip
        x, y, sw = data.prepare(x, y, sample_weight, class_weight)
        if validation_split and val is None:
            (x, y, sw), val = data.split_validation(x, y, sw, validation_split)
        n = data.num_samples(x, y)
        self._dry_run(x, y)
        if val is not None and not data.is_loader(val[0]):
            val = (data.to_arrays(val[0], "x"), data.to_arrays(val[1], "y"), *val[2:])
            self._dry_run(val[0], val[1])
        batch_size = batch_size or 32

        def epoch_batches():
            for index in data.batches(n, batch_size, shuffle):
                yield data.take(x, index), data.take(y, index), data.take(sw, index)

        return self._run_fit(epoch_batches, -(-n // batch_size), epochs, verbose, callbacks, val,
                             validation_batch_size or batch_size, validation_freq, initial_epoch,
                             steps_per_epoch)  # fmt: skip

    def _run_fit(self, epoch_batches, steps, epochs, verbose, callbacks, val, val_batch,
                 val_freq, initial_epoch, steps_per_epoch):  # fmt: skip
        steps = steps_per_epoch or steps
        history = History()
        cbs = CallbackList([history, *(callbacks or [])], model=self, epochs=epochs, steps=steps,
                           verbose=verbose)  # fmt: skip
        progress = Progress(verbose, epochs, steps)
        batch_hooks = [c for c in cbs.callbacks if data.overrides(c, Callback, "on_train_batch_end")
                       or data.overrides(c, Callback, "on_train_batch_begin")]  # fmt: skip
        self.stop_training, self._nan_warned, logs = False, False, {}
        self.__dict__.pop("_step_cache", None)
        self.train()
        cbs.on_train_begin()
        for epoch in range(initial_epoch, epochs):
            cbs.on_epoch_begin(epoch)
            progress.epoch_begin(epoch)
            batches = itertools.islice(epoch_batches(), steps_per_epoch)
            logs, done = self._fit_epoch(batches, epoch, batch_hooks, progress)
            if val is not None and data.due(epoch, val_freq):
                vx, vy, vsw = (*val, None, None)[:3]  # (x, y[, sw]) or (loader,)
                val_logs = self.evaluate(vx, vy, val_batch, verbose=0, sample_weight=vsw,
                                         callbacks=cbs, return_dict=True, _checked=True)  # fmt: skip
                logs.update({f"val_{k}": v for k, v in val_logs.items()})
                self.train()
            cbs.on_epoch_end(epoch, logs)
            progress.epoch_end(logs, done)
            if self.stop_training:
                break
        cbs.on_train_end(logs)
        self.eval()
        self.__dict__.pop("_step_cache", None)
        self.history = history
        return history

    def _fit_epoch(self, batches, epoch, batch_hooks, progress):
        """One pass: train on each batch; logs hold batch-size-weighted means, as Keras's."""
        for m in self.metrics:
            m.reset_state()
        sums, seen, step = {}, 0, -1
        hooks = CallbackList(batch_hooks) if batch_hooks else None
        for step, (xb, yb, swb) in enumerate(batches):
            if hooks:
                hooks.on_train_batch_begin(step)
            ys = self._targets(yb)
            loss, parts = self._train_step(xb, ys, swb)
            seen += data.add(sums, loss, parts, len(ys[0]))
            if not math.isfinite(loss) and not self._nan_warned:  # warn once per fit
                self._nan_warned = True
                warnings.warn(f"fit: the loss became {loss} at epoch {epoch + 1}, batch {step}; "
                              "add callbacks=[TerminateOnNaN()] to stop there", stacklevel=3)  # fmt: skip
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
            logs[m.name] = data.scalar(m.result())
        return logs

    # --- evaluate / predict ---
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False, **kwargs):  # fmt: skip
        """Loss and metrics on (x, y): `[loss, *metrics]`, the loss alone when there are no
        metrics, or a dict with `return_dict=True`."""
        self._check_compiled()
        start = time.perf_counter()
        if data.is_loader(x):
            pairs = list(itertools.islice(data.loader_batches(x, None)(), steps))
        else:
            x, y, sw = data.prepare(x, y, sample_weight)
            n = data.num_samples(x, y)
            if not kwargs.get("_checked"):  # fit checked its validation data already
                self._dry_run(x, y)
            pairs = [(data.take(x, i), data.take(y, i), data.take(sw, i))
                     for i in data.batches(n, batch_size or 32, False)]  # fmt: skip
        was_training = self.training
        self.eval()
        for m in self.metrics:
            m.reset_state()
        sums, seen = {}, 0
        cbs = CallbackList.wrap(callbacks, self)
        cbs.on_test_begin()
        with grad_mode.no_grad():
            for step, (xb, yb, swb) in enumerate(pairs):
                cbs.on_test_batch_begin(step)
                ys, outputs = self._targets(yb), self._forward(xb)
                loss, parts = self._loss(ys, outputs, swb)
                self._update_metrics(ys, outputs, swb)
                parts = {k: float(v.data) for k, v in parts.items()}
                seen += data.add(sums, float(loss.data), parts, len(ys[0]))
                cbs.on_test_batch_end(step, {"loss": float(loss.data)})
        self.train(was_training)
        logs = self._logs(sums, seen)
        cbs.on_test_end(logs)
        if verbose not in (0, "0"):
            print(one_line(len(pairs), time.perf_counter() - start, logs))
        return data.result(logs, return_dict)

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None, **kwargs):
        """Outputs for `x` as NumPy arrays (a list of arrays for several outputs)."""
        start = time.perf_counter()
        if data.is_loader(x):
            batches = itertools.islice(x, steps)
            chunks = [data.to_arrays(b[0] if isinstance(b, (list, tuple)) else b) for b in batches]
        else:
            x = data.to_arrays(x, "x")
            n = data.num_samples(x)
            chunks = [data.take(x, i) for i in data.batches(n, batch_size or 32, False)]
        was_training = self.training
        self.eval()
        outs, cbs = [], CallbackList.wrap(callbacks, self)
        cbs.on_predict_begin()
        with grad_mode.no_grad():
            for step, xb in enumerate(chunks):
                cbs.on_predict_batch_begin(step)
                outs.append([o.numpy() for o in data.as_list(self._forward(xb))])
                cbs.on_predict_batch_end(step, {"outputs": outs[-1]})
        self.train(was_training)
        cbs.on_predict_end()
        if verbose not in (0, "0"):
            print(one_line(len(chunks), time.perf_counter() - start, {}))
        if not outs:
            return np.zeros((0,), np.float32)
        joined = [np.concatenate(parts) for parts in zip(*outs)]
        return joined if len(joined) > 1 else joined[0]

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, reset_metrics=True,
                       return_dict=False):  # fmt: skip
        """One gradient step on one batch; returns the loss (and metrics) of that batch."""
        self._check_compiled()
        x, y, sw = data.prepare(x, y, sample_weight, class_weight)
        self._dry_run(x, y)
        self.train()
        if reset_metrics:
            for m in self.metrics:
                m.reset_state()
        loss, parts = self._train_step(x, self._targets(y), sw)
        self.__dict__.pop("_step_cache", None)
        logs = {"loss": loss, **parts, **{m.name: data.scalar(m.result()) for m in self.metrics}}
        return data.result(logs, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        x = data.to_arrays(x, "x")
        return self.evaluate(x, y, batch_size=data.num_samples(x), verbose=0,
                             sample_weight=sample_weight, return_dict=return_dict)  # fmt: skip

    def predict_on_batch(self, x):
        x = data.to_arrays(x, "x")
        return self.predict(x, batch_size=data.num_samples(x), verbose=0)
