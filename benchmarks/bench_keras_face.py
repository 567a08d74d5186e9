"""The Keras face's `fit` beside deepling's own hand-written loop, PyTorch and Keras, in one run.

(a) seed 000's Keras linear regression: Dense(1, input_dim=1), SGD lr 0.01, mse, 300 epochs
    on 9 points (one batch per epoch), verbose=0.
(b) seed 004's Boston model: 13-64-32-1 ReLU, Adam, mse, batch 32, 100 epochs on 404 rows.

Each workload runs as `model.fit` (deepling.keras; Keras when installed), as a hand-written
deepling loop over the same Keras layers (forward, the same loss, `grad`, `apply_gradients`),
and as the usual PyTorch loop. Targets (issue 4): fit at least 100x faster than Keras's, at
least 2x faster than PyTorch's loop on (a), and at most 1.5x deepling's hand-written loop.

    python benchmarks/bench_keras_face.py [--repeats 5] [--torch-threads 1]
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
from deepling import keras as dkeras  # noqa: E402

torch = importlib.import_module("torch") if importlib.util.find_spec("torch") else None
keras = None
if importlib.util.find_spec("keras") is not None:  # real Keras needs a backend (TF/JAX/torch)
    try:
        keras = importlib.import_module("keras")
    except Exception:  # noqa: BLE001 (a broken backend install: leave the column empty)
        keras = None

X_LIN = np.arange(1, 10, dtype=np.float32)[:, None]
Y_LIN = np.array([11, 22, 33, 44, 53, 66, 77, 87, 95], np.float32)[:, None]


def boston():
    x = np.random.default_rng(0).normal(size=(404, 13)).astype(np.float32)
    y = (x @ np.linspace(-2, 2, 13) + 22).astype(np.float32)[:, None]
    return x, y


def linear_model(k):
    model = k.Sequential([k.layers.Dense(1, input_dim=1, activation="linear")])
    model.compile(optimizer=k.optimizers.SGD(learning_rate=0.01), loss="mse")
    return model


def boston_model(k):
    model = k.Sequential([k.layers.Dense(64, activation="relu", input_shape=(13,)),
                          k.layers.Dense(32, activation="relu"), k.layers.Dense(1)])  # fmt: skip
    model.compile(optimizer="adam", loss="mse")
    return model


def fit(k, make, x, y, epochs, batch):
    model = make(k)
    model.fit(x, y, epochs=epochs, batch_size=batch, verbose=0)
    return float(model.evaluate(x, y, verbose=0))


def hand(make, x, y, epochs, batch):
    """The same model, loss and optimizer, driven by a plain loop (no fit conveniences)."""
    model = make(dkeras)
    loss_fn, opt = dkeras.losses.get("mse"), model.optimizer
    params = [p for p in model.parameters() if p.requires_grad]
    rng = np.random.default_rng(0)
    for _ in range(epochs):
        order = rng.permutation(len(x)) if len(x) > batch else slice(None)
        xs, ys = x[order], y[order]
        for i in range(0, len(x), batch):
            loss = loss_fn(ys[i : i + batch], model(deepling.from_numpy(xs[i : i + batch])))
            opt.apply_gradients(zip(deepling.grad(loss, params), params))
    return float(loss)


def torch_loop(x, y, epochs, batch, boston_sized):
    nn = torch.nn
    if boston_sized:
        model = nn.Sequential(
            nn.Linear(13, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 1)
        )
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    else:
        model, opt = nn.Linear(1, 1), None
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
    xt, yt, loss_fn = torch.from_numpy(x), torch.from_numpy(y), nn.MSELoss()
    for _ in range(epochs):
        order = torch.randperm(len(x)) if len(x) > batch else slice(None)
        xs, ys = xt[order], yt[order]
        for i in range(0, len(x), batch):
            loss = loss_fn(model(xs[i : i + batch]), ys[i : i + batch])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return loss.item()


def measure(name, make, x, y, epochs, batch, big, repeats):
    """One table row: the four timings and their ratios."""
    ours = median_seconds(lambda: fit(dkeras, make, x, y, epochs, batch), repeats=repeats)
    own_loop = median_seconds(lambda: hand(make, x, y, epochs, batch), repeats=repeats)
    theirs = real = None
    if torch is not None:
        theirs = median_seconds(lambda: torch_loop(x, y, epochs, batch, big), repeats=repeats)
    if keras is not None:  # slow: once is enough for a 100x question
        real = median_seconds(lambda: fit(keras, make, x, y, epochs, batch), repeats=1)
    return [name, ours, own_loop, theirs, real, ours / own_loop,
            theirs and theirs / ours, real and real / ours]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--torch-threads", type=int, default=1)
    args = parser.parse_args()
    if torch is not None:
        torch.set_num_threads(args.torch_threads)
    xb, yb = boston()
    workloads = [
        ("(a) seed 000 linear, 300 epochs", linear_model, X_LIN, Y_LIN, 300, 32, False),
        ("(b) Boston 13-64-32-1, 100 epochs", boston_model, xb, yb, 100, 32, True),
    ]
    rows = [measure(*w, repeats=args.repeats) for w in workloads]
    print_table(
        f"seconds per run (median of {args.repeats}; torch threads {args.torch_threads})",
        [
            "workload",
            "deepling fit",
            "deepling loop",
            "torch loop",
            "keras fit",
            "fit/loop",
            "torch/fit",
            "keras/fit",
        ],  # fmt: skip
        rows,
    )


if __name__ == "__main__":
    main()
