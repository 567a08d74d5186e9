"""torch.distributed's names in one process: errors before and after init_process_group, the
missing-MPI error, and the collectives on a world of one."""

import sys

import numpy as np
import pytest

import deepling as dl
import deepling.distributed as dist
from deepling.autograd import engine
from tests.distributed.mpi import requires_mpi


@pytest.fixture
def group():
    dist.init_process_group("gloo")
    yield
    dist.destroy_process_group()


def test_without_mpi4py_every_entry_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "mpi4py", None)
    assert not dist.is_available() and not dist.is_gloo_available()
    with pytest.raises(RuntimeError, match=r'pip install "deepling\[mpi\]"') as e:
        dist.init_process_group("gloo")
    assert isinstance(e.value, ImportError)
    assert not dist.is_initialized()


def test_before_init_the_calls_raise_pytorchs_error():
    assert not dist.is_initialized()
    for call in (dist.get_rank, dist.get_world_size, dist.barrier, dist.destroy_process_group):
        with pytest.raises(ValueError, match="Default process group has not been initialized"):
            call()
    with pytest.raises(ValueError, match="has not been initialized"):
        dist.all_reduce(dl.ones(2))


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"backend": "nccl"}, RuntimeError, "doesn't have NCCL built in"),
        ({"backend": "tcp"}, ValueError, "Invalid backend"),
        ({"init_method": "tcp://10.1.1.20:23456"}, ValueError, "the launcher connects"),
        ({"world_size": 4}, ValueError, "world_size=4, but MPI started this process with"),
        ({"rank": 1}, ValueError, "rank=1, but MPI"),
        ({"timeout": 5}, TypeError, "timedelta"),
    ],
)
@requires_mpi
def test_bad_arguments_are_refused_before_joining(kwargs, error, match):
    if "timeout" in kwargs:
        kwargs["timeout"] = "5 s"
    with pytest.raises(error, match=match):
        dist.init_process_group(**kwargs)
    assert not dist.is_initialized()


@requires_mpi
def test_a_world_of_one(group):
    assert (dist.get_rank(), dist.get_world_size(), dist.get_backend()) == (0, 1, "gloo")
    with pytest.raises(ValueError, match="twice"):
        dist.init_process_group("mpi")
    t = dl.tensor([1.0, 2.0])
    dist.all_reduce(t, op=dist.ReduceOp.AVG)
    assert t.tolist() == [1.0, 2.0]
    out = [dl.zeros(2)]
    dist.all_gather(out, t)
    assert out[0].tolist() == [1.0, 2.0]
    with pytest.raises(ValueError, match="tensor_list must be a list of 1 tensors"):
        dist.all_gather([dl.zeros(2), dl.zeros(2)], t)
    with pytest.raises(ValueError, match="src=1 is not a rank of a group of 1"):
        dist.broadcast(t, src=1)
    with pytest.raises(TypeError, match="ReduceOp"):
        dist.all_reduce(t, op="sum")
    with pytest.raises(TypeError, match="AVG needs a floating tensor"):
        dist.all_reduce(dl.tensor([1, 2]), op=dist.ReduceOp.AVG)
    with pytest.raises(ValueError, match="one group"):
        dist.get_rank(group="other")
    assert dist.get_rank(dist.group.WORLD) == 0
    assert dist.barrier(async_op=True).wait()


def test_queue_callback_runs_after_the_gradients_are_committed():
    seen = []

    class Probe(dl.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, gy):
            engine.queue_callback(lambda: seen.append((w.grad.tolist(), engine.walk_fills_grad())))
            return gy

    w = dl.tensor([1.0, 2.0], requires_grad=True)
    (Probe.apply(w) * 3).sum().backward()
    assert seen == [([3.0, 3.0], True)]
    with pytest.raises(RuntimeError, match="only be called during the backward pass"):
        engine.queue_callback(print)
    np.testing.assert_array_equal(w.grad.numpy(), [3.0, 3.0])
