"""How the BLAS thread count changes the speed of a tutorial-sized model.

The MNIST MLP of `deepling run mnist_mlp` (784-256-128-10, Adam, batch 128) trains on 15,000
random images (a quarter epoch: the same shapes and arithmetic as MNIST) with 1 thread and
with every core, alternating, and prints the best time of each and their ratio. The answer
depends on the machine and on what else runs on it: run it where you train.

    python benchmarks/bench_threads.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _timing import print_table  # noqa: E402

import deepling as dl  # noqa: E402
from deepling import nn  # noqa: E402

SAMPLES, BATCH = 15_000, 128


def data():
    rng = np.random.default_rng(0)
    return rng.random((SAMPLES, 784), dtype=np.float32), rng.integers(0, 10, SAMPLES)


def train_deepling(x, y) -> float:
    dl.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))  # fmt: skip
    opt = dl.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    xt, yt = dl.tensor(x), dl.tensor(y)
    start = time.perf_counter()
    for i in range(0, SAMPLES, BATCH):
        loss = loss_fn(model(xt[i : i + BATCH]), yt[i : i + BATCH])
        opt.zero_grad()
        loss.backward()
        opt.step()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    x, y = data()
    cores = os.cpu_count() or 1
    best = {1: float("inf"), cores: float("inf")}
    for _ in range(args.repeats):  # alternate, so a slow spell of the machine hits both
        for threads in best:
            dl.set_num_threads(threads)
            best[threads] = min(best[threads], train_deepling(x, y))
    rows = [[f"{n} BLAS thread(s)", round(t, 2), round(t / best[1], 2)] for n, t in best.items()]
    print_table(
        f"MNIST MLP, {SAMPLES} samples, batch {BATCH} (best of {args.repeats}, {cores} cores)",
        ["BLAS threads", "seconds", "vs 1 thread"],
        rows,
    )


if __name__ == "__main__":
    main()
