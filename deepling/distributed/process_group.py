"""The default process group: MPI's world, as `torch.distributed.init_process_group` sets up.

MPI's launcher (`mpiexec`, or `deepling-run`) decides the ranks, as with PyTorch's MPI
backend; `rank=` and `world_size=` are checked against it. Collectives wait on non-blocking
MPI requests with a deadline (`timeout=`, 30 minutes by default as PyTorch's gloo), so a rank
whose peer stopped raises instead of hanging forever, and each completed collective tells
`deepling-run --timeout` that this rank is alive (a heartbeat file, at most once a second).
"""

from __future__ import annotations

import datetime
import os
import time

from ._mpi import mpi

DEFAULT_TIMEOUT = datetime.timedelta(minutes=30)
HEARTBEAT = "DEEPLING_HEARTBEAT_DIR"  # set by deepling-run for its --timeout watchdog


class Backend(str):
    """Backend names: MPI does the work; 'gloo' is accepted so PyTorch programs run as they are."""

    MPI = "mpi"
    GLOO = "gloo"
    NCCL = "nccl"


class ProcessGroup:
    """A communicator (a duplicate of MPI's world, so deepling's traffic never meets the
    program's own MPI calls), its backend's name and the collectives' deadline in seconds."""

    def __init__(self, backend: str, timeout: float):
        self.comm = mpi().COMM_WORLD.Dup()
        self.backend, self.timeout = backend, timeout
        self.rank, self.size = self.comm.Get_rank(), self.comm.Get_size()
        folder = os.environ.get(HEARTBEAT)
        self._beat_path = os.path.join(folder, str(self.rank)) if folder else None
        self._last_beat = 0.0

    def wait(self, request, what: str) -> None:
        """Wait for a non-blocking request, raising after the deadline instead of hanging."""
        if not request.Test():
            deadline = time.monotonic() + self.timeout
            while not request.Test():
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"{what} on rank {self.rank} of {self.size} timed out after "
                        f"{self.timeout:g} s: another rank stopped or never called it"
                    )
                os.sched_yield()  # let an oversubscribed peer run
        self.beat()

    def beat(self) -> None:
        """Tell the launcher's watchdog this rank made progress (at most once a second)."""
        if self._beat_path is not None:
            now = time.monotonic()
            if now - self._last_beat >= 1.0:
                self._last_beat = now
                with open(self._beat_path, "a"):
                    os.utime(self._beat_path)

    def free(self) -> None:
        if self.comm is not None:
            self.comm.Free()
            self.comm = None


class GroupMember:
    """`dist.group.WORLD`: the default group (the only group deepling has)."""

    WORLD = object()
    NON_GROUP_MEMBER = object()


group = GroupMember


class _State:
    default: ProcessGroup | None = None


def _seconds(timeout) -> float:
    if timeout is None:
        return DEFAULT_TIMEOUT.total_seconds()
    if isinstance(timeout, datetime.timedelta):
        seconds = timeout.total_seconds()
    elif isinstance(timeout, (int, float)) and not isinstance(timeout, bool):
        seconds = float(timeout)
    else:
        raise TypeError(f"timeout must be a datetime.timedelta, got {type(timeout).__name__}")
    if seconds <= 0:
        raise ValueError(f"timeout must be positive, got {timeout}")
    return seconds


def _backend_name(backend) -> str:
    name = Backend.MPI if backend is None else str(backend).lower()
    if name in ("mpi", "gloo", "cpu:gloo", "cpu:mpi"):
        return name.removeprefix("cpu:")
    if "nccl" in name:
        raise RuntimeError("Distributed package doesn't have NCCL built in")
    raise ValueError(f"Invalid backend: '{backend}' (deepling has 'mpi', and 'gloo' as its alias)")


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1,
                       store=None, group_name="", pg_options=None, device_id=None):  # fmt: skip
    """Join the default process group: every rank `mpiexec` (or `deepling-run`) started.

    Args:
        backend: 'mpi' (default), or 'gloo', accepted as its alias so PyTorch programs run.
        init_method: None or 'env://' (MPI's launcher has already connected the ranks).
        timeout: how long a collective waits for the other ranks before raising (a
            `datetime.timedelta`, 30 minutes by default).
        world_size, rank: checked against MPI's when given (-1: take MPI's).

    Example:
        >>> import deepling.distributed as dist
        >>> dist.init_process_group("gloo")  # doctest: +SKIP
        >>> dist.get_rank(), dist.get_world_size()  # doctest: +SKIP
        (0, 1)
    """
    if _State.default is not None:
        raise ValueError("trying to initialize the default process group twice!")
    name, seconds = _backend_name(backend), _seconds(timeout)
    if init_method not in (None, "env://"):
        raise ValueError(
            f"init_method={init_method!r}: with MPI the launcher connects the ranks; run the "
            "program under deepling-run or mpiexec and pass no init_method (or 'env://')"
        )
    for arg, value in (("store", store), ("pg_options", pg_options), ("device_id", device_id)):
        if value is not None:
            raise ValueError(f"init_process_group: {arg} is not supported with the MPI backend")
    pg = ProcessGroup(name, seconds)
    for arg, given, actual in (("world_size", world_size, pg.size), ("rank", rank, pg.rank)):
        if given not in (-1, None) and given != actual:
            pg.free()
            raise ValueError(
                f"init_process_group: {arg}={given}, but MPI started this process with "
                f"{arg}={actual} (mpiexec -n N decides the ranks)"
            )
    _State.default = pg


def default_group(group=None) -> ProcessGroup:
    """The default group, or PyTorch's error when init_process_group has not run."""
    if group is not None and group is not GroupMember.WORLD:
        raise ValueError("deepling.distributed has one group: pass group=None (the default)")
    if _State.default is None:
        raise ValueError(
            "Default process group has not been initialized, please make sure to call "
            "init_process_group."
        )
    return _State.default


def is_initialized() -> bool:
    return _State.default is not None


def destroy_process_group(group=None) -> None:
    """Leave the default group; init_process_group may be called again afterwards."""
    default_group(group).free()
    _State.default = None


def get_rank(group=None) -> int:
    """This process's rank in the group, from 0."""
    return default_group(group).rank


def get_world_size(group=None) -> int:
    """The number of processes in the group."""
    return default_group(group).size


def get_backend(group=None) -> str:
    return default_group(group).backend
