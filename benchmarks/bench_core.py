"""deepling beside PyTorch and hand-written NumPy on the same small workloads, in one run.

(a) forward + backward of `(a * b + c).sum()` on 1-element tensors: the per-op overhead.
(b) seed 000's linear regression: 301 GradientTape steps of `w * x + b`, MSE, SGD lr 0.01
    (deepling.tf with `w.assign_sub(0.01 * g)`, torch with backward, NumPy derived by hand).

Targets (issue 2): deepling's time per iteration at most PyTorch's, and within 3x of the
hand-written NumPy loop on (b).

    python benchmarks/bench_core.py [--repeats 7] [--clock wall|cpu]
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

import numpy as np
from _timing import median_seconds, print_table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import deepling as dl  # noqa: E402
import deepling.tf as tf  # noqa: E402

torch = None
if importlib.util.find_spec("torch") is not None:
    import torch

X = [1, 2, 3, 4, 5, 6, 7, 8, 9]
Y = [11, 22, 33, 44, 53, 66, 77, 87, 95]
STEPS, LR = 301, 0.01


# --- (a) one tiny graph ---
def tiny_deepling():
    a, b, c = (dl.tensor([v], requires_grad=True) for v in (2.0, 3.0, 4.0))

    def step():
        a.grad = b.grad = c.grad = None
        (a * b + c).sum().backward()

    return step


def tiny_torch():
    a, b, c = (torch.tensor([v], requires_grad=True) for v in (2.0, 3.0, 4.0))

    def step():
        a.grad = b.grad = c.grad = None
        (a * b + c).sum().backward()

    return step


def tiny_numpy():
    a, b, c = (np.array([v], np.float32) for v in (2.0, 3.0, 4.0))

    def step():
        y = (a * b + c).sum()  # forward
        gy = np.ones_like(a)  # backward: d sum = 1, d(ab + c) = (b, a, 1)
        return y, gy * b, gy * a, gy

    return step


# --- (b) seed 000's linear regression ---
def regression_deepling(verbatim: bool):
    """`verbatim`: the tutorial's Python lists each step; otherwise constants made once."""
    x, y = (X, Y) if verbatim else (tf.constant(X, tf.float32), tf.constant(Y, tf.float32))

    def run():
        w, b = tf.Variable(4.0), tf.Variable(1.0)
        for _ in range(STEPS):
            with tf.GradientTape() as tape:
                cost = tf.reduce_mean(tf.square(w * x + b - y))
            gw, gb = tape.gradient(cost, [w, b])
            w.assign_sub(LR * gw)
            b.assign_sub(LR * gb)
        return float(w), float(b)

    return run


def regression_torch():
    x, y = torch.tensor(X, dtype=torch.float32), torch.tensor(Y, dtype=torch.float32)

    def run():
        w = torch.tensor(4.0, requires_grad=True)
        b = torch.tensor(1.0, requires_grad=True)
        for _ in range(STEPS):
            cost = torch.mean(torch.square(w * x + b - y))
            cost.backward()
            with torch.no_grad():
                w -= LR * w.grad
                b -= LR * b.grad
            w.grad = b.grad = None
        return w.item(), b.item()

    return run


def regression_numpy():
    x, y = np.array(X, np.float32), np.array(Y, np.float32)

    def run():
        w, b = np.float32(4.0), np.float32(1.0)
        for _ in range(STEPS):
            e = w * x + b - y  # cost = mean(e**2); dcost/dw = mean(2 e x), dcost/db = mean(2 e)
            w, b = w - np.float32(LR) * np.mean(2 * e * x), b - np.float32(LR) * np.mean(2 * e)
        return float(w), float(b)

    return run


def _ratios(ours, torch_s, numpy_s):
    return [
        None if torch_s is None else round(ours / torch_s, 2),
        round(ours / numpy_s, 2),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall")
    args = parser.parse_args()
    rep, clock = args.repeats, args.clock

    def timed(fn, number=1):
        return median_seconds(fn, number=number, repeats=rep, clock=clock)

    tiny = {"deepling": timed(tiny_deepling(), 2000), "numpy": timed(tiny_numpy(), 2000)}
    tiny["torch"] = timed(tiny_torch(), 2000) if torch else None

    runs = {"deepling.tf": regression_deepling(False), "deepling.tf, seed's lists": None}
    runs["deepling.tf, seed's lists"] = regression_deepling(True)
    runs["numpy"] = regression_numpy()
    if torch:
        runs["torch"] = regression_torch()
    reg = {k: timed(f) / STEPS for k, f in runs.items()}
    finals = {k: f() for k, f in runs.items()}

    us = 1e6
    t_tiny = tiny["torch"]
    t_reg = reg.get("torch")
    rows = [
        [
            "(a) (a*b + c).sum() fwd+bwd",
            tiny["deepling"] * us,
            None if t_tiny is None else t_tiny * us,
        ]
        + [tiny["numpy"] * us, *_ratios(tiny["deepling"], t_tiny, tiny["numpy"])],
        [
            "(b) seed 000 regression step",
            reg["deepling.tf"] * us,
            None if t_reg is None else t_reg * us,
        ]
        + [reg["numpy"] * us, *_ratios(reg["deepling.tf"], t_reg, reg["numpy"])],
        ["(b) same, the seed's lists", reg["deepling.tf, seed's lists"] * us, None, None]
        + _ratios(reg["deepling.tf, seed's lists"], t_reg, reg["numpy"]),
    ]
    header = ["workload (us per iteration)", "deepling", "torch", "numpy", "dl/torch", "dl/numpy"]
    title = f"median of {rep} repeats, {clock} clock; torch {torch.__version__ if torch else 'not installed'}"
    print_table(title, header, rows)
    print("\nfinal (w, b) after 301 steps (the tutorial prints 10.6269, 1.161):")
    for k, (w, b) in finals.items():
        print(f"  {k:26s} w = {w:.4f}  b = {b:.4f}")
    print("\ntargets: dl/torch <= 1 on both; dl/numpy <= 3 on (b)")


if __name__ == "__main__":
    main()
