"""Random computation graphs for tests/test_fuzz_graphs.py: a graph is a list of nodes (leaves
and calls on earlier nodes) that can be replayed in deepling or in PyTorch, in any float dtype.

A graph is evaluated in deepling (float64) while it grows, so each op sees the values it will
get and can keep them away from its kinks: a constant shift (`away`, `positive`), constant
noise against ties (`untied`), a constant rescaling (`bounded`). Those guards are nodes too, so
both frameworks compute exactly the same function.
"""

from __future__ import annotations

import numpy as np

import deepling as dl

MAX_NUMEL = 36  # keeps every example fast: second derivatives of small tensors
MARGIN = 0.05  # how far values stay from a kink or a tie (float32 noise is ~1e-6 here)


class Lib:
    """One framework and one float dtype: `m` is `torch` or `deepling`, `F` its functional."""

    def __init__(self, name: str, dtype: str):
        if name == "torch":
            import torch

            self.m, self.F, self.grad = torch, torch.nn.functional, torch.autograd.grad
        else:
            self.m, self.F, self.grad = dl, dl.nn.functional, dl.grad
        self.torch, self.dtype = name == "torch", getattr(self.m, dtype)

    def leaf(self, a):
        return self.m.tensor(np.asarray(a, np.float64), dtype=self.dtype, requires_grad=True)

    def const(self, a):
        return self.m.tensor(np.asarray(a, np.float64), dtype=self.dtype)

    def ints(self, a):
        return self.m.tensor(np.asarray(a, np.int64))

    def mask(self, a):
        return self.m.tensor(np.asarray(a, bool))

    def sdpa(self, *args, **kwargs):
        """F.scaled_dot_product_attention; PyTorch's through its math kernel, whose backward
        has a derivative (the fused CPU kernel's backward has none for float32)."""
        if not self.torch:
            return self.F.scaled_dot_product_attention(*args, **kwargs)
        from torch.nn.attention import SDPBackend, sdpa_kernel

        with sdpa_kernel(SDPBackend.MATH):
            return self.F.scaled_dot_product_attention(*args, **kwargs)


BUILD = Lib("deepling", "float64")  # evaluates the graph while it is built


class Draws:
    """The graph's choices: from Hypothesis (`data`), which can shrink them, or from a seeded
    generator (the per-op tests)."""

    def __init__(self, data=None, rng=None):
        self.data, self.rng = data, rng

    def pick(self, options):
        options = list(options)
        if self.data is None:
            return options[self.rng.integers(len(options))]
        from hypothesis import strategies as st

        return self.data.draw(st.sampled_from(options))

    def integer(self, lo: int, hi: int) -> int:
        return self.pick(range(lo, hi + 1))

    def coin(self) -> bool:
        return self.pick([False, True])


def numel(shape) -> int:
    return int(np.prod(shape, dtype=np.int64))


def broadcast(*shapes):
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        return None


class Graph:
    """Nodes in the order they were made: `(None, array)` for a leaf, `(call, ids)` for an op
    where `call(fw, *tensors)` computes the node from earlier nodes in framework `fw`."""

    def __init__(self, draws: Draws, rng):
        self.draws, self.rng = draws, rng
        self.nodes, self.values, self.names = [], [], []
        self.current = ""  # the pool op being built, to name its nodes

    # --- building ---
    def leaf(self, shape, low=-1.5, high=1.5) -> int:
        a = self.rng.uniform(low, high, shape)
        return self._add(None, a, BUILD.const(a), "leaf")

    def op(self, call, *ids, name=None) -> int:
        name = self.current if name is None else name
        y = call(BUILD, *[self.values[i] for i in ids])
        assert np.all(np.isfinite(y.numpy())), f"non-finite value after {name}: {self.names}"
        return self._add(call, ids, y, name)

    def _add(self, call, ids, value, name) -> int:
        self.nodes.append((call, ids))
        self.values.append(value)
        self.names.append(name)
        return len(self.nodes) - 1

    def shape(self, i) -> tuple:
        return tuple(self.values[i].shape)

    def val(self, i) -> np.ndarray:
        return self.values[i].numpy()

    def pick(self, options):
        return self.draws.pick(options)

    # --- guards: constants that keep values away from kinks and ties ---
    def shifted(self, i, c) -> int:
        if np.all(np.asarray(c) == 0):
            return i
        return self.op(lambda fw, a: a + fw.const(c), i, name="shift")

    def scaled(self, i, s) -> int:
        return self.op(lambda fw, a: a * fw.const(s), i, name="scale")

    def bounded(self, i, limit=3.0) -> int:
        """Values within [-limit, limit], so exp and powers stay moderate."""
        top = np.max(np.abs(self.val(i)), initial=0.0)
        return i if top <= limit else self.scaled(i, limit / top)

    def away(self, i, kinks=(0.0,), margin=MARGIN) -> int:
        """`i` plus a constant, so that no value lies within `margin` of a kink."""
        v = self.val(i)
        for c in (0.0, *self.rng.uniform(-1, 1, 8)):
            if all(np.min(np.abs(v + c - k), initial=np.inf) > margin for k in kinks):
                return self.shifted(i, c)
        return self.shifted(i, max(kinks) + 2 * margin - v.min())  # all above the kinks

    def positive(self, i, low=0.3) -> int:
        """`i` plus a constant, so that every value is at least `low`."""
        lowest = np.min(self.val(i), initial=low)
        return i if lowest >= low else self.shifted(i, low - lowest + self.rng.uniform(0, 0.5))

    def untied(self, i, dim=None) -> int:
        """`i` plus constant noise until no two extreme values along `dim` tie (max, min)."""
        for _ in range(6):
            if not _tied(self.val(i), dim):
                return i
            i = self.shifted(i, self.rng.uniform(-0.5, 0.5, self.shape(i)))
        v = self.val(i)
        ramp = np.arange(v.size).reshape(v.shape) * (np.ptp(v) + 1.0)  # strictly ordered
        return self.shifted(i, ramp)

    def spread(self, i, dims) -> int:
        """`i` plus constant noise until its variance over `dims` is not near zero (std, norms)."""
        for _ in range(6):
            if np.min(np.var(self.val(i), axis=dims), initial=1.0) > MARGIN:
                return i
            i = self.shifted(i, self.rng.uniform(-1, 1, self.shape(i)))
        return self.shifted(i, np.arange(numel(self.shape(i))).reshape(self.shape(i)))

    def gap(self, values, lo, hi, above=False, margin=MARGIN) -> float:
        """A number in [lo, hi] at least `margin` from every value (a clamp bound, a delta);
        failing that, one below them all (or above, with `above`)."""
        for c in self.rng.uniform(lo, hi, 20):
            if np.min(np.abs(np.asarray(values) - c), initial=np.inf) > margin:
                return float(c)
        if above:
            return float(np.max(values, initial=hi) + 2 * margin)
        return float(np.min(values, initial=lo) - 2 * margin)

    def unit(self, i, lo=0.05, hi=0.95) -> int:
        """`i` mapped into [lo, hi] by a constant affine map (probabilities for BCE)."""
        v = self.val(i)
        low, width = (v.min(), max(np.ptp(v), 0.5)) if v.size else (0.0, 1.0)  # no amplifying
        return self.op(lambda fw, a: (a - fw.const(low)) * fw.const((hi - lo) / width) + lo, i,
                       name="unit")  # fmt: skip

    # --- operands ---
    def partner(self, i, same_shape=False) -> int:
        """A second operand for node `i`: an earlier node whose shape broadcasts with (or
        equals) i's, `i` itself, or a new leaf of such a shape."""
        s = self.shape(i)
        kind = self.pick(["node", "leaf", "self"])
        if kind == "self":
            return i
        if kind == "node":
            fits = [
                j
                for j in range(len(self.nodes))
                if j != i
                and (self.shape(j) == s if same_shape else _small_broadcast(self.shape(j), s))
            ]
            if fits:
                return self.bounded(self.pick(fits))
        if same_shape:
            return self.leaf(s)
        shape = [n if self.draws.coin() else 1 for n in s]
        shape = shape[self.draws.integer(0, len(shape)) :]
        if len(s) < 3 and numel(s) * 2 <= MAX_NUMEL and self.draws.coin():
            shape = [2, *s]  # the result grows a leading dim
        return self.leaf(tuple(shape))

    # --- replay ---
    def run(self, fw):
        """The leaves and the output in framework `fw`."""
        leaves, tensors = [], []
        for call, ids in self.nodes:
            if call is None:
                t = fw.leaf(ids)
                leaves.append(t)
            else:
                t = call(fw, *[tensors[i] for i in ids])
            tensors.append(t)
        return leaves, tensors[-1]


def _small_broadcast(a, b) -> bool:
    shape = broadcast(a, b)
    return shape is not None and numel(shape) <= MAX_NUMEL


def _tied(v, dim) -> bool:
    """Whether the two largest or the two smallest values along `dim` are within MARGIN."""
    rows = v.reshape(1, -1) if dim is None else np.moveaxis(v, dim, -1).reshape(-1, v.shape[dim])
    if rows.shape[1] < 2 or rows.shape[0] == 0:
        return False
    s = np.sort(rows, axis=1)
    return bool(min(np.min(s[:, 1] - s[:, 0]), np.min(s[:, -1] - s[:, -2])) < MARGIN)


def derivatives(graph: Graph, fw, gy, vs):
    """Forward value, first-order gradients of sum(out * gy) for each leaf, and the gradients of
    sum(first_k * vs[k]) with respect to the leaves and gy (second order), as float64 arrays
    (None for a leaf the output does not use; zeros where one framework says None for a
    second-order gradient that is zero)."""
    leaves, out = graph.run(fw)
    g = fw.leaf(gy)
    firsts = fw.grad([out], leaves, [g], create_graph=True, allow_unused=True)
    used = [k for k, f in enumerate(firsts) if f is not None]
    seconds = [None] * (len(leaves) + 1)
    if used:
        seconds = fw.grad([firsts[k] for k in used], [*leaves, g],
                         [fw.const(vs[k]) for k in used], allow_unused=True)  # fmt: skip
    arrays = [*leaves, g]
    return (
        _array(fw, out),
        [None if f is None else _array(fw, f) for f in firsts],
        [np.zeros(arrays[k].shape) if s is None else _array(fw, s) for k, s in enumerate(seconds)],
    )


def _array(fw, t) -> np.ndarray:
    if fw.torch and t._is_zerotensor():  # numpy(force=True) of a 0-d one crashes torch 2.13
        return np.zeros(tuple(t.shape))
    return np.array(t.detach().numpy(), dtype=np.float64)
