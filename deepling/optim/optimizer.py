"""Optimizer base: parameter groups, per-parameter state, and two ways to drive one update rule.

PyTorch's way: `opt = SGD(model.parameters(), lr=0.1)`, then `zero_grad()`, `backward()`,
`step()`. Keras/TF's way: `opt = SGD(0.1)` (no parameters), then
`apply_gradients(zip(grads, variables))`, which adopts variables as they come. Both end in the
subclass's `_update(p, g, state, group)`, which changes the array `p` in place.
"""

from __future__ import annotations

import numbers
import warnings

from .._backend import array_module
from ..grad_mode import enable_grad
from ..recording import effect
from ..tensor import Tensor, mark_changed
from . import checkpoint
from .fused import FusedGroup, fusable, maximize_and_decay


def require(ok: bool, what: str, value) -> None:
    """PyTorch's argument check: `ValueError: Invalid learning rate: -1`."""
    if not ok:
        raise ValueError(f"Invalid {what}: {value}")


def hyperparameters(arguments: dict) -> dict:
    """A rule's constructor arguments (its `locals()`) as its defaults: all but `self`,
    `params` and `learning_rate`; sequences become tuples (`betas`), as PyTorch keeps them."""
    skip = ("self", "params", "learning_rate", "__class__")
    return {
        k: tuple(v) if isinstance(v, list) else v for k, v in arguments.items() if k not in skip
    }


def buffer(state: dict, key: str, p, fill: float = 0.0):
    """The state array `key` of parameter array `p`, created full of `fill` on first use."""
    value = state.get(key)
    if value is None:
        value = state[key] = array_module(p).full_like(p, fill)
    return value


def count_step(state: dict) -> int:
    """Advance and return the parameter's own step count (1 on its first update)."""
    state["step"] = state.get("step", 0) + 1
    return state["step"]


class Optimizer:
    """Base class: holds `param_groups` (dicts of 'params' and hyperparameters) and `state`.

    Subclasses pass their hyperparameters as `defaults` and implement `_update`. Every group
    has `lr`, `weight_decay`, `decoupled_weight_decay` and `maximize`, which are applied here
    before the rule: maximize negates the gradient; weight decay adds `wd * p` to it (L2, as
    torch's Adam) or, decoupled, shrinks `p *= 1 - lr * wd` first (torch's AdamW, Keras).
    """

    def __init__(self, params, defaults: dict, learning_rate=None):
        if isinstance(params, numbers.Real) and not isinstance(params, bool):
            params, defaults["lr"] = None, params  # `SGD(0.01)`: Keras's positional lr
        if learning_rate is not None:
            defaults["lr"] = learning_rate
        require(defaults["lr"] >= 0, "learning rate", defaults["lr"])
        require(defaults["weight_decay"] >= 0, "weight_decay value", defaults["weight_decay"])
        self.defaults = defaults
        self.state: dict = {}  # parameter -> its arrays and counters (tensors hash by identity)
        self.param_groups: list[dict] = []
        self.iterations = 0  # Keras's count of updates applied (step or apply_gradients)
        self._group_of: dict = {}  # parameter -> its group
        if params is None:  # the Keras way: variables arrive with apply_gradients
            self.param_groups.append({**defaults, "params": []})
            return
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or "
                f"dicts, but got {type(params).__name__}"
            )
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        for group in groups if isinstance(groups[0], dict) else [{"params": groups}]:
            self.add_param_group(group)

    def add_param_group(self, param_group: dict) -> None:
        """Add a group of parameters, with hyperparameters that override the defaults."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        params = [p[1] if isinstance(p, tuple) and len(p) == 2 else p for p in params]  # named
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(
                    f"optimizer can only optimize Tensors, but one of the params is {type(p)}"
                )
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
            if p in self._group_of:
                raise ValueError("some parameters appear in more than one parameter group")
        group = {**self.defaults, **param_group, "params": params}
        self.param_groups.append(group)
        self._group_of.update((p, group) for p in params)

    # --- the update, shared by step() and apply_gradients() ---
    def _apply(self, p: Tensor, g, group: dict) -> None:
        """Maximize and weight decay, then the algorithm's rule, on p's array in place."""
        state = self.state.get(p)
        if state is None:
            state = self.state[p] = {}
        x = p._data
        self._update(x, maximize_and_decay(x, g, group), state, group)
        mark_changed(p)  # a graph that saved p's old values can no longer use them

    def _update(self, p, g, state: dict, group: dict) -> None:
        raise NotImplementedError

    elementwise = False  # a rule sets it when each element's update reads that element alone

    def _fuses(self, group: dict) -> bool:
        """Whether this group's update runs fused (fused.py): elementwise rules do."""
        return self.elementwise

    def _apply_many(self, updates: list) -> None:
        """A step's (parameter, gradient array, group) updates: fused per group and dtype when
        the rule is elementwise (one run of the rule over flat buffers), else one by one."""
        batches: dict = {}
        for update in updates:
            group = update[2]
            if not self._fuses(group):
                self._apply(*update)
                continue
            key = (id(group), update[0]._data.dtype)
            batch = batches.get(key)
            if batch is None:
                batches[key] = [update]
            else:
                batch.append(update)
        for key, batch in batches.items():
            if len(batch) == 1:
                self._apply(*batch[0])
            else:
                self._apply_fused(key, batch)

    def _apply_fused(self, key: tuple, batch: list) -> None:
        params, grads, states = [], [], []
        for p, g, _ in batch:
            state = self.state.get(p)
            if state is None:
                state = self.state[p] = {}
            params.append(p)
            grads.append(g)
            states.append(state)
        cache = self.__dict__.setdefault("_fused", {})
        fused = cache.get(key)
        if fused is None or not fused.serves(params, states):
            if not fusable(states):  # parameters at different points of the rule
                for update in batch:
                    self._apply(*update)
                return
            fused = cache[key] = FusedGroup(params, states)
        fused.update(self, grads, batch[0][2])

    def _replay_step(self, closure=None):
        """step as a compiled step replays it: the gradients' shapes and dtypes were checked
        when it was recorded (a closure still runs the whole step)."""
        if closure is not None:
            return Optimizer.step.__wrapped__(self, closure)
        updates = []
        for group in self.param_groups:
            for p in group["params"]:
                if p._grad is not None:
                    updates.append((p, p._grad._data, group))
        self._apply_many(updates)
        self.iterations += 1
        return None

    @effect(replay=_replay_step)
    def step(self, closure=None):
        """Update every parameter that has a `.grad`; `closure` re-evaluates the loss first.

        Every gradient is checked first, so a bad one changes nothing: PyTorch refuses a `.grad`
        of another size or dtype when it is assigned, and its step, given one through `.data`,
        updates the parameters before it and then fails.
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        self._apply_many(self._step_gradients())
        self.iterations += 1
        return loss

    def _step_gradients(self) -> list:
        """(parameter, gradient array, group) for each parameter with a `.grad`, all checked."""
        updates, index = [], 0
        for group in self.param_groups:
            for p in group["params"]:
                g = p._grad  # the slot behind `.grad`, whose setter takes only Tensors
                if g is not None:
                    g = g._data  # its array may still have been changed behind the setter
                    if g.shape != p._data.shape or g.dtype != p._data.dtype:
                        raise RuntimeError(
                            f"{type(self).__name__}.step(): parameter {index} has shape "
                            f"{list(p._data.shape)} and dtype {p._data.dtype}, but its gradient "
                            f"has shape {list(g.shape)} and dtype {g.dtype}; the gradient and "
                            "the parameter must be the same size and dtype. Nothing was updated."
                        )
                    updates.append((p, g, group))
                index += 1
        return updates

    @effect
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients: `.grad = None` (the default), or zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                g = p._grad  # the slot behind `.grad`, without the setter's checks
                if g is not None and set_to_none:
                    p._grad = None
                elif g is not None:
                    p._grad = Tensor._wrap(array_module(g._data).zeros_like(g._data))

    def _replay_apply_gradients(self, grads_and_vars, name=None, **kwargs) -> int:
        """apply_gradients as a compiled step replays it (its checks passed when recorded)."""
        self._apply_pairs(unchecked_pairs(grads_and_vars))
        return self.iterations

    @effect(replay=_replay_apply_gradients)
    def apply_gradients(self, grads_and_vars, name=None, **kwargs) -> int:
        """Keras's update: `apply_gradients(zip(grads, variables))`; returns `iterations`.

        Variables not yet known join the first group and keep their state across calls. A None
        gradient skips its variable with a warning, as Keras does. Every pair is checked before
        anything changes; a gradient is cast to its variable's dtype, as Keras's update steps do.
        """
        self._apply_pairs(self._checked_pairs(grads_and_vars))
        return self.iterations

    def _checked_pairs(self, grads_and_vars) -> list:
        """The (gradient array or None, variable) pairs, each checked; warns of None gradients."""
        checked, missing = [], []  # one plain loop: this runs on every training step
        for i, (g, v) in enumerate(grads_and_vars):
            if g is None:
                missing.append(v)
                checked.append((None, v))
            else:
                checked.append((_check_grad(g, v, i), v))
        if missing and len(missing) == len(checked):
            raise ValueError(f"No gradients provided for any variable: {_names(missing)}.")
        if missing:
            warnings.warn(
                f"Gradients do not exist for variables {_names(missing)} when minimizing the "
                "loss. If you're using `model.compile()`, did you forget to provide a `loss` "
                "argument?",
                stacklevel=3,
            )
        return checked

    def _apply_pairs(self, pairs: list) -> None:
        updates = []
        for g, v in pairs:
            if g is not None:
                updates.append((v, g, self._adopt(v)))
        self._apply_many(updates)
        self.iterations += 1

    def _adopt(self, v) -> dict:
        group = self._group_of.get(v)
        if group is None:
            group = self._group_of[v] = self.param_groups[0]
            group["params"].append(v)
        return group

    # --- hyperparameters and checkpoints ---
    @property
    def learning_rate(self) -> float:
        """The first group's learning rate; setting it sets every group's (Keras's attribute)."""
        return self.param_groups[0]["lr"]

    @learning_rate.setter
    def learning_rate(self, value) -> None:
        require(value >= 0, "learning rate", value)
        for group in self.param_groups:
            group["lr"] = value

    def state_dict(self) -> dict:
        """PyTorch's layout: {'state': {index: {...}}, 'param_groups': [{..., 'params': [i]}]}.

        Parameters are numbered in group order; arrays are copied into deepling tensors, so
        later steps do not change a saved checkpoint.
        """
        index: dict = {}
        groups = []
        for group in self.param_groups:
            ids = [index.setdefault(p, len(index)) for p in group["params"]]
            groups.append({**{k: v for k, v in group.items() if k != "params"}, "params": ids})
        state = {
            index[p]: {k: checkpoint.saved(v) for k, v in s.items()}
            for p, s in self.state.items()
            if s
        }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore what `state_dict` saved, onto this optimizer's parameters in the same order.

        Everything is checked before anything changes: PyTorch's errors for the number and
        sizes of the groups, and, beyond PyTorch (which loads them and fails in a later step),
        state for a parameter the groups do not list or arrays of another shape.
        """
        saved = checkpoint.saved_groups(state_dict)
        if len(saved) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(s["params"]) != len(g["params"]) for s, g in zip(saved, self.param_groups)):
            raise ValueError(
                "loaded state dict contains a parameter group that doesn't match the size of "
                "optimizer's group"
            )
        params = {
            checkpoint.index(i): p
            for s, g in zip(saved, self.param_groups)
            for i, p in zip(s["params"], g["params"])
        }
        state = {}  # built whole before it replaces self.state
        for i, entry in state_dict["state"].items():
            p = params.get(checkpoint.index(i))
            if p is None or not isinstance(entry, dict):
                raise ValueError(
                    f"loaded state dict holds state for parameter {i!r}, which its param_groups "
                    f"do not list (they list {sorted(params)}), or whose state is not a dict"
                )
            state[p] = {k: checkpoint.loaded(k, v, p, i) for k, v in entry.items()}
        self.state = state
        for s, group in zip(saved, self.param_groups):
            group.update((k, v) for k, v in s.items() if k != "params")

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join([*lines, ")"])


def unchecked_pairs(grads_and_vars) -> list:
    """(gradient array or None, variable) pairs as `_checked_pairs` gives them, for a compiled
    step's replay: the gradients have the shapes and dtypes they had when it was recorded."""
    return [
        (None if g is None else g._data.astype(v._data.dtype, copy=False), v)
        for g, v in grads_and_vars
    ]


def _check_grad(g, v, index: int):
    """Gradient `index` as an array of its variable's shape and dtype, or a clear error."""
    if not isinstance(v, Tensor):
        raise TypeError(f"apply_gradients expects variables (Tensors), got {type(v).__name__}")
    g = g._data if isinstance(g, Tensor) else array_module(v._data).asarray(g)
    if g.dtype.kind not in "biuf":
        raise TypeError(f"gradient {index} holds {g.dtype} values, not numbers")
    if g.shape != v._data.shape:
        raise ValueError(
            f"gradient {index} of shape {g.shape} and dtype {g.dtype} does not match its variable "
            f"of shape {v._data.shape} and dtype {v._data.dtype}; nothing was updated"
        )
    return g.astype(v._data.dtype, copy=False)


def _names(variables) -> list:
    return [getattr(v, "name", None) or f"<{tuple(v.shape)}>" for v in variables]
