"""torch.distributed's collectives on deepling tensors, over MPI's non-blocking calls.

Each works in place on the tensor's array (a contiguous copy when it is not contiguous) and
marks the change for the autograd's version checks. `async_op=True` returns a `Work` whose
`wait()` finishes the call; otherwise the call returns None once it is done, as PyTorch's.
"""

from __future__ import annotations

import enum

import numpy as np

from ..tensor import Tensor, mark_changed
from ._mpi import mpi
from .process_group import default_group


class ReduceOp(enum.Enum):
    """How `all_reduce` and `reduce` combine the ranks' values (PyTorch's names)."""

    SUM = 0
    AVG = 1
    PRODUCT = 2
    MIN = 3
    MAX = 4
    BAND = 5
    BOR = 6
    BXOR = 7


_MPI_OPS = {"SUM": "SUM", "AVG": "SUM", "PRODUCT": "PROD", "MIN": "MIN", "MAX": "MAX",
            "BAND": "BAND", "BOR": "BOR", "BXOR": "BXOR"}  # fmt: skip


class Work:
    """A collective in flight (`async_op=True`): `wait()` ends it and writes the result."""

    def __init__(self, pg, request, what: str, finish=None):
        self._pg, self._request, self._what, self._finish = pg, request, what, finish
        self._done = False

    def wait(self, timeout=None) -> bool:
        if not self._done:
            self._pg.wait(self._request, self._what)
            self._done = True
            if self._finish is not None:
                self._finish()
        return True

    def is_completed(self) -> bool:
        return self._done

    def is_success(self) -> bool:
        return self._done


def _tensor(t, what: str) -> Tensor:
    if not isinstance(t, Tensor):
        raise TypeError(f"{what} expects a Tensor, got {type(t).__name__}")
    return t


def _buffer(t: Tensor):
    """The array MPI reads and writes, and how to put a copy's result back into `t`."""
    a = t._data
    if a.flags.c_contiguous and a.flags.writeable:
        return a, lambda: mark_changed(t)
    buf = np.ascontiguousarray(a)

    def back():
        a[...] = buf
        mark_changed(t)

    return buf, back


def _run(pg, request, what, finish, async_op):
    work = Work(pg, request, what, finish)
    if async_op:
        return work
    work.wait()
    return None


def _op(op, buf):
    if not isinstance(op, ReduceOp):
        raise TypeError(f"op must be a dist.ReduceOp, got {op!r}")
    if op is ReduceOp.AVG and buf.dtype.kind != "f":
        raise TypeError(f"ReduceOp.AVG needs a floating tensor, got {buf.dtype}")
    return getattr(mpi(), _MPI_OPS[op.name])


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    """Combine `tensor` across all ranks with `op`; every rank gets the result, in place.

    Example:
        >>> t = dl.tensor([float(dist.get_rank())])  # doctest: +SKIP
        >>> dist.all_reduce(t)  # doctest: +SKIP
        >>> t  # with 2 ranks  # doctest: +SKIP
        tensor([1.])
    """
    pg, t = default_group(group), _tensor(tensor, "all_reduce")
    buf, back = _buffer(t)
    request = pg.comm.Iallreduce(mpi().IN_PLACE, buf, _op(op, buf))

    def finish():
        if op is ReduceOp.AVG:
            buf[...] /= pg.size
        back()

    return _run(pg, request, "all_reduce", finish, async_op)


def reduce(tensor, dst, op=ReduceOp.SUM, group=None, async_op=False):
    """Combine `tensor` across ranks into rank `dst`'s tensor; the others' stay unchanged."""
    pg, t = default_group(group), _tensor(tensor, "reduce")
    _check_rank(dst, pg, "dst")
    buf, back = _buffer(t)
    mpi_op = _op(op, buf)
    if pg.rank == dst:
        request = pg.comm.Ireduce(mpi().IN_PLACE, buf, mpi_op, root=dst)
    else:
        request = pg.comm.Ireduce(buf, None, mpi_op, root=dst)

    def finish():
        if pg.rank == dst:
            if op is ReduceOp.AVG:
                buf[...] /= pg.size
            back()

    return _run(pg, request, "reduce", finish, async_op)


def broadcast(tensor, src, group=None, async_op=False):
    """Copy rank `src`'s tensor into every rank's `tensor` (same shape and dtype)."""
    pg, t = default_group(group), _tensor(tensor, "broadcast")
    _check_rank(src, pg, "src")
    buf, back = _buffer(t)
    request = pg.comm.Ibcast(buf, root=src)
    return _run(pg, request, "broadcast", back, async_op)


def all_gather(tensor_list, tensor, group=None, async_op=False):
    """Fill `tensor_list` (one tensor per rank, each shaped as `tensor`) with every rank's
    `tensor`, in rank order."""
    pg, t = default_group(group), _tensor(tensor, "all_gather")
    if not isinstance(tensor_list, list) or len(tensor_list) != pg.size:
        raise ValueError(
            f"all_gather: tensor_list must be a list of {pg.size} tensors (one per rank), got "
            f"{len(tensor_list) if isinstance(tensor_list, list) else type(tensor_list).__name__}"
        )
    for i, out in enumerate(tensor_list):
        if _tensor(out, "all_gather").shape != t.shape or out._data.dtype != t._data.dtype:
            raise ValueError(
                f"all_gather: tensor_list[{i}] is {tuple(out.shape)} {out._data.dtype}, but the "
                f"input tensor is {tuple(t.shape)} {t._data.dtype}"
            )
    send = np.ascontiguousarray(t._data)
    recv = np.empty((pg.size, *send.shape), send.dtype)
    request = pg.comm.Iallgather(send, recv)

    def finish():
        for out, part in zip(tensor_list, recv):
            out._data[...] = part
            mark_changed(out)

    return _run(pg, request, "all_gather", finish, async_op)


def barrier(group=None, async_op=False, device_ids=None):
    """Wait until every rank has reached the barrier."""
    pg = default_group(group)
    return _run(pg, pg.comm.Ibarrier(), "barrier", None, async_op)


def all_gather_object(object_list, obj, group=None) -> None:
    """Fill `object_list` (one slot per rank) with every rank's picklable `obj`."""
    pg = default_group(group)
    if not isinstance(object_list, list) or len(object_list) != pg.size:
        raise ValueError(f"all_gather_object: object_list must be a list of {pg.size} slots")
    object_list[:] = pg.comm.allgather(obj)
    pg.beat()


def broadcast_object_list(object_list, src=0, group=None, device=None) -> None:
    """Replace `object_list`'s items on every rank with rank `src`'s (picklable objects)."""
    pg = default_group(group)
    _check_rank(src, pg, "src")
    object_list[:] = pg.comm.bcast(list(object_list), root=src)
    pg.beat()


def _check_rank(rank, pg, name: str) -> None:
    if isinstance(rank, bool) or not isinstance(rank, (int, np.integer)) or not 0 <= rank < pg.size:
        raise ValueError(f"{name}={rank!r} is not a rank of a group of {pg.size} processes")
