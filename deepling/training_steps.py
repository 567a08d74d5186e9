"""Keras's step methods, written once for any Module: `train_step`, `test_step`,
`predict_step`, and what they call (`compute_loss`, `compute_metrics`, `get_metrics_result`).

A model that overrides a step (Keras's "Customizing what happens in fit()") has `fit`,
`evaluate` or `predict` call it with each batch as the data gave it (`(x, y)`,
`(x, y, sample_weight)` or `x`, as tensors) and report the dict it returns. A model that does
not takes the loop's own path in training.py, which computes the same thing on arrays.
"""

from __future__ import annotations

import numbers

import numpy as np

from . import autograd
from .recording import effect
from .tensor import Tensor
from .training_data import to_arrays


def flat_weights(sample_weight):
    """Sample weights as one float32 vector: a tensor through ops (a compiled step takes each
    batch's), anything else as an array."""
    if sample_weight is None:
        return None
    if isinstance(sample_weight, Tensor):
        return sample_weight.to(np.float32).reshape(-1)
    return np.asarray(sample_weight, np.float32).reshape(-1)


def unpack_x_y_sample_weight(data):
    """(x, y, sample_weight) from a batch: `(x,)`, `(x, y)`, `(x, y, sw)` or `x` alone."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data
    raise ValueError(
        "Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`, "
        f"found: {data!r:.200}"
    )


def flat_logs(logs) -> dict:
    """Keras's logs from what a step returns: nested dicts merged, 0-d values as floats."""
    if not isinstance(logs, dict):
        raise TypeError(f"a step must return a dict of metric values, got {type(logs).__name__}")
    out = {}
    for key, value in logs.items():
        if isinstance(value, dict):
            out.update(flat_logs(value))
        elif isinstance(value, (Tensor, np.ndarray, np.generic)) and np.ndim(value) == 0:
            out[key] = float(value)
        elif isinstance(value, numbers.Real) and not isinstance(value, bool):
            out[key] = float(value)
        else:
            out[key] = value
    return out


def as_tensors(data):
    """A batch's arrays as tensors, in its structure (tensors stay as they are; float64
    arrays become float32, as the loop's own path casts them)."""
    if isinstance(data, (list, tuple)):
        return type(data)(as_tensors(d) for d in data)
    if isinstance(data, dict):
        return {k: as_tensors(v) for k, v in data.items()}
    if isinstance(data, np.ndarray):
        return Tensor._wrap(data.astype(np.float32) if data.dtype == np.float64 else data)
    return data


class Steps:
    """Keras's step API over the compiled losses and metrics (`self._compiled`)."""

    _loss_tracker = None  # the face's 'loss' mean, set by compile()

    def _overrides(self, name: str) -> bool:
        """Whether the model's class replaces a step (then the loop calls it)."""
        return getattr(type(self), name) is not getattr(Steps, name)

    # --- the default steps: what the loop does, on tensors ---
    def train_step(self, data) -> dict:
        """One update on a batch: forward with training=True, `compute_loss`, gradients of
        the trainable weights, the optimizer, `compute_metrics`."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self(x, training=True)
        loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight)
        self._track_loss(loss, x)
        params = self._step_lists()["params"]
        grads = autograd.grad(loss, params, allow_unused=True)
        self.optimizer.apply_gradients(zip(grads, params))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data) -> dict:
        """Loss and metrics of a batch, without updating."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight)
        self._track_loss(loss, x)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data):
        """The model's outputs for a batch (its `x`)."""
        x, _, _ = unpack_x_y_sample_weight(data)
        return self(x, training=False)

    @effect  # a compiled step replays it as this call
    def _track_loss(self, loss, x) -> None:
        tracker = self._loss_tracker
        if tracker is not None:
            first = x[0] if isinstance(x, (list, tuple)) else x
            first = next(iter(first.values())) if isinstance(first, dict) else first
            tracker.update_state(float(loss), sample_weight=len(first))

    # --- what steps call ---
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The compiled loss of `y_pred` against `y` (weighted by `sample_weight`) plus the
        layers' regularization penalties, as a 0-d tensor."""
        ys = self._targets(to_arrays(y, "y"))
        outputs = list(y_pred) if isinstance(y_pred, (list, tuple)) else [y_pred]
        return self._loss(ys, outputs, flat_weights(sample_weight))[0]

    def compute_metrics(self, x, y, y_pred, sample_weight=None) -> dict:
        """Update the compiled metrics with a batch; return every metric's result."""
        compiled = self._compiled
        if compiled is not None and y is not None and (compiled.heads or compiled.metric_spec
                                                       or compiled.weighted_spec):  # fmt: skip
            ys = self._targets(to_arrays(y, "y"))
            outputs = list(y_pred) if isinstance(y_pred, (list, tuple)) else [y_pred]
            if compiled.heads is None:
                compiled.build(ys, outputs, self._output_names(len(outputs)))
            compiled.update_metrics(ys, outputs, flat_weights(sample_weight))
        return self.get_metrics_result()

    def get_metrics_result(self) -> dict:
        """{name: result} of every metric in `self.metrics` (dict results merged)."""
        found = {}
        for m in self.metrics:
            result = m.result()
            if isinstance(result, dict):
                found.update(result)
            else:
                found[m.name] = result
        return found

    def reset_metrics(self) -> None:
        """Reset every metric in `self.metrics` (fit does it at each epoch's start)."""
        for m in self.metrics:
            m.reset_state()
