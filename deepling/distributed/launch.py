"""deepling-run: start a program on N ranks with MPI, restart it when it fails, and abort it
when its ranks stop making progress.

    deepling-run -n 4 [--hostfile hosts] [--max-restarts 3] [--timeout 300] train.py args...
    deepling-run -n 4 -m deepling.examples.mnist_ddp     (a module, as python -m)

runs `mpiexec -n 4 python -m mpi4py -m deepling.distributed.rank train.py args...`: an
exception on one rank aborts the whole job instead of hanging it. A failed job is started
again, whole, up to --max-restarts times (DEEPLING_RESTART_COUNT tells the program which
start it is); with `keras.callbacks.BackupAndRestore`, or a checkpoint the program reloads,
training resumes where it stopped. --timeout ends a job when no rank has completed one of
deepling's collectives for that many seconds (MPI itself never times out). Without a host
file all ranks share this machine, and each gets OMP_NUM_THREADS = cores / ranks (unless it is
set), so their BLAS threads do not fight over the cores.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from ._mpi import INSTALL
from .process_group import HEARTBEAT

RESTART_COUNT = "DEEPLING_RESTART_COUNT"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="deepling-run",
        description="Run a deepling program data-parallel on N processes (MPI).",
    )
    p.add_argument("-n", "--nproc", type=int, required=True, help="number of processes (ranks)")
    p.add_argument("--hostfile", help="MPI host file (one host a line, with slots)")
    p.add_argument("--max-restarts", type=int, default=0, help="restarts of a failed job")
    p.add_argument("--timeout", type=float, default=None,
                   help="abort when no rank made progress for this many seconds")  # fmt: skip
    p.add_argument("--mpiexec", default=os.environ.get("DEEPLING_MPIEXEC"),
                   help="the mpiexec to use (default: the one beside this Python, or on PATH)")  # fmt: skip
    p.add_argument("-m", dest="module", help="run a module as a program (as python -m)")
    p.add_argument(
        "args", nargs=argparse.REMAINDER, help="the program (unless -m) and its arguments"
    )
    return p


def find_mpiexec(given=None) -> str:
    """The mpiexec to run: given, beside this Python (the mpich wheel's), or on PATH."""
    if given:
        if not (os.path.isfile(given) and os.access(given, os.X_OK)):
            raise FileNotFoundError(f"--mpiexec {given}: no such executable")
        return given
    beside = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    for candidate in (beside, shutil.which("mpiexec")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise FileNotFoundError(f"deepling-run needs MPI's mpiexec: {INSTALL} (mpi4py and mpich)")


def _flavour(mpiexec: str) -> str:
    """'openmpi' or 'hydra' (MPICH, Intel MPI): their host file and environment flags differ."""
    try:
        out = subprocess.run([mpiexec, "--version"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return "hydra"
    return "openmpi" if "open mpi" in (out.stdout + out.stderr).lower() else "hydra"


def command(mpiexec: str, n: int, program, args, hostfile=None) -> list:
    """The mpiexec command line of one job (`program`: a path, or ['-m', module])."""
    flavour = _flavour(mpiexec)
    cmd = [mpiexec]
    if hostfile:
        cmd += ["--hostfile" if flavour == "openmpi" else "-f", hostfile]
    if flavour == "openmpi":  # Open MPI passes on only the variables it is told to
        cmd += ["-x", HEARTBEAT, "-x", RESTART_COUNT, "-x", "PYTHONPATH"]
    cmd += ["-n", str(n), sys.executable, "-m", "mpi4py", "-m", "deepling.distributed.rank"]
    return cmd + [*([program] if isinstance(program, str) else program), *args]


def _stop(job: subprocess.Popen) -> None:
    """End the job's whole process group: mpiexec and the ranks it started here."""
    for sig, wait in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(job.pid, sig)
        except ProcessLookupError:
            return
        try:
            job.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _last_progress(folder: str, started: float) -> tuple:
    """When a rank last completed a collective (or the job's start), and which rank lags most."""
    times = {}
    for name in os.listdir(folder):
        try:
            times[name] = os.path.getmtime(os.path.join(folder, name))
        except OSError:
            continue
    newest = max([started, *times.values()])
    lagging = min(times, key=times.get) if times else None
    return newest, lagging


def run_job(cmd: list, env: dict, timeout) -> int:
    """Run one job to its end, or end it when no rank progressed for `timeout` seconds."""
    folder = tempfile.mkdtemp(prefix="deepling-heartbeat-")
    env = {**env, HEARTBEAT: folder}
    started = time.time()
    job = subprocess.Popen(cmd, env=env, start_new_session=True)
    try:
        while True:
            try:
                return job.wait(0.5)
            except subprocess.TimeoutExpired:
                pass
            if timeout is not None:
                newest, lagging = _last_progress(folder, started)
                if time.time() - newest > timeout:
                    who = f" (rank {lagging} was the first to stop)" if lagging else ""
                    print(f"deepling-run: no rank made progress for {timeout:g} s{who}; "
                          "aborting the job", file=sys.stderr, flush=True)  # fmt: skip
                    _stop(job)
                    return 124
    finally:
        if job.poll() is None:
            _stop(job)
        shutil.rmtree(folder, ignore_errors=True)


def main(argv=None) -> int:
    options = _parser().parse_args(argv)
    if options.nproc < 1 or options.max_restarts < 0:
        _parser().error("-n must be at least 1 and --max-restarts at least 0")
    if options.module is None and not options.args:
        _parser().error("give the program to run (a .py file, or -m module)")
    program = ["-m", options.module] if options.module else options.args.pop(0)
    try:
        mpiexec = find_mpiexec(options.mpiexec)
    except FileNotFoundError as e:
        print(f"deepling-run: {e}", file=sys.stderr)
        return 2
    cmd = command(mpiexec, options.nproc, program, options.args, options.hostfile)
    signal.signal(signal.SIGTERM, _terminated)
    code = 1
    base = dict(os.environ)
    if options.hostfile is None and "OMP_NUM_THREADS" not in base:
        # as torchrun: ranks sharing this machine share its cores (BLAS threads would fight)
        base["OMP_NUM_THREADS"] = str(max(1, (os.cpu_count() or 1) // options.nproc))
    for attempt in range(options.max_restarts + 1):
        env = {**base, RESTART_COUNT: str(attempt)}
        try:
            code = run_job(cmd, env, options.timeout)
        except KeyboardInterrupt:
            return 130
        if code == 0:
            return 0
        if attempt < options.max_restarts:
            print(f"deepling-run: the job failed (exit code {code}); restart "
                  f"{attempt + 1} of {options.max_restarts}", file=sys.stderr, flush=True)  # fmt: skip
    return code


def _terminated(signum, frame):
    raise KeyboardInterrupt  # run_job's `finally` ends the job


if __name__ == "__main__":
    sys.exit(main())
