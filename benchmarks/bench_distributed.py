"""Data-parallel training of the MNIST MLP (784-256-128-10) on 1, 2 and 4 ranks of this machine.

    python benchmarks/bench_distributed.py [--steps 60] [--batch 128]

Each job runs under `deepling-run`: DistributedDataParallel, Adam, a global batch of `--batch`
split across the ranks (synthetic data: the work is the same as MNIST's). It prints the time
per step, the part of it spent in the gradients' allreduce (the reducer's MPI call), the time
ranks wait for the slowest one before it (measured by a barrier the benchmark adds), the bytes
a ring allreduce sends per rank and step, and the samples per second. On this 2-core machine
4 ranks share 2 cores, so their steps cannot be faster; docs/distributed.md turns the numbers
into the expected scaling to 8-64 machines.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parents[1]))


def worker(steps: int, batch: int) -> None:
    import numpy as np

    import deepling as torch
    import deepling.distributed as dist
    from deepling import nn
    from deepling.distributed import buckets
    from deepling.nn.parallel import DistributedDataParallel

    dist.init_process_group("gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    reduce_times, wait_times = [], []
    allreduce = buckets.Buckets.allreduce

    def timed(self, pg):  # the reducer's MPI call, timed apart from waiting for the slowest rank
        start = time.perf_counter()
        pg.comm.Barrier()
        ready = time.perf_counter()
        allreduce(self, pg)
        wait_times.append(ready - start)
        reduce_times.append(time.perf_counter() - ready)

    buckets.Buckets.allreduce = timed
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                          nn.Linear(128, 10))  # fmt: skip
    ddp = DistributedDataParallel(model)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    rng = np.random.default_rng(rank)
    local = batch // world
    x = torch.tensor(rng.random((local, 784), dtype=np.float32))
    y = torch.tensor(rng.integers(0, 10, local))
    loss_fn = nn.CrossEntropyLoss()
    step_times = []
    for i in range(steps + 10):
        dist.barrier()
        start = time.perf_counter()
        opt.zero_grad()
        loss_fn(ddp(x), y).backward()
        opt.step()
        if i >= 10:  # after a warm-up
            step_times.append(time.perf_counter() - start)
    params = sum(p.numel() for p in model.parameters())
    if rank == 0:
        print(json.dumps({"world": world, "local": local, "step": statistics.median(step_times),
                          "reduce": statistics.median(reduce_times[10:] or [0.0]),
                          "wait": statistics.median(wait_times[10:] or [0.0]),
                          "bytes": params * 4}))  # fmt: skip
    dist.destroy_process_group()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--steps", type=int, default=60)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--worker", action="store_true")
    options = p.parse_args()
    if options.worker:
        return worker(options.steps, options.batch)
    from benchmarks._timing import print_table

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE.parents[1]),
                                                         os.environ.get("PYTHONPATH", "")])}  # fmt: skip
    rows = []
    for n in (1, 2, 4):
        cmd = [sys.executable, "-m", "deepling.distributed.launch", "-n", str(n), str(HERE),
               "--worker", "--steps", str(options.steps), "--batch", str(options.batch)]  # fmt: skip
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
        if out.returncode:
            sys.exit(f"{n} ranks failed:\n{out.stderr}")
        r = json.loads(out.stdout.strip().splitlines()[-1])
        ring = 2 * (n - 1) / n * r["bytes"]  # what a ring allreduce sends per rank
        rows.append([n, r["local"], f"{r['step'] * 1e3:.2f}", f"{r['reduce'] * 1e3:.2f}",
                     f"{100 * r['reduce'] / r['step']:.0f}%", f"{r['wait'] * 1e3:.2f}",
                     f"{ring / 1e6:.2f}",
                     f"{options.batch / r['step']:.0f}"])  # fmt: skip
    print_table(
        f"DDP, MNIST MLP ({rows and r['bytes'] // 4} parameters), global batch {options.batch}, "
        f"{os.cpu_count()} cores",
        [
            "ranks",
            "batch/rank",
            "ms/step",
            "allreduce ms",
            "share",
            "waiting ms",
            "MB sent/rank",
            "samples/s",
        ],
        rows,
    )


if __name__ == "__main__":
    main()
