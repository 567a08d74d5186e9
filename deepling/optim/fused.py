"""Fused updates: one group's parameters of one dtype updated as one flat array.

An elementwise rule (every rule in deepling/optim) gives each element the same result whether
it runs per parameter or over the parameters laid end to end, so a step gathers the
parameters and gradients into flat buffers, runs the rule once (a handful of whole-buffer
NumPy calls instead of that many per parameter: PyTorch's `foreach`), and copies the new
values back. The rule's state arrays live flat; each parameter's state entry is a view into
them, so `state_dict`, `load_state_dict` and Keras's files see per-parameter arrays as before.
"""

from __future__ import annotations

from .._backend import array_module
from ..tensor import mark_changed


class FusedGroup:
    """Flat buffers for a fixed list of parameters of one dtype, and the per-parameter state
    dicts whose arrays are views of the flat state."""

    def __init__(self, params: list, states: list):
        self.params, self.states = params, states
        first = params[0]._data
        self.xp = array_module(first)
        self.bounds, start = [], 0
        for p in params:
            self.bounds.append((start, start + p._data.size, p._data.shape))
            start += p._data.size
        self.flat_p = self.xp.empty(start, first.dtype)
        self.flat_g = self.xp.empty(start, first.dtype)
        self.state = self._flat_state(states)
        self.views: dict = {}  # state key -> that key's per-parameter views
        self._share_state()

    def _flat_state(self, states: list) -> dict:
        """The state the parameters already have, laid end to end (counters: the common value)."""
        flat = {}
        for key, value in states[0].items():
            if hasattr(value, "shape"):
                flat[key] = self.xp.concatenate([s[key].reshape(-1) for s in states])
            else:
                flat[key] = value
        return flat

    def _share_state(self) -> None:
        """Point each parameter's state entries at views of the flat state (new keys too)."""
        for key, value in self.state.items():
            if hasattr(value, "shape") and key not in self.views:
                self.views[key] = [value[a:b].reshape(shape) for a, b, shape in self.bounds]
        for i, s in enumerate(self.states):
            for key, value in self.state.items():
                s[key] = self.views[key][i] if key in self.views else value

    def serves(self, params: list, states: list) -> bool:
        """Whether these are still the parameters and state this group was built over."""
        if len(params) != len(self.params):
            return False
        counters = [(k, v) for k, v in self.state.items() if not hasattr(v, "shape")]
        for i, (p, s) in enumerate(zip(params, states)):
            if p is not self.params[i] or s is not self.states[i]:
                return False
            for key, views in self.views.items():
                if s.get(key) is not views[i]:
                    return False
            for key, value in counters:  # a step taken on its own moved its counter
                if s.get(key) != value:
                    return False
        return True

    def update(self, rule, grads: list, group: dict) -> None:
        """One step of `rule` over all the parameters: gather, update once, scatter back."""
        xp, flat_p, flat_g = self.xp, self.flat_p, self.flat_g
        for (a, b, _), p, g in zip(self.bounds, self.params, grads):
            flat_p[a:b] = p._data.reshape(-1)
            flat_g[a:b] = g.reshape(-1)
        g = maximize_and_decay(flat_p, flat_g, group)
        rule._update(flat_p, g, self.state, group)
        self._share_state()
        for (a, b, shape), p in zip(self.bounds, self.params):
            xp.copyto(p._data, flat_p[a:b].reshape(shape))
            mark_changed(p)


def maximize_and_decay(x, g, group: dict):
    """What every rule's update starts with: the gradient to hand the rule (negated to maximize,
    plus weight_decay * x), or x shrunk in place when the decay is decoupled (AdamW's)."""
    if group["maximize"]:
        g = -g
    wd = group["weight_decay"]
    if wd and group["decoupled_weight_decay"]:
        x *= 1 - group["lr"] * wd
    elif wd:
        g = g + wd * x
    return g


def fusable(states: list) -> bool:
    """Whether parameters are at the same point of the rule: the same state keys and the same
    counters (a parameter that missed steps, or joined later, is updated on its own)."""
    first = states[0]
    for s in states[1:]:
        if s.keys() != first.keys():
            return False
        for key, value in first.items():
            if not hasattr(value, "shape") and s[key] != value:
                return False
    return True
