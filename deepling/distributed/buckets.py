"""Many arrays sent as a few flat buffers: one MPI call per bucket, never one per parameter.

A `Buckets` plan lays arrays of given shapes out in flat buffers of one dtype and at most
`cap_bytes` each (an array larger than the cap gets a bucket of its own). The buffers are made
once and reused every step.
"""

from __future__ import annotations

import math

import numpy as np

from ..tensor import mark_changed
from ._mpi import mpi


class Buckets:
    """Flat buffers for arrays of the given (shape, dtype)s; `view(i)` is array i's place."""

    def __init__(self, specs, cap_bytes: int):
        self.slots = []  # per array: (bucket, start, stop, shape)
        sizes, kinds, open_for = [], [], {}  # bucket sizes and dtypes; dtype -> open bucket
        for shape, dtype in specs:
            dtype, n = np.dtype(dtype), math.prod(shape)
            b = open_for.get(dtype)
            if b is None or (sizes[b] + n) * dtype.itemsize > cap_bytes and sizes[b]:
                b = open_for[dtype] = len(sizes)
                sizes.append(0)
                kinds.append(dtype)
            self.slots.append((b, sizes[b], sizes[b] + n, tuple(shape)))
            sizes[b] += n
        self.flats = [np.zeros(n, dtype) for n, dtype in zip(sizes, kinds)]

    def view(self, i: int) -> np.ndarray:
        b, start, stop, shape = self.slots[i]
        return self.flats[b][start:stop].reshape(shape)

    def pack(self, arrays) -> None:
        """Copy each array into its place (zeros for None)."""
        for (b, start, stop, _), a in zip(self.slots, arrays):
            if a is None:
                self.flats[b][start:stop] = 0
            else:
                self.flats[b][start:stop] = a.reshape(-1)

    def allreduce(self, pg) -> None:
        """Sum every bucket across the group's ranks, all buckets in flight at once."""
        m = mpi()
        requests = [pg.comm.Iallreduce(m.IN_PLACE, f, m.SUM) for f in self.flats]
        for r in requests:
            pg.wait(r, "all_reduce of gradients")

    def broadcast(self, pg, src: int = 0) -> None:
        requests = [pg.comm.Ibcast(f, root=src) for f in self.flats]
        for r in requests:
            pg.wait(r, "broadcast of parameters")


def broadcast_tensors(pg, tensors, src: int = 0, cap_bytes: int = 1 << 26) -> None:
    """Overwrite `tensors` on every rank with rank `src`'s values, in few calls."""
    tensors = list(tensors)
    if pg.size == 1 or not tensors:
        return
    plan = Buckets([(t._data.shape, t._data.dtype) for t in tensors], cap_bytes)
    if pg.rank == src:
        plan.pack([t._data for t in tensors])
    plan.broadcast(pg, src)
    if pg.rank != src:
        for i, t in enumerate(tensors):
            t._data[...] = plan.view(i)
            mark_changed(t)
