"""What each rank runs under `deepling-run`: `python -m mpi4py -m deepling.distributed.rank
program.py args...`.

It gives the program torchrun's variables (RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE),
runs it as `__main__`, and on an uncaught exception prints the traceback, flushes, waits half
a second (so that mpiexec passes the traceback on before the job ends: without the wait it was
lost in 2 of 6 runs) and aborts the whole job, so the other ranks never hang waiting for it.
"""

from __future__ import annotations

import os
import runpy
import sys
import time
import traceback


def _torchrun_variables(MPI) -> None:  # noqa: N803 (MPI is mpi4py's module name)
    world = MPI.COMM_WORLD
    local = world.Split_type(MPI.COMM_TYPE_SHARED)
    os.environ.update(
        RANK=str(world.Get_rank()),
        WORLD_SIZE=str(world.Get_size()),
        LOCAL_RANK=str(local.Get_rank()),
        LOCAL_WORLD_SIZE=str(local.Get_size()),
    )
    local.Free()


def _abort(MPI, code: int) -> None:  # noqa: N803
    sys.stdout.flush()
    sys.stderr.flush()
    time.sleep(0.5)
    MPI.COMM_WORLD.Abort(code)


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        sys.exit("usage: python -m mpi4py -m deepling.distributed.rank program.py|-m module [args]")
    from mpi4py import MPI

    _torchrun_variables(MPI)
    module = argv[1] if argv[0] == "-m" and len(argv) > 1 else None
    sys.argv = [module, *argv[2:]] if module else list(argv)
    # sys.path[0] as `python program.py` (the program's folder) or `python -m` (here) sets it
    sys.path[0] = os.getcwd() if module else os.path.dirname(os.path.abspath(argv[0]))
    try:
        if module:
            runpy.run_module(module, run_name="__main__", alter_sys=True)
        else:
            runpy.run_path(argv[0], run_name="__main__")
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if code:
            if not isinstance(e.code, int):
                print(e.code, file=sys.stderr)
            _abort(MPI, code)
        raise
    except BaseException as e:
        rank = MPI.COMM_WORLD.Get_rank()
        print(f"deepling-run: rank {rank} failed:", file=sys.stderr)
        tb = e.__traceback__
        while module is None and tb is not None and tb.tb_frame.f_code.co_filename != argv[0]:
            tb = tb.tb_next  # the program's frames, not this runner's
        traceback.print_exception(type(e), e, tb or e.__traceback__)
        _abort(MPI, 1)


if __name__ == "__main__":
    main()
