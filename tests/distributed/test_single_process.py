"""DistributedSampler against PyTorch's, DDP and tf.distribute on a world of one, and the
launcher's command line."""

import sys

import numpy as np
import pytest

import deepling as dl
import deepling.distributed as dist
import deepling.tf as tf
from deepling import keras, nn
from deepling.distributed import launch
from deepling.nn.parallel import DistributedDataParallel as DDP
from deepling.utils.data import DistributedSampler
from tests.distributed.mpi import REPO, requires_mpi


@pytest.mark.parametrize("n, replicas", [(10, 3), (10, 4), (12, 4), (3, 5), (7, 2)])
@pytest.mark.parametrize("drop_last", [False, True])
def test_sampler_shares_are_pytorchs_in_order(n, replicas, drop_last):
    torch_data = pytest.importorskip("torch.utils.data.distributed")
    for rank in range(replicas):
        ours = DistributedSampler(range(n), replicas, rank, shuffle=False, drop_last=drop_last)
        theirs = torch_data.DistributedSampler(range(n), replicas, rank, shuffle=False,
                                               drop_last=drop_last)  # fmt: skip
        assert list(ours) == list(theirs) and len(ours) == len(theirs)


def test_shuffled_shares_cover_the_data_once_and_change_with_the_epoch():
    shares = [DistributedSampler(range(12), 3, r, seed=5) for r in range(3)]
    first = [list(s) for s in shares]
    assert sorted(sum(first, [])) == list(range(12))
    for s in shares:
        s.set_epoch(1)
    assert [list(s) for s in shares] != first
    assert list(DistributedSampler(range(12), 3, 0, seed=5)) == first[0]  # same seed, same order


def test_sampler_errors():
    with pytest.raises(
        ValueError, match=r"Invalid rank 3, rank should be in the interval \[0, 2\]"
    ):
        DistributedSampler(range(5), num_replicas=3, rank=3)
    if dist.is_available():
        with pytest.raises(ValueError, match="Default process group has not been initialized"):
            DistributedSampler(range(5))
    else:
        with pytest.raises(RuntimeError, match="Requires distributed package to be available"):
            DistributedSampler(range(5))


@requires_mpi
def test_ddp_on_one_rank_is_the_module():
    dist.init_process_group("gloo")
    try:
        dl.manual_seed(0)
        net = nn.Linear(3, 2)
        model = DDP(net)
        x = dl.randn(4, 3)
        assert np.array_equal(model(x).detach().numpy(), net(x).detach().numpy())
        model(x).sum().backward()
        np.testing.assert_allclose(net.weight.grad.detach().numpy(), np.tile(x.detach().numpy().sum(0), (2, 1)),
                                   rtol=1e-6)  # fmt: skip
        assert list(model.state_dict()) == ["module.weight", "module.bias"]
        with model.no_sync():
            assert not model.require_backward_grad_sync
        with pytest.raises(ValueError, match="device_ids"):
            DDP(net, device_ids=[0])
        with pytest.raises(TypeError, match="wraps an nn.Module"):
            DDP(lambda x: x)
        with pytest.raises(NotImplementedError, match="mixed_precision"):
            DDP(net, mixed_precision=object())
    finally:
        dist.destroy_process_group()


def test_mirrored_strategy_is_one_replica_and_fit_runs_as_without_it():
    strategy = tf.distribute.MirroredStrategy()
    assert strategy.num_replicas_in_sync == 1 and not tf.distribute.has_strategy()
    with strategy.scope():
        assert tf.distribute.get_strategy() is strategy and tf.distribute.has_strategy()
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        model.compile("sgd", "mse")
        with pytest.raises(RuntimeError, match="Mixing different tf.distribute.Strategy"):
            with tf.distribute.MirroredStrategy().scope():
                pass
    assert model._replicas is None
    model.fit(np.ones((4, 2), np.float32), np.ones((4, 1), np.float32), verbose=0)
    assert strategy.reduce("SUM", dl.tensor([1.0, 2.0]), axis=0).item() == 3.0
    assert strategy.reduce(tf.distribute.ReduceOp.MEAN, dl.tensor([1.0, 2.0]), axis=0).item() == 1.5
    with pytest.raises(ValueError, match="one CPU device"):
        tf.distribute.MirroredStrategy(["/gpu:0", "/gpu:1"])


@requires_mpi
def test_multi_worker_strategy_in_one_process():
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    assert strategy.num_replicas_in_sync == 1
    with pytest.raises(ValueError, match="pass no cluster_resolver"):
        tf.distribute.MultiWorkerMirroredStrategy(cluster_resolver=object())


def test_launcher_command_line(capsys):
    with pytest.raises(SystemExit):
        launch.main([])
    assert "-n/--nproc" in capsys.readouterr().err
    assert launch.main(["-n", "2", "--mpiexec", "/no/such/mpiexec", "x.py"]) == 2
    assert "no such executable" in capsys.readouterr().err
    cmd = launch.command("mpiexec", 3, "train.py", ["--lr", "0.1"], hostfile="hosts")
    assert cmd[cmd.index("-n") :] == ["-n", "3", sys.executable, "-m", "mpi4py", "-m",
                                      "deepling.distributed.rank", "train.py", "--lr", "0.1"]  # fmt: skip
    assert cmd[1:3] in (["-f", "hosts"], ["--hostfile", "hosts"])


def test_the_console_script_and_the_extra_are_declared():
    text = (REPO / "pyproject.toml").read_text()
    assert 'deepling-run = "deepling.distributed.launch:main"' in text
    assert "mpi4py" in text and "mpich" in text
    assert '".[test,mpi]"' in (REPO / ".ci" / "run").read_text()
