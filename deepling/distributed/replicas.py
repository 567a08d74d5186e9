"""fit's data parallelism (behind `tf.distribute.MultiWorkerMirroredStrategy`).

Every rank reads the same global batches (the strategy made the ranks' random generators
equal, so shuffles agree) and trains on its contiguous share of each. One allreduce per step
sums the gradients weighted by the shares' sizes, the losses, and the floating buffers (batch
statistics); every rank then applies the same mean gradient, so weights stay bit-identical and
equal a single process training on the whole batch. Metrics are updated with every rank's
outputs, gathered, so the logs are the global batch's.
"""

from __future__ import annotations

import numpy as np

from .. import _backend, autograd
from ..tensor import Tensor, mark_changed
from .buckets import Buckets, broadcast_tensors


class Replicas:
    """The ranks of one process group, training one model together."""

    def __init__(self, pg):
        self.pg, self.rank, self.size = pg, pg.rank, pg.size
        self.chief = pg.rank == 0
        self._plan, self._plan_key = None, None

    def share_random_state(self) -> None:
        """Give every rank rank 0's generator state (same weights, same shuffles)."""
        state = self.pg.comm.bcast(_backend.rng().bit_generator.state, root=0)
        _backend.rng().bit_generator.state = state

    def bounds(self, n: int) -> tuple:
        """This rank's rows of a batch of n: contiguous, the first n % size ranks one more."""
        base, extra = divmod(n, self.size)
        lo = self.rank * base + min(self.rank, extra)
        return lo, lo + base + (self.rank < extra)

    def train_step(self, trainer, x, ys, sample_weight):
        """One update of `trainer` (a Keras Model) on this rank's share of a global batch."""
        first = trainer.__dict__.get("_step_cache") is None  # fit's first step (or train_on_batch)
        params = trainer._step_lists()["params"]
        buffers = [b for b in trainer.buffers() if b._data.dtype.kind == "f"]
        if first:
            broadcast_tensors(self.pg, [*trainer.parameters(), *trainer.buffers()])
        lo, hi = self.bounds(len(ys[0]))
        outputs, grads, stats = None, [None] * len(params), None
        if hi > lo:
            yl = [y[lo:hi] for y in ys]
            sw = None if sample_weight is None else sample_weight[lo:hi]
            outputs = trainer._forward(_rows(x, lo, hi))
            loss, parts = trainer._loss(yl, outputs, sw)
            grads = [g if g is None else g._data
                     for g in autograd.grad(loss, params, allow_unused=True)]  # fmt: skip
            stats = [float(loss._data), *(float(v._data) for v in parts.values()), 1.0]
        names = _part_names(trainer)
        mean, stats = self._allreduce(params, grads, buffers, stats, hi - lo, len(names) + 2)
        trainer.optimizer.apply_gradients(zip(mean, params))
        if trainer.metrics:
            self._update_metrics(trainer, ys, outputs, sample_weight)
        return stats[0], dict(zip(names, stats[1:]))

    def _allreduce(self, params, grads, buffers, stats, count, n_stats):
        """The mean gradients (None where no rank had one), and the mean loss and parts
        (`stats`: the loss, the parts and 1, which the shares' sizes weigh into the count)."""
        key = (tuple(id(p) for p in params), tuple(id(b) for b in buffers), n_stats)
        if self._plan_key != key:
            specs = [(p._data.shape, p._data.dtype) for p in params]
            specs += [(b._data.shape, b._data.dtype) for b in buffers]
            specs.append(((n_stats + len(params),), np.float64))
            self._plan, self._plan_key = Buckets(specs, 1 << 26), key
        plan, k = self._plan, len(params)
        used = [1.0 if g is not None else 0.0 for g in grads]
        plan.pack(
            [*grads, *(b._data for b in buffers), np.array((stats or [0.0] * n_stats) + used)]
        )
        for i in range(k):
            plan.view(i)[...] *= count
        plan.view(len(plan.slots) - 1)[...] *= count
        plan.allreduce(self.pg)
        for j, b in enumerate(buffers):
            b._data[...] = plan.view(k + j) / self.size
            mark_changed(b)
        summed = plan.view(len(plan.slots) - 1)
        seen = summed[n_stats - 1]
        mean = [Tensor._wrap(plan.view(i) / plan.view(i).dtype.type(seen)) if summed[n_stats + i]
                else None for i in range(k)]  # fmt: skip
        return mean, (summed[: n_stats - 1] / seen).tolist()

    def _update_metrics(self, trainer, ys, outputs, sample_weight) -> None:
        """Update the metrics with the whole batch's outputs (every rank's, gathered)."""
        mine = None if outputs is None else [o._data for o in outputs]
        shares = [s for s in self.pg.comm.allgather(mine) if s is not None]
        self.pg.beat()
        joined = [Tensor._wrap(np.concatenate(parts)) for parts in zip(*shares)]
        trainer._compiled.update_metrics(ys, joined, sample_weight)


def _part_names(trainer) -> list:
    """The per-output losses' names in the logs (several outputs only), as compile names them."""
    heads = trainer._compiled.heads or []
    return [f"{h[0]}_loss" for h in heads] if len(heads) > 1 else []


def _rows(x, lo: int, hi: int):
    """Rows lo:hi of a batch of inputs: an array, or a list or dict of them."""
    if isinstance(x, dict):
        return {k: v[lo:hi] for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [v[lo:hi] for v in x]
    return x[lo:hi]
