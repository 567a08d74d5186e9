"""The torch face beside PyTorch and hand-written NumPy, on seed 001's programs, in one run.

(a) seed 001's logistic regression: Linear(1, 1) + Sigmoid, BCELoss, SGD lr 0.01, 1001
    full-batch steps on 7 points.
(b) seed 001's softmax regression: Linear(4, 3), CrossEntropyLoss, SGD lr 0.1, 1001 steps.
    NumPy does (a) and (b) by hand: forward, the gradient worked out, the update.
(c) a 13-64-32-1 ReLU MLP on Boston housing (404 rows, standardized), MSE, Adam lr 1e-3,
    batch 32, DataLoader(shuffle=True), 100 epochs: deepling against PyTorch.

Targets (issue 3): (a), (b) deepling at least 2x faster than PyTorch and within 3x of NumPy;
(c) deepling at least as fast as PyTorch.

    python benchmarks/bench_torch_face.py [--repeats 5] [--torch-threads N]
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

import numpy as np
from _timing import median_seconds, print_table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import deepling  # noqa: E402
import deepling.nn  # noqa: E402
import deepling.optim  # noqa: E402
import deepling.utils.data  # noqa: E402

torch = None
if importlib.util.find_spec("torch") is not None:
    import torch
    import torch.utils.data

X_LOG = [[0], [1], [5], [9], [11], [15], [20]]
Y_LOG = [[0], [0], [0], [0], [1], [1], [1]]
X_SOFT = [[1, 2, 1, 1], [2, 1, 3, 2], [3, 1, 3, 4], [4, 1, 5, 5],
          [1, 7, 5, 5], [1, 2, 5, 6], [1, 6, 6, 6], [1, 7, 7, 7]]  # fmt: skip
Y_SOFT = [0, 0, 0, 1, 1, 1, 2, 2]
EPOCHS = 1000


# --- (a), (b): the seed's programs, the same text for both frameworks ---
def logistic(fw):
    x_train, y_train = fw.FloatTensor(X_LOG), fw.FloatTensor(Y_LOG)
    model = fw.nn.Sequential(fw.nn.Linear(1, 1), fw.nn.Sigmoid())
    optimizer = fw.optim.SGD(model.parameters(), lr=0.01)
    for _ in range(EPOCHS + 1):
        y_pred = model(x_train)
        loss = fw.nn.BCELoss()(y_pred, y_train)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss.item()


def softmax(fw):
    x_train, y_train = fw.FloatTensor(X_SOFT), fw.LongTensor(Y_SOFT)
    model = fw.nn.Sequential(fw.nn.Linear(4, 3))
    optimizer = fw.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(EPOCHS + 1):
        y_pred = model(x_train)
        loss = fw.nn.CrossEntropyLoss()(y_pred, y_train)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss.item()


# --- (a), (b) by hand in NumPy: float32, gradients derived on paper ---
def _init(rng, n_in, n_out):
    bound = 1 / np.sqrt(n_in)
    w = rng.uniform(-bound, bound, (n_out, n_in)).astype(np.float32)
    return w, rng.uniform(-bound, bound, n_out).astype(np.float32)


def logistic_numpy(_=None):
    x, y = np.array(X_LOG, np.float32), np.array(Y_LOG, np.float32)
    w, b = _init(np.random.default_rng(0), 1, 1)
    for _ in range(EPOCHS + 1):
        p = 1 / (1 + np.exp(-(x @ w.T + b)))  # forward
        loss = -np.mean(y * np.maximum(np.log(p), -100) + (1 - y) * np.maximum(np.log1p(-p), -100))
        gz = (p - y) / len(x)  # d BCE(sigmoid(z)) / dz
        w -= 0.01 * (gz.T @ x)
        b -= 0.01 * gz.sum(0)
    return float(loss)


def softmax_numpy(_=None):
    x, labels = np.array(X_SOFT, np.float32), np.array(Y_SOFT)
    w, b = _init(np.random.default_rng(0), 4, 3)
    rows = np.arange(len(x))
    for _ in range(EPOCHS + 1):
        z = x @ w.T + b
        z = z - z.max(1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(1, keepdims=True))
        loss = -logp[rows, labels].mean()
        gz = np.exp(logp)  # d CE / dz = (softmax - onehot) / N
        gz[rows, labels] -= 1
        gz /= len(x)
        w -= 0.1 * (gz.T @ x)
        b -= 0.1 * gz.sum(0)
    return float(loss)


# --- (c) an MLP with a shuffled DataLoader ---
def boston():
    path = ROOT.parent / "shared" / "data" / "boston_housing.csv"
    if path.exists():
        table = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float32)[:404]
    else:  # Boston's shape, random values
        table = np.random.default_rng(0).normal(size=(404, 14)).astype(np.float32)
    x, y = table[:, :13], table[:, 13:]
    return (x - x.mean(0)) / x.std(0), y


def mlp(fw, data):
    x, y = data
    dataset = fw.utils.data.TensorDataset(fw.from_numpy(x), fw.from_numpy(y))
    loader = fw.utils.data.DataLoader(dataset, batch_size=32, shuffle=True)
    nn = fw.nn
    model = nn.Sequential(
        nn.Linear(13, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 1)
    )
    optimizer = fw.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.MSELoss()
    for _ in range(100):
        for xb, yb in loader:
            loss = loss_fn(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    with fw.no_grad():  # the final loss on all rows, a sanity check beside the times
        return loss_fn(model(dataset.tensors[0]), dataset.tensors[1]).item()


def _time(program, fw, repeats):
    loss = program(fw)
    return median_seconds(lambda: program(fw), repeats=repeats, warmup=0), loss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--torch-threads", type=int, default=None)
    args = parser.parse_args()
    if torch is not None and args.torch_threads:
        torch.set_num_threads(args.torch_threads)
    deepling.manual_seed(0)
    data = boston()
    workloads = [
        ("(a) logistic, 1001 steps", logistic, logistic_numpy),
        ("(b) softmax, 1001 steps", softmax, softmax_numpy),
        ("(c) MLP 13-64-32-1, 100 epochs", lambda fw: mlp(fw, data), None),
    ]
    rows = []
    for name, program, by_hand in workloads:
        ours, ours_loss = _time(program, deepling, args.repeats)
        theirs, theirs_loss = _time(program, torch, args.repeats) if torch else (None, None)
        hand, _ = _time(by_hand, None, args.repeats) if by_hand else (None, None)
        rows.append([name, ours, theirs, hand, theirs and theirs / ours, hand and ours / hand,
                     f"{ours_loss:.4g}", theirs_loss and f"{theirs_loss:.4g}"])  # fmt: skip
    threads = f", torch threads {torch.get_num_threads()}" if torch else ""
    print_table(
        f"seconds per program run (median of {args.repeats}{threads})",
        [
            "workload",
            "deepling",
            "torch",
            "numpy",
            "torch/deepling",
            "deepling/numpy",
            "deepling loss",
            "torch loss",
        ],  # fmt: skip
        rows,
    )


if __name__ == "__main__":
    main()
