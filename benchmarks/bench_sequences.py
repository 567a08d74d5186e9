"""Recurrent layers beside PyTorch on the CPU, one thread each, in one run.

(a) an LSTM training step: batch 64, 28 steps of 28 inputs (MNIST rows), 128 hidden, a Linear
    to 10 on the last step's output, cross-entropy, SGD: forward, backward and update.
(b) the same with a GRU; (c) an Embedding(1000, 32) -> LSTM(64) step on 64 sequences of 80
    tokens (the input of the LSTM needs a gradient, so its steps are sliced by halving).

Target (issue 13): (a) deepling at most 2x PyTorch's time. NumPy's BLAS and torch are both
held to one thread (OMP/OPENBLAS/MKL_NUM_THREADS=1 and torch.set_num_threads(1)).

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python benchmarks/bench_sequences.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before NumPy loads its BLAS

import numpy as np  # noqa: E402
from _timing import median_seconds, print_table  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import deepling  # noqa: E402
import deepling.nn  # noqa: E402
import deepling.optim  # noqa: E402

torch = None
if importlib.util.find_spec("torch") is not None:
    import torch

    torch.set_num_threads(1)


def rnn_step(fw, kind, batch=64, steps=28, features=28, hidden=128):
    """One training step of `kind` (LSTM or GRU) + Linear on fixed data: a closure."""
    fw.manual_seed(0)
    rnn = getattr(fw.nn, kind)(features, hidden, batch_first=True)
    head = fw.nn.Linear(hidden, 10)
    opt = fw.optim.SGD([*rnn.parameters(), *head.parameters()], lr=0.01)
    rng = np.random.default_rng(0)
    x = fw.tensor(rng.standard_normal((batch, steps, features)).astype(np.float32))
    y = fw.tensor(rng.integers(0, 10, batch))
    loss_fn = fw.nn.CrossEntropyLoss()

    def step():
        out, _ = rnn(x)
        loss = loss_fn(head(out[:, -1]), y)
        opt.zero_grad()
        loss.backward()
        opt.step()

    return step


def text_step(fw, batch=64, steps=80, vocab=1000, dim=32, hidden=64):
    fw.manual_seed(0)
    emb = fw.nn.Embedding(vocab, dim)
    rnn = fw.nn.LSTM(dim, hidden, batch_first=True)
    head = fw.nn.Linear(hidden, 2)
    params = [*emb.parameters(), *rnn.parameters(), *head.parameters()]
    opt = fw.optim.SGD(params, lr=0.01)
    rng = np.random.default_rng(0)
    x = fw.tensor(rng.integers(0, vocab, (batch, steps)))
    y = fw.tensor(rng.integers(0, 2, batch))
    loss_fn = fw.nn.CrossEntropyLoss()

    def step():
        _, (h, _) = rnn(emb(x))
        loss = loss_fn(head(h[-1]), y)
        opt.zero_grad()
        loss.backward()
        opt.step()

    return step


WORKLOADS = {
    "(a) LSTM 64x28x28 -> 128, Linear 10": lambda fw: rnn_step(fw, "LSTM"),
    "(b) GRU 64x28x28 -> 128, Linear 10": lambda fw: rnn_step(fw, "GRU"),
    "(c) Embedding 1000x32 -> LSTM 64, 64x80 tokens": text_step,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--clock", choices=["wall", "cpu"], default="cpu")
    args = parser.parse_args()
    rows = []
    for name, make in WORKLOADS.items():
        ours = median_seconds(make(deepling), repeats=args.repeats, warmup=2, clock=args.clock)
        theirs = None
        if torch is not None:
            theirs = median_seconds(make(torch), repeats=args.repeats, warmup=2, clock=args.clock)
        ratio = ours / theirs if theirs else None
        rows.append([name, ours * 1e3, None if theirs is None else theirs * 1e3, ratio])
    print_table(
        f"milliseconds per training step (median of {args.repeats}, {args.clock} clock, 1 thread)",
        ["workload", "deepling", "PyTorch", "deepling / PyTorch"],
        rows,
    )


if __name__ == "__main__":
    main()
