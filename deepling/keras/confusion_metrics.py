"""Keras's confusion-matrix metrics: Precision, Recall and AUC, over thresholded counts of
true/false positives and negatives (kept as NumPy sums across batches)."""

from __future__ import annotations

import numpy as np

from .metrics import _EPSILON, METRICS, Metric, _array, _same_rank


class _Confusion(Metric):
    """Counts true/false positives/negatives of `y_pred > threshold` for each threshold."""

    _direction = "up"

    def __init__(self, thresholds, name=None, dtype=None):
        self.thresholds = np.asarray(thresholds, dtype=np.float64).reshape(-1)
        super().__init__(name, dtype)

    def reset_state(self) -> None:
        n = len(self.thresholds)
        self.tp, self.fp, self.tn, self.fn = (np.zeros(n) for _ in range(4))

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_true, y_pred = _same_rank(_array(y_true), _array(y_pred))
        truth = np.broadcast_to(y_true, y_pred.shape).reshape(-1).astype(bool)
        pred = y_pred.reshape(-1)
        weight = np.ones_like(pred, dtype=np.float64)
        if sample_weight is not None:
            w = _array(sample_weight).astype(np.float64)
            weight = np.broadcast_to(
                w.reshape(w.shape + (1,) * (y_pred.ndim - w.ndim)), y_pred.shape
            ).reshape(-1)
        above = pred[None, :] > self.thresholds[:, None]
        self.tp += (above & truth) @ weight
        self.fp += (above & ~truth) @ weight
        self.fn += (~above & truth) @ weight
        self.tn += (~above & ~truth) @ weight


def _ratio(a, b):
    return np.divide(a, b, out=np.zeros_like(a), where=b > 0)


@METRICS.register("precision")
class Precision(_Confusion):
    """tp / (tp + fp) at `thresholds` (default 0.5)."""

    def __init__(self, thresholds=0.5, name=None, dtype=None):
        super().__init__(thresholds, name, dtype)

    def result(self):
        r = _ratio(self.tp, self.tp + self.fp)
        return float(r[0]) if r.size == 1 else r


@METRICS.register("recall")
class Recall(_Confusion):
    """tp / (tp + fn) at `thresholds` (default 0.5)."""

    def __init__(self, thresholds=0.5, name=None, dtype=None):
        super().__init__(thresholds, name, dtype)

    def result(self):
        r = _ratio(self.tp, self.tp + self.fn)
        return float(r[0]) if r.size == 1 else r


@METRICS.register("auc")
class AUC(_Confusion):
    """Area under the ROC (or PR) curve from counts at `num_thresholds` evenly spaced thresholds,
    with Keras's trapezoidal ('interpolation') Riemann sum."""

    def __init__(self, num_thresholds: int = 200, curve: str = "ROC",
                 summation_method: str = "interpolation", name=None, dtype=None):  # fmt: skip
        if curve not in ("ROC", "PR"):
            raise ValueError(f'Invalid curve: "{curve}". Valid options are: "ROC", "PR"')
        self.curve, self.summation_method = curve, summation_method
        inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        super().__init__([-_EPSILON, *inner, 1 + _EPSILON], name or "auc", dtype)

    def result(self) -> float:
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolated_pr_auc()
        recall = _ratio(self.tp, self.tp + self.fn)
        if self.curve == "ROC":
            x, y = _ratio(self.fp, self.fp + self.tn), recall
        else:
            x, y = recall, _ratio(self.tp, self.tp + self.fp)
        heights = {
            "interpolation": (y[:-1] + y[1:]) / 2,
            "minoring": np.minimum(y[:-1], y[1:]),
            "majoring": np.maximum(y[:-1], y[1:]),
        }[self.summation_method]
        return float(np.sum((x[:-1] - x[1:]) * heights))

    def _interpolated_pr_auc(self) -> float:
        """Davis & Goadrich's interpolation between PR points, as Keras computes it."""
        tp, p = self.tp, self.tp + self.fp
        dtp, dp = tp[:-1] - tp[1:], p[:-1] - p[1:]
        slope = _ratio(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        both = (p[:-1] > 0) & (p[1:] > 0)
        p_ratio = np.where(both, _ratio(p[:-1], np.maximum(p[1:], 0)), 1.0)
        return float(
            np.sum(
                _ratio(
                    slope * (dtp + intercept * np.log(p_ratio)), np.maximum(tp[1:] + self.fn[1:], 0)
                )
            )
        )
