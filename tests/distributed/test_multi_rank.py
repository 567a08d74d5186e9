"""Several ranks on this machine (mpiexec -n 2 and 4): the collectives, DDP and the Keras
strategy against one process, failures that must end the job, and restarts that resume."""

import json
import time

import numpy as np
import pytest

from tests.distributed.mpi import SCRIPTS, launch, leftovers, ranks, requires_mpi

pytestmark = requires_mpi


@pytest.mark.parametrize("n", [2, 4])
def test_collectives_give_torch_distributed_results(n):
    out = ranks(n, "collectives.py").stdout
    assert all(f"rank {r}: collectives ok" in out for r in range(n))


@pytest.mark.parametrize("n", [2, 4])
def test_ddp_weights_agree_bit_for_bit_and_match_one_process(n, tmp_path):
    ranks(n, "ddp_train.py", tmp_path)
    weights = [np.load(tmp_path / f"w{r}.npy") for r in range(n)]
    single = np.load(tmp_path / "single.npy")
    for w in weights[1:]:
        assert np.array_equal(w, weights[0])
    # averaging the ranks' means sums in another order than one big batch: float32 rounding
    np.testing.assert_allclose(weights[0], single, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("n", [2, 4])
def test_keras_strategy_fit_matches_one_process_and_only_rank_0_writes(n, tmp_path):
    (tmp_path / "one").mkdir()
    ranks(1, "keras_fit.py", tmp_path / "one")
    out = ranks(n, "keras_fit.py", tmp_path).stdout
    weights = [np.load(tmp_path / f"w{r}.npy") for r in range(n)]
    for w in weights[1:]:
        assert np.array_equal(w, weights[0])
    np.testing.assert_allclose(weights[0], np.load(tmp_path / "one" / "w0.npy"), rtol=1e-4,
                               atol=1e-5)  # fmt: skip
    histories = [json.loads((tmp_path / f"history{r}.json").read_text()) for r in range(n)]
    assert all(h == histories[0] for h in histories)  # every rank logs the global numbers
    single = json.loads((tmp_path / "one" / "history0.json").read_text())
    for key, values in single.items():
        np.testing.assert_allclose(histories[0][key], values, rtol=1e-4, atol=1e-5, err_msg=key)
    assert out.count("Epoch 1/4") == 1  # only rank 0 prints
    assert sorted(p.name for p in tmp_path.glob("ckpt-*")) == [f"ckpt-{e}-r0.weights.h5"
                                                                 for e in range(1, 5)]  # fmt: skip
    assert len((tmp_path / "log.csv").read_text().splitlines()) == 5  # one header, 4 epochs


def test_an_exception_on_one_rank_ends_the_job_with_its_traceback(tmp_path):
    script = tmp_path / "fail.py"
    script.write_text((SCRIPTS / "fail.py").read_text())
    start = time.monotonic()
    done = launch("-n", 2, script, timeout=60)
    assert done.returncode != 0
    assert time.monotonic() - start < 30
    assert "ValueError: boom on rank 1" in done.stderr
    assert leftovers(str(tmp_path)) == []


def test_the_watchdog_aborts_a_job_whose_ranks_stopped(tmp_path):
    script = tmp_path / "stall.py"
    script.write_text((SCRIPTS / "stall.py").read_text())
    start = time.monotonic()
    done = launch("-n", 2, "--timeout", 3, script, timeout=60)
    assert done.returncode == 124
    assert "no rank made progress for 3 s" in done.stderr
    assert time.monotonic() - start < 30
    assert leftovers(str(tmp_path)) == []


def _copy(tmp_path, name):
    for helper in ("common.py", name):
        (tmp_path / helper).write_text((SCRIPTS / helper).read_text())
    return tmp_path / name


@pytest.mark.parametrize("script", ["keras_resume.py", "torch_resume.py"])
def test_a_killed_rank_restarts_and_ends_as_an_uninterrupted_run(script, tmp_path):
    program = _copy(tmp_path, script)
    (tmp_path / "killed").mkdir()
    (tmp_path / "whole").mkdir()
    done = launch("-n", 2, "--max-restarts", 1, program, tmp_path / "killed", timeout=120)
    assert done.returncode == 0, done.stderr
    assert "restart 1 of 1" in done.stderr
    whole = launch("-n", 2, program, tmp_path / "whole", "--no-kill", timeout=120)
    assert whole.returncode == 0, whole.stderr
    resumed, uninterrupted = (np.load(tmp_path / d / "weights.npy") for d in ("killed", "whole"))
    assert np.array_equal(resumed, uninterrupted)
    assert leftovers(str(tmp_path)) == []


def test_without_restarts_a_killed_job_fails(tmp_path):
    program = _copy(tmp_path, "torch_resume.py")
    done = launch("-n", 2, program, tmp_path, timeout=60)
    assert done.returncode != 0
    assert "restart" not in done.stderr
