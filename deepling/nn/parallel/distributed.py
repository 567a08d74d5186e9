"""DistributedDataParallel: the same model on every rank, gradients averaged in backward().

Construction broadcasts rank 0's parameters and buffers. Each forward (with grad enabled and
outside `no_sync()`) passes the outputs through `_GradSync`, an identity whose backward queues
the reducer on the walk (`autograd.engine.queue_callback`); once the walk has committed the
leaves' `.grad`, the reducer copies them into flat buckets, sums each bucket across the ranks
with one MPI call, and writes back the mean. A count of the ranks that produced each gradient
travels in the same buffers, so a parameter no rank used keeps `.grad = None`.
"""

from __future__ import annotations

import contextlib

import numpy as np

from ...autograd import engine
from ...autograd.function import ViewFunction
from ...distributed.buckets import Buckets, broadcast_tensors
from ...distributed.process_group import default_group
from ...grad_mode import is_grad_enabled
from ...tensor import Tensor
from ..module import Module

_UNUSED = (
    "Expected to have finished reduction in the prior iteration before starting a new one. "
    "This error indicates that your module has parameters that were not used in producing "
    "loss. You can enable unused parameter detection by passing the keyword argument "
    "`find_unused_parameters=True` to `torch.nn.parallel.DistributedDataParallel`, and by "
    "making sure all `forward` function outputs participate in calculating loss.\n"
    "Parameter indices which did not receive grad for rank {rank}: {indices}"
)


class _GradSync(ViewFunction):
    """y = x;  dy/dx = 1. Its backward asks the walk to average the gradients at its end."""

    def __init__(self, ddp):
        super().__init__()
        self.ddp = ddp

    def forward(self, x):
        return x.view()

    def backward(self, gy):
        self.ddp._queue_reduction()
        return gy


class DistributedDataParallel(Module):
    """Data parallelism across the ranks of the default process group, as PyTorch's DDP.

    Args:
        module: the model; every rank builds the same one.
        broadcast_buffers: copy rank 0's buffers (BatchNorm's running statistics) to every
            rank at each forward.
        init_sync: broadcast rank 0's parameters and buffers now.
        bucket_cap_mb: most megabytes per allreduce bucket (default 25).
        find_unused_parameters: allow parameters that get no gradient on a rank (they count
            as zeros there); without it such a parameter is PyTorch's RuntimeError.
        gradient_as_bucket_view, static_graph, check_reduction, skip_all_reduce_unused_params:
            PyTorch's memory and speed hints; they change no value, and do nothing here.

    Example:
        >>> dist.init_process_group("gloo")  # doctest: +SKIP
        >>> model = DistributedDataParallel(nn.Linear(4, 2))  # doctest: +SKIP
        >>> model(x).sum().backward()  # .grad is the mean over the ranks  # doctest: +SKIP
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0, broadcast_buffers=True,
                 init_sync=True, process_group=None, bucket_cap_mb=None,
                 find_unused_parameters=False, check_reduction=False,
                 gradient_as_bucket_view=False, static_graph=False,
                 delay_all_reduce_named_params=None, param_to_hook_all_reduce=None,
                 mixed_precision=None, device_mesh=None,
                 skip_all_reduce_unused_params=False):  # fmt: skip
        super().__init__()
        _check_arguments(module, device_ids, output_device, dim, bucket_cap_mb,
                         delay_all_reduce_named_params, param_to_hook_all_reduce,
                         mixed_precision, device_mesh)  # fmt: skip
        pg = default_group(process_group)
        self.module = module
        self.broadcast_buffers, self.find_unused_parameters = (
            broadcast_buffers,
            find_unused_parameters,
        )
        self.require_backward_grad_sync = True
        self.__dict__.update(_pg=pg, _queued=False, _cap=int((bucket_cap_mb or 25) * 2**20))
        self.__dict__["_params"] = [p for p in module.parameters() if p.requires_grad]
        self.__dict__["_plan"] = None
        _check_same_shapes(pg, module)
        if init_sync:
            broadcast_tensors(pg, [*module.parameters(), *module.buffers()])

    @contextlib.contextmanager
    def no_sync(self):
        """Backward passes inside accumulate local gradients; the first forward and backward
        after it averages everything accumulated."""
        old, self.require_backward_grad_sync = self.require_backward_grad_sync, False
        try:
            yield
        finally:
            self.require_backward_grad_sync = old

    def forward(self, *inputs, **kwargs):
        pg = self._pg
        if self.broadcast_buffers and pg.size > 1:
            broadcast_tensors(pg, list(self.module.buffers()))
        outputs = self.module(*inputs, **kwargs)
        if pg.size > 1 and self.require_backward_grad_sync and is_grad_enabled():
            outputs = _wrap(outputs, self)
        return outputs

    def _queue_reduction(self) -> None:
        if not self._queued and engine.walk_fills_grad():
            self.__dict__["_queued"] = True
            engine.queue_callback(self._reduce)

    def _reduce(self) -> None:
        """Average every parameter's .grad across the ranks (after the walk committed them)."""
        self.__dict__["_queued"] = False
        params, pg = self._params, self._pg
        if self._plan is None:
            specs = [(p._data.shape, p._data.dtype) for p in params]
            self.__dict__["_plan"] = Buckets([*specs, ((len(params),), np.float32)], self._cap)
        plan = self._plan
        used = np.array([p._grad is not None for p in params], np.float32)
        plan.pack([None if p._grad is None else p._grad._data for p in params] + [used])
        plan.allreduce(pg)
        counts = plan.view(len(params))
        for i, p in enumerate(params):
            if counts[i]:  # some rank produced it: every rank takes the mean
                p._grad = Tensor._wrap(plan.view(i) / pg.size)
        if not self.find_unused_parameters and counts.min() < pg.size:
            missing = np.flatnonzero(used == 0).tolist()
            raise RuntimeError(_UNUSED.format(rank=pg.rank, indices=missing or "none"))


def _wrap(outputs, ddp):
    """The outputs with each tensor that requires grad passed through _GradSync."""
    if isinstance(outputs, Tensor):
        return _GradSync(ddp)(outputs) if outputs.requires_grad else outputs
    if isinstance(outputs, (list, tuple)) and not hasattr(outputs, "_fields"):
        return type(outputs)(_wrap(o, ddp) for o in outputs)
    if isinstance(outputs, dict):
        return type(outputs)((k, _wrap(v, ddp)) for k, v in outputs.items())
    return outputs


def _check_arguments(module, device_ids, output_device, dim, bucket_cap_mb, *unsupported):
    if not isinstance(module, Module):
        raise TypeError(f"DistributedDataParallel wraps an nn.Module, got {type(module).__name__}")
    if device_ids is not None or output_device is not None:
        raise ValueError(
            "DistributedDataParallel device_ids and output_device arguments only work with "
            f"GPU modules; for CPU modules pass none (got device_ids={device_ids}, "
            f"output_device={output_device})"
        )
    if dim != 0:
        raise ValueError(f"DistributedDataParallel splits nothing here; dim must be 0, got {dim}")
    if bucket_cap_mb is not None and not bucket_cap_mb > 0:
        raise ValueError(f"bucket_cap_mb must be positive, got {bucket_cap_mb}")
    names = ("delay_all_reduce_named_params", "param_to_hook_all_reduce", "mixed_precision",
             "device_mesh")  # fmt: skip
    for name, value in zip(names, unsupported):
        if value is not None:
            raise NotImplementedError(f"DistributedDataParallel: {name} is not supported")


def _check_same_shapes(pg, module) -> None:
    """Every rank must hold the same parameters and buffers (PyTorch checks this too)."""
    if pg.size == 1:
        return
    mine = [(n, tuple(t.shape), str(t._data.dtype)) for n, t in module.state_dict().items()]
    shapes = pg.comm.allgather(mine)
    for rank, theirs in enumerate(shapes):
        if theirs != mine:
            diff = next((a, b) for a, b in zip(mine + [None], theirs + [None]) if a != b)
            raise RuntimeError(
                f"DDP expects the same model on every rank: rank {pg.rank} has {diff[0]}, "
                f"rank {rank} has {diff[1]}"
            )
