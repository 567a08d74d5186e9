"""MultiWorkerMirroredStrategy and MirroredStrategy over deepling's MPI data parallelism.

One replica per process: the ranks `deepling-run -n N` (or `mpiexec`) started are the
workers. A Keras model compiled inside `strategy.scope()` trains with `fit` as one model:
each global batch is split across the ranks, gradients are averaged, weights stay identical,
and only rank 0 prints progress and writes checkpoints and logs.
"""

from __future__ import annotations

import enum

import numpy as np

from ...distributed import scope as _scope
from ...distributed._mpi import mpi
from ...distributed.process_group import DEFAULT_TIMEOUT, ProcessGroup
from ...distributed.replicas import Replicas
from ...tensor import Tensor


class ReduceOp(enum.Enum):
    """How `Strategy.reduce` combines the replicas' values."""

    SUM = "SUM"
    MEAN = "MEAN"


class Strategy:
    """A way to spread training over replicas; the default (no strategy) has one."""

    _replicas = None  # the data-parallel engine fit uses; None: a single replica

    @property
    def num_replicas_in_sync(self) -> int:
        return 1 if self._replicas is None else self._replicas.size

    def scope(self):
        """A context in which models are created and compiled to train with this strategy."""
        return _scope.entered(self)

    def reduce(self, reduce_op, value, axis=None):
        """`value` (one per replica) summed or averaged across the replicas; with `axis`, also
        reduced along that axis of each replica's value first (as TF's)."""
        op = ReduceOp(reduce_op.upper()) if isinstance(reduce_op, str) else ReduceOp(reduce_op)
        array = np.asarray(value._data if isinstance(value, Tensor) else value)
        count = 1 if axis is None else array.shape[axis]
        if axis is not None:
            array = array.sum(axis=axis)
        array = np.ascontiguousarray(array, dtype=np.result_type(array, np.float32))
        if self._replicas is not None:
            pg = self._replicas.pg
            summed = np.empty_like(array)
            pg.wait(pg.comm.Iallreduce(array, summed, mpi().SUM), "Strategy.reduce")
            array, count = summed, pg.comm.allreduce(count)
        if op is ReduceOp.MEAN:
            array = array / count
        return Tensor._wrap(np.asarray(array))


class MirroredStrategy(Strategy):
    """Synchronous training on the devices of one machine: here its one CPU, so one replica.

    Args:
        devices: None, or a list holding one CPU device name.
        cross_device_ops: must be None (there is nothing to combine on one replica).
    """

    def __init__(self, devices=None, cross_device_ops=None):
        if devices is not None and (len(devices) != 1 or "gpu" in str(devices[0]).lower()):
            raise ValueError(f"MirroredStrategy: deepling has one CPU device, got {devices}")
        if cross_device_ops is not None:
            raise ValueError("MirroredStrategy: cross_device_ops is not supported")


class MultiWorkerMirroredStrategy(Strategy):
    """Synchronous data-parallel training across the processes MPI started (one replica each).

    Creating it joins every rank (so every rank must create it), and gives every rank rank 0's
    random generator, so that weights and shuffles agree. Dropout then draws the same masks
    on every rank for its share of the batch.

    Args:
        cluster_resolver: must be None: `deepling-run -n N` (MPI) defines the cluster, not
            TF_CONFIG.
        communication_options: None, or an object whose `timeout_seconds` bounds each
            collective (30 minutes by default).

    Example:
        >>> strategy = tf.distribute.MultiWorkerMirroredStrategy()  # doctest: +SKIP
        >>> with strategy.scope():  # doctest: +SKIP
        ...     model = build_and_compile_model()
        >>> model.fit(x, y, batch_size=64 * strategy.num_replicas_in_sync)  # doctest: +SKIP
    """

    def __init__(self, cluster_resolver=None, communication_options=None):
        if cluster_resolver is not None:
            raise ValueError(
                "MultiWorkerMirroredStrategy: the workers are the ranks MPI started "
                "(deepling-run -n N); pass no cluster_resolver"
            )
        timeout = getattr(communication_options, "timeout_seconds", None)
        pg = ProcessGroup("mpi", float(timeout or DEFAULT_TIMEOUT.total_seconds()))
        if pg.size > 1:  # one process trains as it would without a strategy
            self._replicas = Replicas(pg)
            self._replicas.share_random_state()
        else:
            pg.free()

    @property
    def cluster_resolver(self):
        return None


_DEFAULT = Strategy()


def get_strategy() -> Strategy:
    """The strategy whose scope is open, or the default one-replica strategy."""
    return _scope.current() or _DEFAULT


def has_strategy() -> bool:
    return _scope.current() is not None
