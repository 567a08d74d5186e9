"""Keras metrics: stateful objects with `update_state`, `result`, `reset_state`.

The training loop hands them the batch's targets and predictions as arrays; they keep running
sums across batches. Loss-like metrics (errors, cross-entropies) run the Keras loss function of
the same name under no_grad: one formula for both; counting metrics work on NumPy arrays.
"""

from __future__ import annotations

import numbers

import numpy as np

from ..autograd.function import array_op
from ..grad_mode import no_grad
from ..ops.loss import squared_error
from ..recording import effect as _effect
from ..recording import recorder_here
from ..tensor import Tensor
from . import loss_functions as _losses
from .loss_functions import mean_absolute_error as mean_absolute_error
from .loss_functions import mean_squared_error as mean_squared_error
from .registry import Registry

_EPSILON = 1e-7  # Keras's backend epsilon: AUC's outer thresholds sit this far outside [0, 1]
METRICS = Registry("metric")  # the names compile(metrics=[...]) and metrics.get() accept


def _array(x) -> np.ndarray:
    return np.asarray(x._data if isinstance(x, Tensor) else x, dtype=None)


def _same_rank(y_true, y_pred):
    """Keras's squeeze-or-expand: (N,) targets meet (N, 1) predictions without broadcasting."""
    if y_true.ndim == y_pred.ndim - 1:
        y_true = y_true[..., None]
    elif y_pred.ndim == y_true.ndim - 1:
        y_pred = y_pred[..., None]
    return y_true, y_pred


class Metric:
    """Base class: subclasses implement `update_state`, `result` and `reset_state`.

    `_direction` ('up' or 'down') tells EarlyStopping and friends in mode 'auto' which way is
    better, as in Keras 3; None means unknown.
    """

    _direction = None

    def __init_subclass__(cls, **kwargs):
        # Keras's results are tensors (`.numpy()`, `float()` work): the metrics written here
        # compute a number, and this shows it as a float32 tensor
        super().__init_subclass__(**kwargs)
        if cls.__module__.startswith("deepling.keras.") and "result" in cls.__dict__:
            cls.result = _as_result(cls.__dict__["result"])
        for name in ("update_state", "reset_state"):  # a compiled step replays them as calls
            method = cls.__dict__.get(name)
            if method is not None and not getattr(method, "_records_ops", False):
                setattr(cls, name, _effect(method))

    def __init__(self, name: str | None = None, dtype=None):
        self.name = name or _snake(type(self).__name__)
        self.dtype = dtype or "float32"
        self.reset_state()

    @_effect
    def reset_state(self) -> None:
        """Set every variable made by `add_variable` back to zeros (Keras's default)."""
        for v in self.__dict__.get("_variables", ()):
            v.assign(np.zeros(v.shape, v.dtype))

    def add_variable(self, shape=(), initializer="zeros", dtype=None, aggregation="sum",
                     name=None):  # fmt: skip
        """A non-trainable `keras.Variable` holding part of the metric's state (`reset_state`
        sets it back to zeros). `aggregation` is a multi-device setting: one device here."""
        from .variables import Variable

        v = Variable(initializer, shape=tuple(shape), dtype=dtype or self.dtype, trainable=False,
                     name=name)  # fmt: skip
        self.__dict__.setdefault("_variables", []).append(v)
        return v

    def add_weight(self, name=None, shape=(), initializer="zeros", dtype=None,
                   aggregation="sum"):  # fmt: skip
        """tf.keras 2's name for `add_variable` (the name first)."""
        return self.add_variable(shape, initializer, dtype, aggregation, name)

    @property
    def variables(self) -> list:
        return list(self.__dict__.get("_variables", ()))

    def reset_states(self) -> None:  # the TF 2.x spelling
        self.reset_state()

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        raise NotImplementedError

    def result(self) -> float:
        raise NotImplementedError

    def __call__(self, *args, **kwargs):
        """Update with `args` (as `update_state` takes them), then return the result."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


def _as_result(result):
    def as_tensor(self):
        value = result(self)
        if isinstance(value, Tensor):
            return value
        if recorder_here() is not None and isinstance(value, numbers.Real):
            # inside a compiled step: an op that reads the metric each time the step runs
            return array_op(lambda: np.asarray(result(self), np.float32))
        return Tensor._wrap(np.asarray(value, np.float32))

    as_tensor.__name__, as_tensor.__doc__ = result.__name__, result.__doc__
    return as_tensor


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() and i else c.lower() for i, c in enumerate(name))


class Mean(Metric):
    """The (weighted) mean of the values given to `update_state(values, sample_weight)`."""

    def reset_state(self) -> None:
        self.total, self.count = 0.0, 0.0

    def update_state(self, values, sample_weight=None) -> None:
        if type(values) is float and (sample_weight is None or type(sample_weight) is int):
            weight = 1 if sample_weight is None else sample_weight  # the loss tracker, per batch
            self.total += values * weight
            self.count += weight
            return
        values = _array(values)
        if sample_weight is None:
            self.total += float(values.sum(dtype=np.float64))
            self.count += values.size
            return
        values = values.astype(np.float64)
        weight = np.broadcast_to(
            _array(sample_weight).reshape(values.shape[:1] + (1,) * (values.ndim - 1)), values.shape
        )
        self.total += float((values * weight).sum())
        self.count += float(weight.sum())

    def result(self) -> float:
        return self.total / self.count if self.count else 0.0


class MeanMetricWrapper(Mean):
    """The mean over samples of a per-sample function `fn(y_true, y_pred)`.

    The counting functions here work on NumPy arrays; any other function (a loss function, a
    user's, or a Loss object, which contributes its per-sample values) gets Tensors, as in
    Keras, and runs under no_grad.
    """

    def __init__(self, fn, name: str | None = None, dtype=None, **kwargs):
        self.fn, self.kwargs = fn, kwargs
        default = getattr(fn, "name", None) or getattr(fn, "__name__", None)
        super().__init__(name or default or _snake(type(fn).__name__), dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), **self.kwargs}

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        if self.fn in _NUMPY_FNS:
            self._update_counts(y_true, y_pred, sample_weight)
            return
        fn = getattr(self.fn, "call", self.fn)  # a Loss: its per-sample values, by ops that a
        with no_grad():  # compiled step records; then Mean's update is replayed as a call
            values = fn(_as_tensor(y_true), _as_tensor(y_pred), **self.kwargs)
        super().update_state(values, sample_weight)

    @_effect
    def _update_counts(self, y_true, y_pred, sample_weight) -> None:
        """The counting functions on NumPy arrays (replayed as one call)."""
        values = self.fn(_array(y_true), _array(y_pred), **self.kwargs)
        super().update_state(values, sample_weight)

    update_state._records_ops = True  # not an effect itself: see Metric.__init_subclass__


def _as_tensor(x) -> Tensor:
    """x as a tensor; a tensor stays itself (a compiled step follows it by its array)."""
    return x if isinstance(x, Tensor) else Tensor._wrap(_array(x))


# --- per-sample functions: mean over the last axis, as Keras ---
def _mean_last(a) -> np.ndarray:
    """Mean over the last axis (sum / n: `np.mean` goes through slower Python code)."""
    return a.sum(axis=-1, dtype=np.float64) / (a.shape[-1] if a.ndim else 1)


def binary_accuracy(y_true, y_pred, threshold: float = 0.5) -> np.ndarray:
    y_true, y_pred = _same_rank(_array(y_true), _array(y_pred))
    return _mean_last(y_true == (y_pred > threshold))


def categorical_accuracy(y_true, y_pred) -> np.ndarray:
    y_true, y_pred = _array(y_true), _array(y_pred)
    return (np.argmax(y_true, axis=-1) == np.argmax(y_pred, axis=-1)).astype(np.float64)


def sparse_categorical_accuracy(y_true, y_pred) -> np.ndarray:
    y_true, y_pred = _array(y_true), _array(y_pred)
    if y_true.ndim == y_pred.ndim:  # (N, 1) labels
        y_true = y_true[..., 0]
    return (y_true.astype(np.int64) == np.argmax(y_pred, axis=-1)).astype(np.float64)


def accuracy(y_true, y_pred) -> np.ndarray:
    y_true, y_pred = _same_rank(_array(y_true), _array(y_pred))
    return _mean_last(y_true == y_pred)


mae = mean_absolute_error
mse = mean_squared_error
_NUMPY_FNS = (binary_accuracy, categorical_accuracy, sparse_categorical_accuracy, accuracy)


def _wrapper(fn, default_name, direction):
    class Wrapped(MeanMetricWrapper):
        _direction = direction

        def __init__(self, name: str = default_name, dtype=None, **kwargs):
            super().__init__(fn, name, dtype, **kwargs)

    return Wrapped


@METRICS.register("binary_accuracy")
class BinaryAccuracy(_wrapper(binary_accuracy, "binary_accuracy", "up")):
    """Share of predictions on the right side of `threshold` (default 0.5)."""


@METRICS.register("categorical_accuracy")
class CategoricalAccuracy(_wrapper(categorical_accuracy, "categorical_accuracy", "up")):
    """Share of samples whose predicted class (argmax) is the one-hot target's."""


@METRICS.register("sparse_categorical_accuracy")
class SparseCategoricalAccuracy(
    _wrapper(sparse_categorical_accuracy, "sparse_categorical_accuracy", "up")
):
    """Share of samples whose predicted class (argmax) equals the integer label."""


@METRICS.register("accuracy", "acc")
class Accuracy(_wrapper(accuracy, "accuracy", "up")):
    """Share of predictions exactly equal to the targets."""


@METRICS.register("mean_absolute_error", "mae")
class MeanAbsoluteError(_wrapper(mean_absolute_error, "mean_absolute_error", "down")):
    """Mean of |y_pred - y_true|."""


@METRICS.register("mean_squared_error", "mse")
class MeanSquaredError(_wrapper(mean_squared_error, "mean_squared_error", "down")):
    """Mean of (y_pred - y_true)**2."""


def _crossentropy(fn, default_name, **defaults):
    class Crossentropy(MeanMetricWrapper):
        _direction = "down"

        def __init__(self, name: str = default_name, dtype=None, **kwargs):
            super().__init__(fn, name, dtype, **{**defaults, **kwargs})

    return Crossentropy


@METRICS.register("binary_crossentropy")
class BinaryCrossentropy(
    _crossentropy(
        _losses.binary_crossentropy,
        "binary_crossentropy",
        from_logits=False,
        label_smoothing=0.0,
    )
):
    """Mean binary cross-entropy, as the loss of the same name computes it."""


@METRICS.register("categorical_crossentropy")
class CategoricalCrossentropy(
    _crossentropy(
        _losses.categorical_crossentropy,
        "categorical_crossentropy",
        from_logits=False,
        label_smoothing=0.0,
    )
):
    """Mean categorical cross-entropy of one-hot targets."""


@METRICS.register("sparse_categorical_crossentropy")
class SparseCategoricalCrossentropy(
    _crossentropy(
        _losses.sparse_categorical_crossentropy,
        "sparse_categorical_crossentropy",
        from_logits=False,
    )
):
    """Mean cross-entropy of integer labels."""


@METRICS.register("root_mean_squared_error", "rmse")
class RootMeanSquaredError(Mean):
    """sqrt of the mean squared error over everything seen."""

    _direction = "down"

    def __init__(self, name: str = "root_mean_squared_error", dtype=None):
        super().__init__(name, dtype)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_true, y_pred = _same_rank(_array(y_true), _array(y_pred))
        with no_grad():
            super().update_state(
                squared_error(_as_tensor(y_pred), _as_tensor(y_true)), sample_weight
            )

    def result(self) -> float:
        return float(np.sqrt(self.total / self.count if self.count else 0.0))


# --- confusion-matrix metrics ---
def get(identifier, y_true=None, y_pred=None) -> Metric:
    """A Metric from a name, a class, an instance or a function.

    'accuracy'/'acc' are resolved as Keras does from the shapes: one output column means
    binary accuracy, integer labels of lower rank sparse, one-hot targets categorical. The
    metric keeps the name it was asked by, so `history.history` has the keys you wrote.
    """
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if callable(identifier):
        return MeanMetricWrapper(identifier)
    if str(identifier).lower() in ("accuracy", "acc") and y_pred is not None:
        y_true_shape, y_pred_shape = np.shape(y_true), np.shape(y_pred)
        if y_pred_shape[-1:] == (1,) or len(y_pred_shape) == 1:
            return BinaryAccuracy(name=identifier)
        if len(y_true_shape) < len(y_pred_shape) or y_true_shape[-1:] == (1,):
            return SparseCategoricalAccuracy(name=identifier)
        return CategoricalAccuracy(name=identifier)
    return METRICS.lookup(identifier)(name=identifier)


# Precision, Recall and AUC live by kind in confusion_metrics.py, which registers them here
from .confusion_metrics import AUC as AUC  # noqa: E402
from .confusion_metrics import Precision as Precision  # noqa: E402
from .confusion_metrics import Recall as Recall  # noqa: E402
