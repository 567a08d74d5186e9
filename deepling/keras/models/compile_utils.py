"""compile()'s losses and metrics, resolved per output (Keras's compile_utils).

Keras resolves `compile(loss=..., metrics=[...])` once the first batch shows the outputs'
shapes ('accuracy' is binary, sparse or categorical accuracy by them). `Compiled` holds that
step: names go through the registries of `keras.losses` and `keras.metrics`, and the training
loop (deepling/training.py) only calls `loss`, `update_metrics` and `check` on it.
"""

from __future__ import annotations

import numpy as np

from ...tensor import Tensor
from ...training_steps import flat_weights
from .. import losses
from ..metrics import get as get_metric

# compile() arguments Keras 2 accepts and deepling ignores (graph/distribution settings)
COMPILE_IGNORED = set(
    "run_eagerly steps_per_execution jit_compile sample_weight_mode target_tensors distribute "
    "experimental_run_tf_function cloning auto_scale_loss pss_evaluation_shards".split()
)


class Compiled:
    """The loss, loss weight and metrics of each output, built on the first batch."""

    def __init__(self, loss=None, metrics=None, loss_weights=None, weighted_metrics=None):
        for each in entries(loss):  # unknown names fail here, not in the middle of fit
            losses.get(each)
        for name in [m for m in entries([metrics, weighted_metrics]) if isinstance(m, str)]:
            get_metric(name, None, None)
        self.loss_spec, self.loss_weights = loss, loss_weights
        self.metric_spec, self.weighted_spec = metrics or [], weighted_metrics or []
        self.heads = None  # [(name, loss, weight, [(metric, weighted)])], one per output

    @property
    def has_loss(self) -> bool:
        return self.loss_spec is not None

    @property
    def metrics(self) -> list:
        """Every output's metrics, in order (fixed once the heads are built; do not change
        the list)."""
        return self._metrics

    _metrics = ()

    def build(self, ys, outputs, names) -> None:
        """Resolve each output's loss, weight and metrics from the real targets and outputs."""
        if len(ys) != len(outputs):
            raise ValueError(
                f"the model has {len(outputs)} outputs but {len(ys)} targets were given"
            )
        heads = []
        for i, (name, yi, out) in enumerate(zip(names, ys, outputs)):
            loss = None if self.loss_spec is None else losses.get(pick(self.loss_spec, i, name))
            weight = 1.0 if self.loss_weights is None else pick(self.loss_weights, i, name)
            found = [
                (get_metric(m, yi, out._data), False) for m in metric_ids(self.metric_spec, i, name)
            ]
            found += [
                (get_metric(m, yi, out._data), True)
                for m in metric_ids(self.weighted_spec, i, name)
            ]
            if len(outputs) > 1:  # Keras 2 names them '<output>_<metric>'
                for m, _ in found:
                    m.name = f"{name}_{m.name}"
            heads.append((name, loss, float(weight), found))
        self.heads = heads
        self._metrics = [m for head in heads for m, _ in head[3]]

    def loss(self, ys, outputs, sample_weight):
        """The weighted sum of the outputs' losses, and each output's loss (several outputs)."""
        total, parts = None, {}
        for (name, loss_fn, weight, _), yi, out in zip(self.heads, ys, outputs):
            if loss_fn is None:
                raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
            value = loss_fn(yi, out, sample_weight=sample_weight)
            parts[f"{name}_loss"] = value
            value = value if weight == 1.0 else value * weight
            total = value if total is None else total + value
        return total, (parts if len(outputs) > 1 else {})

    def update_metrics(self, ys, outputs, sample_weight) -> None:
        for (_, _, _, found), yi, out in zip(self.heads, ys, outputs):
            for m, weighted in found:
                m.update_state(
                    yi, out._data, **({"sample_weight": sample_weight} if weighted else {})
                )

    def check(self, ys, outputs) -> None:
        """Score every target against a dummy prediction of its output's shape, so that wrong
        labels or shapes fail before any weight changes."""
        for (_, loss_fn, _, _), yi, out in zip(self.heads, ys, outputs):
            if loss_fn is None:
                continue
            probe = np.full((len(yi), *out.shape[1:]), 0.5, dtype=out._data.dtype)
            loss_fn(yi, Tensor._wrap(probe))


class CompiledLoss:
    """tf.keras 2's `model.compiled_loss`: called as `(y, y_pred, sample_weight=None,
    regularization_losses=None)`, it returns the compiled loss plus the given penalties and
    records it in the model's 'loss' tracker (weighted by the batch size), as tf.keras 2."""

    def __init__(self, model):
        self.model = model

    def __call__(self, y_true, y_pred, sample_weight=None, regularization_losses=None):
        model = self.model
        ys, outputs = _targets_and_outputs(model, y_true, y_pred)
        ys = [Tensor._wrap(y) if type(y) is np.ndarray else y for y in ys]  # no copies: a
        total = model._compiled.loss(ys, outputs, flat_weights(sample_weight))[0]  # replay sees y
        for penalty in regularization_losses or []:
            total = total + penalty
        if model._loss_tracker is not None:  # the tensor: a compiled step replays the update
            model._loss_tracker.update_state(total, sample_weight=len(ys[0]))
        return total


class CompiledMetrics:
    """tf.keras 2's `model.compiled_metrics`: `update_state(y, y_pred, sample_weight=None)`
    updates the metrics given to compile()."""

    def __init__(self, model):
        self.model = model

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        ys, outputs = _targets_and_outputs(self.model, y_true, y_pred)
        self.model._compiled.update_metrics(ys, outputs, flat_weights(sample_weight))

    @property
    def metrics(self) -> list:
        return self.model._compiled.metrics


def _targets_and_outputs(model, y_true, y_pred):
    """The targets as arrays (one per output) and the outputs as a list; the compiled losses
    and metrics are resolved on the first call, from their shapes."""
    ys = model._targets(_target_arrays(y_true))
    outputs = list(y_pred) if isinstance(y_pred, (list, tuple)) else [y_pred]
    compiled = model._compiled
    if compiled.heads is None:
        compiled.build(ys, outputs, model._output_names(len(outputs)))
    return ys, outputs


def _target_arrays(y_true):
    """`to_arrays(y_true)`; a tensor (or a list of them) converted by ops (float64 to float32,
    (N,) to (N, 1)), so that a compiled step converts each batch's targets."""
    from ...training_data import to_arrays

    if isinstance(y_true, (list, tuple)) and y_true and all(isinstance(t, Tensor) for t in y_true):
        return [_target_arrays(t) for t in y_true]
    if not isinstance(y_true, Tensor) or y_true.ndim == 0:
        return to_arrays(y_true, "y")
    t = y_true.to(np.float32) if y_true._data.dtype == np.float64 else y_true
    return (t.unsqueeze(-1) if t.ndim == 1 else t)._data


def entries(spec) -> list:
    """The leaves of a loss/metrics spec: one value, a list (of lists) or a dict."""
    if spec is None:
        return []
    if isinstance(spec, dict):
        return [e for v in spec.values() for e in entries(v)]
    if isinstance(spec, (list, tuple)):
        return [e for v in spec for e in entries(v)]
    return [spec]


def pick(spec, index, name):
    """One output's entry from a single value, a list (by position) or a dict (by name)."""
    if isinstance(spec, dict):
        if name not in spec:
            raise KeyError(f"no entry for output '{name}' in {sorted(spec)}")
        return spec[name]
    return spec[index] if isinstance(spec, (list, tuple)) else spec


def metric_ids(spec, index, name) -> list:
    """Metrics for one output: a flat list applies to every output, a list of lists or a dict
    gives each output its own."""
    if isinstance(spec, dict):
        found = spec.get(name, [])
        return list(found) if isinstance(found, (list, tuple)) else [found]
    if not isinstance(spec, (list, tuple)):
        return [spec]
    if spec and isinstance(spec[0], (list, tuple)):
        return list(spec[index])
    return list(spec)
