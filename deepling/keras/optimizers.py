"""keras.optimizers (also tf.optimizers, tf.keras.optimizers): Keras's names, defaults and formulas
over deepling.optim.

Each class is the `deepling.optim` rule with Keras's defaults (`learning_rate=0.001` but SGD's
0.01, `epsilon=1e-7`, RMSprop's `rho=0.9`, Adagrad's accumulator 0.1, ...) and the named
switches that give Keras's formulas: epsilon placement, `lr` inside the momentum, decoupled
`weight_decay` (`p -= lr * wd * p` before the step). Formulas follow Keras 2.11+ (also Keras 3).
Old tutorials' `lr=` and `decay=` (Keras <= 2.10) still work; `lr=` warns that it is deprecated.
"""

from __future__ import annotations

import math
import warnings

from .. import optim
from .._backend import array_module
from ..tensor import Tensor

_IGNORED = ("jit_compile", "ema_momentum", "ema_overwrite_frequency", "is_legacy_optimizer")


class Optimizer(optim.Optimizer):
    """What every Keras optimizer adds to the rule: a name, gradient clipping, learning-rate
    schedules (a callable of the step), the `lr` alias, and `minimize`."""

    def _keras_setup(self, learning_rate, kwargs, name, clipnorm, clipvalue, global_clipnorm):
        """Read Keras's common arguments; return the learning rate for the rule's constructor."""
        if "lr" in kwargs:
            warnings.warn(
                "`lr` is deprecated in Keras optimizer, please use `learning_rate`.",
                DeprecationWarning,
                stacklevel=3,
            )
            learning_rate = kwargs.pop("lr")
        decay = kwargs.pop("decay", 0.0)
        if kwargs.pop("use_ema", False):
            raise NotImplementedError("use_ema=True (weight moving averages) is not supported")
        for key in kwargs:
            if key not in _IGNORED:
                raise TypeError(f"{key} is not a valid argument, kwargs should be empty.")
        if clipnorm is not None and global_clipnorm is not None:
            raise ValueError(
                "At most one of `clipnorm` and `global_clipnorm` can be set. Received: "
                f"clipnorm={clipnorm}, global_clipnorm={global_clipnorm}."
            )
        self.name, self.clipnorm, self.clipvalue = name, clipnorm, clipvalue
        self.global_clipnorm = global_clipnorm
        self._schedule = None
        if callable(learning_rate):
            self._schedule = learning_rate
        elif decay:  # Keras <= 2.10: lr / (1 + decay * iterations)
            initial = float(learning_rate)
            self._schedule = lambda step: initial / (1.0 + decay * step)
        return float(self._schedule(0)) if self._schedule else float(learning_rate)

    @property
    def learning_rate(self) -> float:
        if self._schedule is not None:
            return float(self._schedule(self.iterations))
        return self.param_groups[0]["lr"]

    @learning_rate.setter
    def learning_rate(self, value) -> None:
        self._schedule = value if callable(value) else None
        optim.Optimizer.learning_rate.fset(self, self.learning_rate if callable(value) else value)

    lr = learning_rate  # Keras 2's alias

    def apply_gradients(self, grads_and_vars, name=None, **kwargs) -> int:
        """Clip as configured, then update each variable (see `deepling.optim.Optimizer`)."""
        pairs = list(grads_and_vars)
        if self._schedule is not None:
            optim.Optimizer.learning_rate.fset(self, self.learning_rate)
        grads = self._clip([g for g, _ in pairs])
        return super().apply_gradients(zip(grads, [v for _, v in pairs]))

    def _clip(self, grads: list) -> list:
        """Keras's order: clipnorm per gradient, or global_clipnorm over all; then clipvalue."""
        if self.clipnorm is None and self.global_clipnorm is None and self.clipvalue is None:
            return grads
        grads = [None if g is None else g.data if isinstance(g, Tensor) else g for g in grads]
        if self.clipnorm is not None:
            grads = [None if g is None else _scale(g, _norm(g), self.clipnorm) for g in grads]
        if self.global_clipnorm is not None:
            total = math.sqrt(sum(_norm(g) ** 2 for g in grads if g is not None))
            grads = [None if g is None else _scale(g, total, self.global_clipnorm) for g in grads]
        if self.clipvalue is not None:
            v = self.clipvalue
            grads = [None if g is None else array_module(g).clip(g, -v, v) for g in grads]
        return grads

    def minimize(self, loss, var_list, tape=None) -> int:
        """Compute the gradients of `loss` (a callable, or a tensor recorded on `tape`) for
        `var_list` and apply them."""
        if callable(loss):
            from ..tape import GradientTape

            with GradientTape() as tape:
                loss = loss()
        elif tape is None:
            raise ValueError("`tape` is required when a `Tensor` loss is passed.")
        var_list = var_list() if callable(var_list) else list(var_list)
        return self.apply_gradients(zip(tape.gradient(loss, var_list), var_list))


def _norm(g) -> float:
    return float(array_module(g).sqrt((g * g).sum()))


def _scale(g, norm: float, limit: float):
    """tf.clip_by_norm: `g * limit / max(norm, limit)`."""
    return g * (limit / max(norm, limit))


class SGD(Optimizer, optim.SGD):
    """Keras SGD: `v = momentum * v - lr * g; p += v` (Nesterov: `p += momentum * v - lr * g`)."""

    def __init__(
        self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None,
        clipnorm=None, clipvalue=None, global_clipnorm=None, name="SGD", **kwargs,
    ):  # fmt: skip
        if not 0 <= momentum <= 1:
            raise ValueError("`momentum` must be between [0, 1].")
        lr = self._keras_setup(learning_rate, kwargs, name, clipnorm, clipvalue, global_clipnorm)
        optim.SGD.__init__(
            self, None, lr, momentum, nesterov=nesterov and momentum > 0,
            weight_decay=weight_decay or 0.0, decoupled_weight_decay=True, lr_in_momentum=True,
        )  # fmt: skip


class Adam(Optimizer, optim.Adam):
    """Keras Adam: `p -= lr * sqrt(1 - b2**t) / (1 - b1**t) * m / (sqrt(v) + epsilon)`."""

    def __init__(
        self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False,
        weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None, name="Adam",
        **kwargs,
    ):  # fmt: skip
        lr = self._keras_setup(learning_rate, kwargs, name, clipnorm, clipvalue, global_clipnorm)
        optim.Adam.__init__(
            self, None, lr, (beta_1, beta_2), epsilon, weight_decay or 0.0, amsgrad,
            decoupled_weight_decay=True, eps_before_bias_correction=True,
        )  # fmt: skip


class AdamW(Optimizer, optim.Adam):
    """Keras AdamW: Keras's Adam after `p -= lr * weight_decay * p` (weight_decay 0.004)."""

    def __init__(
        self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
        amsgrad=False, clipnorm=None, clipvalue=None, global_clipnorm=None, name="AdamW",
        **kwargs,
    ):  # fmt: skip
        if weight_decay is None:
            raise ValueError(
                f"Argument `weight_decay` must be a float. Received: weight_decay={weight_decay}"
            )
        lr = self._keras_setup(learning_rate, kwargs, name, clipnorm, clipvalue, global_clipnorm)
        optim.Adam.__init__(
            self, None, lr, (beta_1, beta_2), epsilon, weight_decay, amsgrad,
            decoupled_weight_decay=True, eps_before_bias_correction=True,
        )  # fmt: skip


class Adagrad(Optimizer, optim.Adagrad):
    """Keras Adagrad: `s += g**2; p -= lr * g / sqrt(s + epsilon)`, `s` starting at 0.1."""

    def __init__(
        self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
        weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None, name="Adagrad",
        **kwargs,
    ):  # fmt: skip
        lr = self._keras_setup(learning_rate, kwargs, name, clipnorm, clipvalue, global_clipnorm)
        optim.Adagrad.__init__(
            self, None, lr, 0.0, weight_decay or 0.0, initial_accumulator_value, epsilon,
            decoupled_weight_decay=True, eps_inside_sqrt=True,
        )  # fmt: skip


class RMSprop(Optimizer, optim.RMSprop):
    """Keras RMSprop: `v = rho v + (1 - rho) g**2; p -= lr * g / sqrt(v + epsilon)`; with
    momentum `b = momentum * b + lr * g / sqrt(v + epsilon); p -= b`."""

    def __init__(
        self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False,
        weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None, name="RMSprop",
        **kwargs,
    ):  # fmt: skip
        lr = self._keras_setup(learning_rate, kwargs, name, clipnorm, clipvalue, global_clipnorm)
        optim.RMSprop.__init__(
            self, None, lr, rho, epsilon, weight_decay or 0.0, momentum, centered,
            decoupled_weight_decay=True, eps_inside_sqrt=True, lr_in_momentum=True,
        )  # fmt: skip


class Adadelta(Optimizer, optim.Adadelta):
    """Keras Adadelta: PyTorch's formula with Keras's defaults (lr 0.001, rho 0.95)."""

    def __init__(
        self, learning_rate=0.001, rho=0.95, epsilon=1e-7, weight_decay=None, clipnorm=None,
        clipvalue=None, global_clipnorm=None, name="Adadelta", **kwargs,
    ):  # fmt: skip
        lr = self._keras_setup(learning_rate, kwargs, name, clipnorm, clipvalue, global_clipnorm)
        optim.Adadelta.__init__(
            self, None, lr, rho, epsilon, weight_decay or 0.0, decoupled_weight_decay=True
        )


class Adamax(Optimizer, optim.Adamax):
    """Keras Adamax: `u = max(b2 u, |g|); p -= lr / (1 - b1**t) * m / (u + epsilon)`."""

    def __init__(
        self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, weight_decay=None,
        clipnorm=None, clipvalue=None, global_clipnorm=None, name="Adamax", **kwargs,
    ):  # fmt: skip
        lr = self._keras_setup(learning_rate, kwargs, name, clipnorm, clipvalue, global_clipnorm)
        optim.Adamax.__init__(
            self, None, lr, (beta_1, beta_2), epsilon, weight_decay or 0.0,
            decoupled_weight_decay=True, eps_outside_max=True,
        )  # fmt: skip


class Nadam(Optimizer, optim.NAdam):
    """Keras Nadam: PyTorch's NAdam rule with momentum schedule `b1 (1 - 0.96**t / 2)`."""

    def __init__(
        self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, weight_decay=None,
        clipnorm=None, clipvalue=None, global_clipnorm=None, name="Nadam", **kwargs,
    ):  # fmt: skip
        lr = self._keras_setup(learning_rate, kwargs, name, clipnorm, clipvalue, global_clipnorm)
        optim.NAdam.__init__(
            self, None, lr, (beta_1, beta_2), epsilon, weight_decay or 0.0,
            momentum_decay=1.0, decoupled_weight_decay=True,
        )  # fmt: skip


_BY_NAME = {
    c.__name__.lower(): c for c in (SGD, Adam, AdamW, Adagrad, RMSprop, Adadelta, Adamax, Nadam)
}


def get(identifier):
    """An optimizer from a name (`"adam"`, `"sgd"`, ...) with default settings, or as given."""
    if isinstance(identifier, optim.Optimizer):
        return identifier
    if isinstance(identifier, str) and identifier.lower() in _BY_NAME:
        return _BY_NAME[identifier.lower()]()
    raise ValueError(f"Could not interpret optimizer identifier: {identifier}")
