"""Running small programs on several MPI ranks from pytest: bounded in time, nothing left
behind. Skips cleanly where mpi4py or mpiexec is missing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from deepling.distributed._mpi import available

REPO = Path(__file__).resolve().parents[2]
SCRIPTS = Path(__file__).resolve().parent / "scripts"
HAS_MPI = available()

requires_mpi = pytest.mark.skipif(not HAS_MPI, reason='needs mpi4py: pip install "deepling[mpi]"')


def env(**extra) -> dict:
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, **{k: str(v) for k, v in extra.items()}}


def run(cmd: list, timeout: float = 120, **extra) -> subprocess.CompletedProcess:
    """Run `cmd` in its own process group; on timeout the whole group is killed and the test
    fails, so no rank outlives it."""
    job = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           env=env(**extra), cwd=REPO, start_new_session=True)  # fmt: skip
    try:
        out, err = job.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(job.pid, signal.SIGKILL)
        out, err = job.communicate()
        pytest.fail(f"{cmd} ran past {timeout} s:\n{out}\n{err}")
    finally:
        try:
            os.killpg(job.pid, signal.SIGKILL)  # anything of the job still around
        except ProcessLookupError:
            pass
    return subprocess.CompletedProcess(cmd, job.returncode, out, err)


def mpiexec() -> str:
    from deepling.distributed.launch import find_mpiexec

    try:
        return find_mpiexec()
    except FileNotFoundError:
        pytest.skip("needs MPI's mpiexec (the mpich wheel)")


def ranks(n: int, script: str, *args, timeout: float = 120, **extra):
    """`mpiexec -n N python -m mpi4py scripts/<script> args...`; fails the test on error."""
    cmd = [mpiexec(), "-n", str(n), sys.executable, "-m", "mpi4py", str(SCRIPTS / script)]
    done = run([*cmd, *map(str, args)], timeout, **extra)
    assert done.returncode == 0, f"{script} on {n} ranks failed:\n{done.stdout}\n{done.stderr}"
    return done


def launch(*args, timeout: float = 120, **extra) -> subprocess.CompletedProcess:
    """`deepling-run args...` (as `python -m deepling.distributed.launch`)."""
    mpiexec()
    cmd = [sys.executable, "-m", "deepling.distributed.launch", *map(str, args)]
    return run(cmd, timeout, **extra)


def leftovers(marker: str) -> list:
    """Processes whose command line mentions `marker` (a test's own temporary path)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if marker in cmdline:
            found.append(f"{pid}: {cmdline}")
    return found
