"""keras.optimizers (also tf.optimizers, tf.keras.optimizers): Keras's names, defaults and formulas
over deepling.optim.

Each class is a row: Keras's signature (its own arguments and defaults: `learning_rate=0.001`
but SGD's 0.01, `epsilon=1e-7`, RMSprop's `rho=0.9`, Adagrad's accumulator 0.1, ...), the
switches of its `deepling.optim` rule that give Keras's formulas (epsilon placement, `lr` inside
the momentum), and one call naming the rule's arguments. What every Keras optimizer shares
(decoupled `weight_decay`, clipping, `name`, schedules, the old `lr=`/`decay=` of Keras <= 2.10)
is read once, by `Optimizer`. Formulas follow Keras 2.11+ (also Keras 3).

Adding an optimizer: its rule in `deepling/optim/`, and a row here; the row registers itself
under its lower-case name for `get` and `compile(optimizer=...)`.
"""

from __future__ import annotations

import functools
import inspect
import warnings
from typing import NamedTuple

from .. import optim
from ..optim import clip
from ..recording import effect as _effect
from ..tensor import Tensor
from .registry import Registry

_IGNORED = ("jit_compile", "is_legacy_optimizer")


class Slot(NamedTuple):
    """One of Keras's per-variable optimizer variables (`momentum`, `velocity`, ...) as the
    deepling rule keeps it: its state key, the sign between the two, and its starting value."""

    keras_name: str
    key: str
    sign: float = 1.0
    fill: float = 0.0


OPTIMIZERS = Registry("optimizer")  # lower-case names, filled by Optimizer.__init_subclass__


class Optimizer(optim.Optimizer):
    """What every Keras optimizer adds to its rule: Keras's common arguments (decoupled weight
    decay, gradient clipping, a name, learning-rate schedules as a callable of the step, the
    old `lr` and `decay`), the `lr` alias, and `minimize`.

    A row is Keras's signature, its rule's `switches` (a class attribute), and one call,
    `super().__init__(learning_rate, weight_decay, common, kwargs, **rule)`: `rule` names the
    `deepling.optim` rule's arguments; `common` and `kwargs` are what the caller gave after
    `weight_decay`: Keras's common arguments, in Keras 3's order (see `_common`).
    """

    switches: dict = {}  # a row's switches of its rule that give Keras's formula

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.__module__ == __name__:  # a row of this module: register it, show its signature
            OPTIMIZERS[cls.__name__.lower()] = cls
            cls.__init__ = _recording(cls.__init__, _keras_signature(cls.__init__))

    def get_config(self) -> dict:
        """The constructor's arguments, as Keras's: `from_config(get_config())` makes a fresh
        optimizer like this one (at its current learning rate, unless that is a schedule)."""
        config = {k: v for k, v in self._config.items() if k != "kwargs"}
        config["name"] = self.name
        if self._schedule is None:
            config["learning_rate"] = self.learning_rate
        return config

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def keras_slots(self) -> list:
        """Keras's optimizer variables after `iteration` and `learning_rate` (what `.keras`
        files hold): groups of Slots, each group made for every trainable variable in turn
        (interleaved within a group), one group after another, as Keras's `build` makes them."""
        return []

    keras_scalars: tuple = ()  # Slots Keras keeps once, after the per-variable ones

    def __init__(self, learning_rate, weight_decay, common: tuple, kwargs: dict, **rule):
        lr = self._common(learning_rate, *common, **kwargs)
        # the next class in a row's MRO is its rule (`optim.Adam`, ...); Keras decouples decay
        wd = weight_decay or 0.0
        super().__init__(
            None, lr=lr, weight_decay=wd, decoupled_weight_decay=True, **rule, **self.switches
        )

    def _common(self, learning_rate, clipnorm=None, clipvalue=None, global_clipnorm=None,
                use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                loss_scale_factor=None, gradient_accumulation_steps=None, name=None,
                **kwargs) -> float:  # fmt: skip
        """Read Keras's common arguments; return the learning rate the rule starts with."""
        if "lr" in kwargs:
            warnings.warn(
                "`lr` is deprecated in Keras optimizer, please use `learning_rate`.",
                DeprecationWarning,
                stacklevel=4,  # the caller of the row
            )
            learning_rate = kwargs.pop("lr")
        decay = kwargs.pop("decay", 0.0)
        if use_ema:
            raise NotImplementedError("use_ema=True (weight moving averages) is not supported")
        for key in kwargs:
            if key not in _IGNORED:
                raise TypeError(f"{key} is not a valid argument, kwargs should be empty.")
        if loss_scale_factor is not None or gradient_accumulation_steps is not None:
            raise NotImplementedError(
                "loss_scale_factor and gradient_accumulation_steps are not supported"
            )
        if clipnorm is not None and global_clipnorm is not None:
            raise ValueError(
                "At most one of `clipnorm` and `global_clipnorm` can be set. Received: "
                f"clipnorm={clipnorm}, global_clipnorm={global_clipnorm}."
            )
        self.name = type(self).__name__ if name is None else name  # Keras 2.11's names
        self.clipnorm, self.clipvalue, self.global_clipnorm = clipnorm, clipvalue, global_clipnorm
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

    def _replay_apply_gradients(self, grads_and_vars, name=None, **kwargs) -> int:
        """apply_gradients as a compiled step replays it (its checks passed when recorded)."""
        return self._apply_checked(optim.optimizer.unchecked_pairs(grads_and_vars))

    @_effect(replay=_replay_apply_gradients)
    def apply_gradients(self, grads_and_vars, name=None, **kwargs) -> int:
        """Clip as configured, update each variable (see `deepling.optim.Optimizer`), then
        apply the variables' constraints (`Dense(kernel_constraint=...)`), as Keras does."""
        return self._apply_checked(self._checked_pairs(grads_and_vars))  # before any change

    def _apply_checked(self, pairs) -> int:
        if self._schedule is not None:
            optim.Optimizer.learning_rate.fset(self, self.learning_rate)
        if (
            self.clipnorm is not None
            or self.global_clipnorm is not None
            or self.clipvalue is not None
        ):
            grads = self._clip([g for g, _ in pairs])
            self._apply_pairs(list(zip(grads, [v for _, v in pairs])))
        else:
            self._apply_pairs(pairs)
        for g, v in pairs:
            constraint = getattr(v, "constraint", None)
            if constraint is not None and g is not None:
                v._data[...] = constraint(v._data)  # the update already marked v changed
        return self.iterations

    def apply(self, grads, trainable_variables=None) -> int:
        """Keras 3's update: `apply(grads, trainable_variables)`, one gradient per variable
        (without variables: those the optimizer was built with, in order)."""
        grads = list(grads)
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer must already be "
                    "built on a list of variables. Call `optimizer.build(trainable_variables)` "
                    "first."
                )
            trainable_variables = self.param_groups[0]["params"]
        variables = list(trainable_variables)
        if len(grads) != len(variables):
            raise ValueError(
                f"apply: got {len(grads)} gradients for {len(variables)} variables; give one "
                "gradient per variable"
            )
        return self.apply_gradients(zip(grads, variables))

    def build(self, var_list) -> None:
        """Take the variables to train, in order, before the first update (Keras 3)."""
        for v in var_list:
            self._adopt(v)

    @property
    def built(self) -> bool:
        return bool(self.param_groups[0]["params"])

    def _clip(self, grads: list) -> list:
        """Keras's order: clipnorm per gradient, or global_clipnorm over all; then clipvalue.
        The math is `deepling.optim.clip`'s, in TF's forms (norms in the gradients' dtype,
        `limit / max(norm, limit)`), into new arrays."""
        if self.clipnorm is None and self.global_clipnorm is None and self.clipvalue is None:
            return grads
        arrays = [g._data if isinstance(g, Tensor) else g for g in grads if g is not None]
        if self.clipnorm is not None:
            arrays = [_clip_norm([g], self.clipnorm)[0] for g in arrays]
        if self.global_clipnorm is not None:
            arrays = _clip_norm(arrays, self.global_clipnorm)
        if self.clipvalue is not None:
            arrays = clip.clip_value(arrays, self.clipvalue)
        kept = iter(arrays)
        return [None if g is None else next(kept) for g in grads]

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


def _clip_norm(arrays: list, limit: float) -> list:
    """tf.clip_by_global_norm (tf.clip_by_norm for one array)."""
    return clip.clip_norm(arrays, limit, clip.total_norm(arrays, in_float64=False))


def _recording(init, signature: inspect.Signature):
    """A row's `__init__` showing Keras's signature and keeping its arguments for get_config."""

    @functools.wraps(init)
    def recording(self, *args, **kwargs):
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        init(self, *args, **kwargs)
        self._config = {k: v for k, v in bound.arguments.items() if k != "self"}

    recording.__signature__ = signature
    return recording


def _keras_signature(init) -> inspect.Signature:
    """A row's `__init__` as Keras shows it: its own arguments, then the common ones."""
    own = list(inspect.signature(init).parameters.values())
    common = list(inspect.signature(Optimizer._common).parameters.values())[2:]
    return inspect.Signature([p for p in own if p.kind is p.POSITIONAL_OR_KEYWORD] + common)


class SGD(Optimizer, optim.SGD):
    """Keras SGD: `v = momentum * v - lr * g; p += v` (Nesterov: `p += momentum * v - lr * g`)."""

    switches = {"lr_in_momentum": True}

    def __init__(
        self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None, *common, **kwargs
    ):
        if not 0 <= momentum <= 1:
            raise ValueError("`momentum` must be between [0, 1].")
        rule = dict(momentum=momentum, nesterov=nesterov and momentum > 0)
        super().__init__(learning_rate, weight_decay, common, kwargs, **rule)

    def keras_slots(self):  # Keras's m = -lr * g + momentum * m is minus deepling's buffer
        return [[Slot("momentum", "momentum_buffer", -1.0)]] if self.defaults["momentum"] else []


class Adam(Optimizer, optim.Adam):
    """Keras Adam: `p -= lr * sqrt(1 - b2**t) / (1 - b1**t) * m / (sqrt(v) + epsilon)`."""

    switches = {"eps_before_bias_correction": True}

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False,
                 weight_decay=None, *common, **kwargs):  # fmt: skip
        rule = dict(betas=(beta_1, beta_2), eps=epsilon, amsgrad=amsgrad)
        super().__init__(learning_rate, weight_decay, common, kwargs, **rule)

    def keras_slots(self):
        slots = [[Slot("momentum", "exp_avg"), Slot("velocity", "exp_avg_sq")]]
        return slots + ([[Slot("velocity_hat", "max_exp_avg_sq")]] if self.defaults["amsgrad"] else [])  # fmt: skip


class AdamW(Optimizer, optim.Adam):
    """Keras AdamW: Keras's Adam after `p -= lr * weight_decay * p` (weight_decay 0.004)."""

    switches = Adam.switches

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7, amsgrad=False, *common, **kwargs):  # fmt: skip
        if weight_decay is None:
            raise ValueError(
                f"Argument `weight_decay` must be a float. Received: weight_decay={weight_decay}"
            )
        rule = dict(betas=(beta_1, beta_2), eps=epsilon, amsgrad=amsgrad)
        super().__init__(learning_rate, weight_decay, common, kwargs, **rule)

    keras_slots = Adam.keras_slots


class Adagrad(Optimizer, optim.Adagrad):
    """Keras Adagrad: `s += g**2; p -= lr * g / sqrt(s + epsilon)`, `s` starting at 0.1."""

    switches = {"eps_inside_sqrt": True}

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 weight_decay=None, *common, **kwargs):  # fmt: skip
        rule = dict(initial_accumulator_value=initial_accumulator_value, eps=epsilon)
        super().__init__(learning_rate, weight_decay, common, kwargs, **rule)

    def keras_slots(self):
        return [[Slot("accumulator", "sum", fill=self.defaults["initial_accumulator_value"])]]


class RMSprop(Optimizer, optim.RMSprop):
    """Keras RMSprop: `v = rho v + (1 - rho) g**2; p -= lr * g / sqrt(v + epsilon)`; with
    momentum `b = momentum * b + lr * g / sqrt(v + epsilon); p -= b`."""

    switches = {"eps_inside_sqrt": True, "lr_in_momentum": True}

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False,
                 weight_decay=None, *common, **kwargs):  # fmt: skip
        rule = dict(alpha=rho, eps=epsilon, momentum=momentum, centered=centered)
        super().__init__(learning_rate, weight_decay, common, kwargs, **rule)

    def keras_slots(self):
        slots = [[Slot("velocity", "square_avg")]]
        if self.defaults["momentum"]:
            slots.append([Slot("momentum", "momentum_buffer")])
        return slots + ([[Slot("average_gradient", "grad_avg")]] if self.defaults["centered"] else [])  # fmt: skip


class Adadelta(Optimizer, optim.Adadelta):
    """Keras Adadelta: PyTorch's formula with Keras's defaults (lr 0.001, rho 0.95)."""

    def __init__(
        self, learning_rate=0.001, rho=0.95, epsilon=1e-7, weight_decay=None, *common, **kwargs
    ):
        super().__init__(learning_rate, weight_decay, common, kwargs, rho=rho, eps=epsilon)

    def keras_slots(self):
        return [[Slot("accumulated_grad", "square_avg"), Slot("accumulated_delta_var", "acc_delta")]]  # fmt: skip


class Adamax(Optimizer, optim.Adamax):
    """Keras Adamax: `u = max(b2 u, |g|); p -= lr / (1 - b1**t) * m / (u + epsilon)`."""

    switches = {"eps_outside_max": True}

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 weight_decay=None, *common, **kwargs):  # fmt: skip
        rule = dict(betas=(beta_1, beta_2), eps=epsilon)
        super().__init__(learning_rate, weight_decay, common, kwargs, **rule)

    def keras_slots(self):
        return [[Slot("momentum", "exp_avg"), Slot("norm", "exp_inf")]]


class Nadam(Optimizer, optim.NAdam):
    """Keras Nadam: PyTorch's NAdam rule with momentum schedule `b1 (1 - 0.96**t / 2)`."""

    switches = {"momentum_decay": 1.0}

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 weight_decay=None, *common, **kwargs):  # fmt: skip
        rule = dict(betas=(beta_1, beta_2), eps=epsilon)
        super().__init__(learning_rate, weight_decay, common, kwargs, **rule)

    def keras_slots(self):  # then one scalar, the product of the momentum schedule
        return [[Slot("momentum", "exp_avg"), Slot("velocity", "exp_avg_sq")]]

    keras_scalars = (Slot("u_product", "mu_product", fill=1.0),)


def get(identifier):
    """An optimizer from a name (`"adam"`, `"sgd"`, ...) with default settings, or as given."""
    if isinstance(identifier, optim.Optimizer):
        return identifier
    if isinstance(identifier, str) and identifier.lower() in OPTIMIZERS:
        return OPTIMIZERS[identifier.lower()]()
    if isinstance(identifier, str):
        raise ValueError(
            f"Could not interpret optimizer identifier: {identifier!r}. Valid names: "
            f"{OPTIMIZERS.valid_names()}, or an optimizer instance"
        )
    raise ValueError(f"Could not interpret optimizer identifier: {identifier}")
