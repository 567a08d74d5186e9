"""Vision workloads: deepling beside PyTorch (1 thread, and its default) and a hand-written
NumPy im2col, side by side in one run.

(a) a LeNet training step: batch 64 of 1x28x28, conv 6 and 16 of 5x5 with ReLU and 2x2 max
    pooling, dense 256-120-84-10, cross-entropy, SGD lr 0.01; all three from the same weights.
(b) one convolution layer's forward and backward (input and weight gradients) at a few sizes.
(c) peak memory of LeNet training on MNIST (a fresh process per framework): the whole train set
    as float32, then `--memory-steps` steps of batch 64.

Targets (issue 12): (a) deepling at most 1.5x PyTorch's 1-thread time, and faster than the
hand-written im2col; (c) within 2x of PyTorch's memory.

    python benchmarks/bench_vision.py [--repeats 7] [--clock cpu] [--threads 1]
                                      [--memory-steps 300] [--no-memory]

`--threads N` limits NumPy's BLAS (deepling and the NumPy column) to N threads (default 1, to
compare with PyTorch on 1 thread); 0 leaves BLAS's default.
"""

from __future__ import annotations

import os
import sys

if __name__ == "__main__":  # BLAS reads its thread count when NumPy loads: set it first
    _threads = sys.argv[sys.argv.index("--threads") + 1] if "--threads" in sys.argv else "1"
    if _threads != "0":  # NumPy's OpenBLAS only: PyTorch keeps its own default (OpenMP)
        os.environ["OPENBLAS_NUM_THREADS"] = _threads

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from _timing import CLOCKS, print_table  # noqa: E402
from numpy.lib.stride_tricks import as_strided  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import deepling as dl  # noqa: E402
import deepling.nn  # noqa: E402
import deepling.nn.functional  # noqa: E402
import deepling.optim  # noqa: E402

torch = None
if importlib.util.find_spec("torch") is not None:
    import torch

BATCH = 64


# --- the hand-written NumPy baseline: the textbook im2col, gradients worked out by hand ---
# Convolution: the windows copied into an (N*Ho*Wo, C*k*k) matrix, one product with the
# weight; backward: the weight's gradient from the same matrix, the input's gradient added
# back tap by tap (col2im). Max pooling over 2x2 blocks by reshaping, backward through the
# mask of the maxima. float32 throughout.
def im2col(x, k, stride=1, pad=0):
    if pad:
        x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    n, c, h, w = x.shape
    ho, wo = (h - k) // stride + 1, (w - k) // stride + 1
    s0, s1, s2, s3 = x.strides
    view = as_strided(x, (n, ho, wo, c, k, k), (s0, s2 * stride, s3 * stride, s1, s2, s3))
    return np.ascontiguousarray(view).reshape(n * ho * wo, c * k * k), ho, wo


def col2im(cols, shape, k, ho, wo, stride=1, pad=0):
    n, c, h, w = shape
    cols = cols.reshape(n, ho, wo, c, k, k)
    out = np.zeros((n, c, h + 2 * pad, w + 2 * pad), cols.dtype)
    for i in range(k):
        for j in range(k):
            out[:, :, i : i + stride * ho : stride, j : j + stride * wo : stride] += cols[
                :, :, :, :, i, j
            ].transpose(0, 3, 1, 2)
    return out[:, :, pad : pad + h, pad : pad + w]


def conv_forward(x, w, b, stride=1, pad=0):
    o, k = w.shape[0], w.shape[2]
    cols, ho, wo = im2col(x, k, stride, pad)
    y = cols @ w.reshape(o, -1).T
    if b is not None:
        y += b
    return y.reshape(x.shape[0], ho, wo, o).transpose(0, 3, 1, 2), cols


def conv_backward(gy, cols, x_shape, w, stride=1, pad=0):
    o, k = w.shape[0], w.shape[2]
    ho, wo = gy.shape[2:]
    g = gy.transpose(0, 2, 3, 1).reshape(-1, o)
    gw = (g.T @ cols).reshape(w.shape)
    gx = col2im(g @ w.reshape(o, -1), x_shape, k, ho, wo, stride, pad)
    return gx, gw, g.sum(axis=0)


def conv_numpy(x, w, gy, stride, pad):
    """One conv layer's forward and both gradients ((b))."""
    _, cols = conv_forward(x, w, None, stride, pad)
    return conv_backward(gy, cols, x.shape, w, stride, pad)


def pool_forward(x):
    n, c, h, w = x.shape
    blocks = x.reshape(n, c, h // 2, 2, w // 2, 2)
    y = blocks.max(axis=(3, 5))
    return y, blocks == y[:, :, :, None, :, None]


def pool_backward(gy, mask):
    n, c, h, w = gy.shape
    return (mask * gy[:, :, :, None, :, None]).reshape(n, c, 2 * h, 2 * w)


class NumpyLeNet:
    """LeNet with PyTorch's parameter names and layouts; `step` does one SGD step."""

    def __init__(self, weights):
        self.p = {k: v.astype(np.float32).copy() for k, v in weights.items()}

    def step(self, x, labels, lr):
        p = self.p
        c1, cols1 = conv_forward(x, p["0.weight"], p["0.bias"])
        r1 = np.maximum(c1, 0)
        p1, m1 = pool_forward(r1)
        c2, cols2 = conv_forward(p1, p["3.weight"], p["3.bias"])
        r2 = np.maximum(c2, 0)
        p2, m2 = pool_forward(r2)
        f = p2.reshape(len(x), -1)
        h1 = np.maximum(f @ p["7.weight"].T + p["7.bias"], 0)
        h2 = np.maximum(h1 @ p["9.weight"].T + p["9.bias"], 0)
        z = h2 @ p["11.weight"].T + p["11.bias"]
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        prob = e / e.sum(axis=1, keepdims=True)
        n = len(x)
        loss = -np.log(prob[np.arange(n), labels]).mean()
        gz = prob
        gz[np.arange(n), labels] -= 1
        gz /= n
        g = {"11.weight": gz.T @ h2, "11.bias": gz.sum(0)}
        gh2 = (gz @ p["11.weight"]) * (h2 > 0)
        g["9.weight"], g["9.bias"] = gh2.T @ h1, gh2.sum(0)
        gh1 = (gh2 @ p["9.weight"]) * (h1 > 0)
        g["7.weight"], g["7.bias"] = gh1.T @ f, gh1.sum(0)
        gp2 = (gh1 @ p["7.weight"]).reshape(p2.shape)
        gc2 = pool_backward(gp2, m2) * (c2 > 0)
        gp1, g["3.weight"], g["3.bias"] = conv_backward(gc2, cols2, p1.shape, p["3.weight"])
        gc1 = pool_backward(gp1, m1) * (c1 > 0)
        _, g["0.weight"], g["0.bias"] = conv_backward(gc1, cols1, x.shape, p["0.weight"])
        for key, grad in g.items():
            p[key] -= lr * grad
        return float(loss)


def lenet(nn):
    return nn.Sequential(
        nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
        nn.MaxPool2d(2), nn.Flatten(), nn.Linear(256, 120), nn.ReLU(), nn.Linear(120, 84),
        nn.ReLU(), nn.Linear(84, 10),
    )  # fmt: skip


def _batch(seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((BATCH, 1, 28, 28), np.float32), rng.integers(0, 10, BATCH)


def _step(fw, model, x, y):
    optimizer = fw.optim.SGD(model.parameters(), lr=0.01)

    def step():
        optimizer.zero_grad()
        loss = fw.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    return step


def lenet_steps():
    """One step function per implementation, all from the same weights and batch."""
    x, y = _batch()
    dl.manual_seed(0)
    ours = lenet(dl.nn)
    weights = {k: v.numpy().copy() for k, v in ours.state_dict().items()}
    steps = {"deepling": _step(dl, ours, dl.tensor(x), dl.tensor(y))}
    numpy_net = NumpyLeNet(weights)
    steps["numpy im2col"] = lambda: numpy_net.step(x, y, 0.01)
    if torch is not None:
        theirs = lenet(torch.nn)
        theirs.load_state_dict({k: torch.tensor(v) for k, v in weights.items()})
        steps["torch"] = _step(torch, theirs, torch.tensor(x), torch.tensor(y))
    return steps


CONV_SIZES = [  # (batch, in, size, out, kernel, stride, padding, groups)
    (64, 1, 28, 6, 5, 1, 0, 1),
    (64, 6, 12, 16, 5, 1, 0, 1),
    (32, 32, 16, 64, 3, 1, 1, 1),
    (32, 64, 16, 64, 3, 2, 1, 1),
    (32, 64, 16, 64, 3, 1, 1, 64),
]


def conv_runs(n, c, size, o, k, s, p, groups):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, c, size, size), np.float32)
    w = rng.standard_normal((o, c // groups, k, k), np.float32) * 0.1
    out = (size + 2 * p - k) // s + 1
    gy = rng.standard_normal((n, o, out, out), np.float32)

    def make(fw):
        xt, wt = fw.tensor(x, requires_grad=True), fw.tensor(w, requires_grad=True)
        gyt = fw.tensor(gy)
        conv = fw.nn.functional.conv2d

        def run():
            xt.grad = wt.grad = None
            conv(xt, wt, None, s, p, 1, groups).backward(gyt)

        return run

    runs = {"deepling": make(dl)}
    if groups == 1:
        runs["numpy im2col"] = lambda: conv_numpy(x, w, gy, s, p)
    if torch is not None:
        runs["torch"] = make(torch)
    return runs


def _timed_rows(runs, args, number):
    """Seconds per call of each run (the fastest of the repeats), PyTorch on 1 thread and on
    its default. The runs take turns within each repeat, so a busy machine slows all alike."""
    variants = []
    for name, fn in runs.items():
        if name == "torch":
            default = torch.get_num_threads()
            variants.append(("torch 1 thread", fn, 1))
            variants.append((f"torch {default} threads", fn, default))
        else:
            variants.append((name, fn, None))
    best = {name: float("inf") for name, _, _ in variants}
    for _ in range(args.repeats):
        for name, fn, threads in variants:
            if threads is not None:
                torch.set_num_threads(threads)
            clock = CLOCKS["wall" if threads not in (None, 1) else args.clock]
            fn()  # warm
            start = clock()
            for _ in range(number):
                fn()
            best[name] = min(best[name], (clock() - start) / number)
    return best


# --- (c) memory, in a fresh process per framework ---
def _mnist_images():
    try:
        from deepling.keras.datasets import mnist

        (x, y), _ = mnist.load_data()
        return x, y, "MNIST"
    except Exception:  # offline and no files: random images of MNIST's size
        rng = np.random.default_rng(0)
        return rng.integers(0, 256, (60000, 28, 28), np.uint8), rng.integers(0, 10, 60000), "random"


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def memory_child(name: str, steps: int) -> None:
    fw = dl if name == "deepling" else torch
    if name == "torch":
        torch.set_num_threads(1)
    images, labels, source = _mnist_images()
    x = fw.tensor((images.astype(np.float32) / 255)[:, None])
    y = fw.tensor(labels.astype(np.int64))
    fw.manual_seed(0)
    model = lenet(fw.nn)
    optimizer = fw.optim.SGD(model.parameters(), lr=0.01)
    loaded = _rss_mb()
    for i in range(steps):
        lo = (i * BATCH) % (len(x) - BATCH)
        loss = fw.nn.functional.cross_entropy(model(x[lo : lo + BATCH]), y[lo : lo + BATCH])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"loaded": loaded, "peak": peak, "source": source}))


def memory_rows(steps: int):
    rows = []
    for name in ("deepling", "torch") if torch is not None else ("deepling",):
        out = subprocess.run([sys.executable, __file__, "--memory-child", name, "--memory-steps",
                              str(steps)], capture_output=True, text=True, check=True)  # fmt: skip
        found = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append([name, found["peak"], found["loaded"], found["peak"] - found["loaded"],
                     found["source"]])  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall")
    parser.add_argument("--threads", default="1")
    parser.add_argument("--memory-steps", type=int, default=300)
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--memory-child", choices=["deepling", "torch"])
    args = parser.parse_args()
    if args.memory_child:
        return memory_child(args.memory_child, args.memory_steps)

    steps = lenet_steps()
    losses = {name.split(" ")[0]: [fn() for _ in range(3)] for name, fn in lenet_steps().items()}
    times = _timed_rows(steps, args, number=10)
    t1 = times.get("torch 1 thread")
    header = ["implementation", "ms per step", "x torch 1 thread", "losses of steps 1-3"]
    rows = [[name, t * 1e3, None if t1 is None else round(t / t1, 2),
             " ".join(f"{v:.5f}" for v in losses.get(name.split(" ")[0], []))]
            for name, t in times.items()]  # fmt: skip
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    print_table(f"(a) LeNet training step, batch {BATCH} (best of {args.repeats}, {args.clock} "
                f"clock; NumPy BLAS threads: {threads})", header, rows)  # fmt: skip

    rows = []
    for spec in CONV_SIZES:
        t = _timed_rows(conv_runs(*spec), args, number=5)
        base = t.get("torch 1 thread")
        n, c, size, o, k, s, p, g = spec
        label = f"{n}x{c}x{size}x{size} -> {o}, k{k} s{s} p{p}" + (f" g{g}" if g > 1 else "")
        rows.append([label] + [t.get(name, None) and t[name] * 1e3 for name in
                     ("deepling", "numpy im2col", "torch 1 thread")]
                    + [None if base is None else round(t["deepling"] / base, 2)])  # fmt: skip
    print_table(
        "(b) conv2d forward + backward (input and weight gradients), ms",
        ["layer", "deepling", "numpy im2col", "torch 1 thread", "dl / torch"],
        rows,
    )
    if not args.no_memory:
        print_table(f"(c) LeNet on MNIST, {args.memory_steps} steps of {BATCH}: memory, MB",
                    ["framework", "peak RSS", "after loading", "growth in training", "data"],
                    memory_rows(args.memory_steps))  # fmt: skip
    print("\ntargets: (a) deepling <= 1.5x torch 1 thread and < numpy im2col; (c) within 2x")


if __name__ == "__main__":
    main()
