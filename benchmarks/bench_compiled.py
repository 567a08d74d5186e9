"""Compiled training steps beside eager deepling and hand-written NumPy, in one run (issue 16).

Each workload runs three ways, from the same initial values, with the same float32 math:
hand-written NumPy (forward and backward derived on paper), deepling eager, and deepling
compiled (`tf.function`, `deepling.compile`, or Keras's default `compile`). Every run is the
whole program as a user writes it (model, optimizer, compile, loop), so a compiled column
includes its trace; "1st call" is the compiled step's first call, trace included.

(1) regression  seed 000: 301 GradientTape steps of mean((w*x + b - y)**2), assign_sub, lr 0.01
(2) logistic    seed 001: Linear(1, 1) + Sigmoid, BCELoss, SGD lr 0.01, 1001 steps (torch face)
(3) softmax     seed 001: Linear(4, 3), CrossEntropyLoss, SGD lr 0.1, 1001 steps (torch face)
(4) keras_fit   seed 000: Sequential Dense(1), SGD lr 0.01, mse, 300 epochs, batch 32, fit
(5) boston      13-64-32-1 ReLU, MSELoss, Adam 1e-3, batch 32, 100 epochs (torch face)
(6) mnist       784-128-10 ReLU, CrossEntropyLoss, SGD lr 0.1, batch 100, one epoch (torch face)

Before timing, the final loss and weights of every column are printed and must agree (float32
summation order only). BLAS is pinned to one thread, so the default clock counts this thread's
CPU time (steady on a shared machine); `--clock wall` counts waiting too.

    python benchmarks/bench_compiled.py [--quick] [--only NAME[,NAME]] [--repeats 7] [--clock wall]
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time
from pathlib import Path

import numpy as np
from _timing import median_seconds, print_table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import deepling  # noqa: E402
import deepling.nn as nn  # noqa: E402
import deepling.optim  # noqa: E402
import deepling.tf as tf  # noqa: E402
from deepling import keras  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
X_REG = [1, 2, 3, 4, 5, 6, 7, 8, 9]
Y_REG = [11, 22, 33, 44, 53, 66, 77, 87, 95]
X_LOG = [[0], [1], [5], [9], [11], [15], [20]]
Y_LOG = [[0], [0], [0], [0], [1], [1], [1]]
X_SOFT = [[1, 2, 1, 1], [2, 1, 3, 2], [3, 1, 3, 4], [4, 1, 5, 5],
          [1, 7, 5, 5], [1, 2, 5, 6], [1, 6, 6, 6], [1, 7, 7, 7]]  # fmt: skip
Y_SOFT = [0, 0, 0, 1, 1, 1, 2, 2]
F32 = np.float32


# --- which compiler is there today ---
def _tf_function_traces() -> bool:
    """TF semantics: a Python side effect runs while tracing, not on every call (deepling
    records each kind of call twice, so it runs on the first two calls)."""
    calls = []

    def f(x):
        calls.append(1)
        return x + 1

    g = tf.function(f)
    for k in range(4):
        g(tf.constant(float(k)))
    return len(calls) <= 2


_COMPILE = getattr(deepling, "compile", None)
TORCH_NOTE = "deepling.compile" if _COMPILE else "compile: not available, eager"
TF_NOTE = "tf.function" + ("" if _tf_function_traces() else " (runs eagerly today)")
KERAS_NOTE = "fit, default compile"


def dl_compile(fn):
    return fn if _COMPILE is None else _COMPILE(fn)


class FirstCall:
    """Wraps a step to time its first call (the trace); only used in the checking pass."""

    def __init__(self, fn):
        self.fn, self.seconds = fn, None

    def __call__(self, *args):
        if self.seconds is not None:
            return self.fn(*args)
        start = time.perf_counter()
        out = self.fn(*args)
        self.seconds = time.perf_counter() - start
        return out


def _flat(loss, params) -> np.ndarray:
    """One vector: the final loss, then every parameter."""
    arrays = [np.asarray(p, F32).ravel() for p in params]
    return np.concatenate([np.array([float(loss)], F32), *arrays])


def _dl_params(model):
    return [p.detach().numpy() for p in model.parameters()]


# --- (1) seed 000's GradientTape regression ---
def regression(steps):
    x, y = np.array(X_REG, F32), np.array(Y_REG, F32)
    lr = F32(0.01)

    def by_hand():
        w, b = F32(4.0), F32(1.0)
        for _ in range(steps):
            e = w * x + b - y  # cost = mean(e**2); d/dw = mean(2 e x), d/db = mean(2 e)
            cost = np.mean(e * e)
            w, b = w - lr * np.mean(2 * e * x), b - lr * np.mean(2 * e)
        return _flat(cost, [w, b])

    def ours(wrap):
        xt, yt = tf.constant(X_REG, tf.float32), tf.constant(Y_REG, tf.float32)
        w, b = tf.Variable(4.0), tf.Variable(1.0)

        def step():
            with tf.GradientTape() as tape:
                cost = tf.reduce_mean(tf.square(w * xt + b - yt))
            gw, gb = tape.gradient(cost, [w, b])
            w.assign_sub(0.01 * gw)
            b.assign_sub(0.01 * gb)
            return cost

        step = wrap(step)
        for _ in range(steps):
            cost = step()
        return _flat(cost.numpy(), [w.numpy(), b.numpy()])

    return by_hand, ours, tf.function, TF_NOTE


# --- (2), (3) seed 001's regressions, torch face ---
def _seed_loop(model, loss_fn, optimizer, x, y, steps, wrap):
    def step():
        y_pred = model(x)
        loss = loss_fn(y_pred, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss

    step = wrap(step)
    for _ in range(steps):
        loss = step()
    return _flat(loss.item(), _dl_params(model))


def logistic(steps):
    def model():
        deepling.manual_seed(10)  # the seed's torch.manual_seed(10)
        return nn.Sequential(nn.Linear(1, 1), nn.Sigmoid())

    def by_hand():
        x, y = np.array(X_LOG, F32), np.array(Y_LOG, F32)
        w, b = (p.copy() for p in _dl_params(model()))
        for _ in range(steps):
            p = 1 / (1 + np.exp(-(x @ w.T + b)))
            with np.errstate(divide="ignore"):  # p rounds to 1 at x = 20: log 0, clamped as torch
                logs = np.maximum(np.log(p), -100), np.maximum(np.log1p(-p), -100)
            loss = -np.mean(y * logs[0] + (1 - y) * logs[1])
            gz = (p - y) / F32(len(x))  # d BCE(sigmoid(z)) / dz
            w -= F32(0.01) * (gz.T @ x)
            b -= F32(0.01) * gz.sum(0)
        return _flat(loss, [w, b])

    def ours(wrap):
        m = model()
        x, y = deepling.FloatTensor(X_LOG), deepling.FloatTensor(Y_LOG)
        opt = deepling.optim.SGD(m.parameters(), lr=0.01)
        return _seed_loop(m, nn.BCELoss(), opt, x, y, steps, wrap)

    return by_hand, ours, dl_compile, TORCH_NOTE


def _softmax_ce(z, labels):
    """Mean cross-entropy of logits z, and its gradient (softmax - onehot) / N."""
    rows, g = np.arange(len(z)), F32(1) / F32(len(z))
    shifted = z - z.max(1, keepdims=True)
    e = np.exp(shifted)
    total = e.sum(1)
    loss = (np.log(total).sum() - shifted[rows, labels].sum()) / F32(len(z))
    gz = e / total[:, None] * g
    gz[rows, labels] -= g
    return loss, gz


def softmax(steps):
    def model():
        deepling.manual_seed(10)
        return nn.Sequential(nn.Linear(4, 3))

    def by_hand():
        x, labels = np.array(X_SOFT, F32), np.array(Y_SOFT)
        w, b = (p.copy() for p in _dl_params(model()))
        for _ in range(steps):
            loss, gz = _softmax_ce(x @ w.T + b, labels)
            w -= F32(0.1) * (gz.T @ x)
            b -= F32(0.1) * gz.sum(0)
        return _flat(loss, [w, b])

    def ours(wrap):
        m = model()
        x, y = deepling.FloatTensor(X_SOFT), deepling.LongTensor(Y_SOFT)
        opt = deepling.optim.SGD(m.parameters(), lr=0.1)
        return _seed_loop(m, nn.CrossEntropyLoss(), opt, x, y, steps, wrap)

    return by_hand, ours, dl_compile, TORCH_NOTE


# --- (4) seed 000's Keras regression ---
def keras_fit(epochs):
    def model(run_eagerly):
        keras.utils.set_random_seed(0)
        m = keras.Sequential([keras.layers.Dense(1, input_dim=1, activation="linear")])
        sgd = keras.optimizers.SGD(learning_rate=0.01)
        m.compile(optimizer=sgd, loss="mse", metrics=["mse"], run_eagerly=run_eagerly)
        return m

    def by_hand():  # 9 rows < batch 32: one update per epoch
        x, y = np.array(X_REG, F32)[:, None], np.array(Y_REG, F32)[:, None]
        kernel, bias = model(True).get_weights()
        for _ in range(epochs):
            e = x @ kernel + bias - y
            loss = np.mean(e * e)
            g = 2 * e / F32(len(x))
            kernel -= F32(0.01) * (x.T @ g)
            bias -= F32(0.01) * g.sum(0)
        return _flat(loss, [kernel, bias])

    def ours(run_eagerly):
        m = model(run_eagerly)
        history = m.fit(X_REG, Y_REG, epochs=epochs, verbose=0)
        return _flat(history.history["loss"][-1], m.get_weights())

    return by_hand, ours, False, KERAS_NOTE


# --- (5) Boston MLP with Adam, (6) MNIST MLP with SGD, torch face ---
def _mlp(sizes):
    layers = []
    for n_in, n_out in zip(sizes, sizes[1:]):
        layers += [nn.Linear(n_in, n_out), nn.ReLU()]
    return nn.Sequential(*layers[:-1])


def _mlp_by_hand(params, x, y, loss_grad):
    """Forward and backward of Linear/ReLU layers by hand: the loss and one grad per param."""
    hs = [x]
    for i in range(0, len(params), 2):
        z = hs[-1] @ params[i].T
        z += params[i + 1]
        hs.append(np.maximum(z, 0, out=z) if i + 2 < len(params) else z)
    loss, g = loss_grad(hs.pop(), y)
    grads = []
    for i in range(len(params) - 2, -1, -2):
        grads[:0] = [g.T @ hs[-1], g.sum(0)]
        h = hs.pop()
        if i:
            g = (g @ params[i]) * (h > 0)  # relu'(0) = 0
    return loss, grads


def _mse(out, y):
    e = out - y
    return np.mean(e * e), 2 * e / F32(e.size)


def _adam(params, grads, state, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8):
    """torch.optim.Adam, in deepling's order: p -= lr r2/c1 * m / (sqrt(v) + eps r2)."""
    state["t"] += 1
    t = state["t"]
    scale, eps_hat = lr * (1 - b2**t) ** 0.5 / (1 - b1**t), eps * (1 - b2**t) ** 0.5
    for p, g, m, v in zip(params, grads, state["m"], state["v"]):
        m *= b1
        m += (1 - b1) * g
        v *= b2
        v += (1 - b2) * g * g
        denom = np.sqrt(v)
        denom += eps_hat
        p -= scale * m / denom


def _torch_face_mlp(sizes, x, y, batches, loss_fn, make_opt, by_hand_update, loss_grad):
    def model():
        deepling.manual_seed(0)
        return _mlp(sizes)

    def by_hand():
        params = [p.copy() for p in _dl_params(model())]
        state = {"t": 0, "m": [np.zeros_like(p) for p in params]}
        state["v"] = [np.zeros_like(p) for p in params]
        for idx in batches:
            loss, grads = _mlp_by_hand(params, x[idx], y[idx], loss_grad)
            by_hand_update(params, grads, state)
        return _flat(loss, params)

    def ours(wrap):
        m = model()
        opt = make_opt(m.parameters())

        def step(xb, yb):
            opt.zero_grad()
            loss = loss_fn(m(xb), yb)
            loss.backward()
            opt.step()
            return loss

        step = wrap(step)
        for idx in batches:
            loss = step(deepling.from_numpy(x[idx]), deepling.from_numpy(y[idx]))
        return _flat(loss.item(), _dl_params(m))

    return by_hand, ours, dl_compile, TORCH_NOTE


def boston(epochs):
    table = np.loadtxt(DATA / "boston_housing.csv", delimiter=",", skiprows=1, dtype=F32)[:404]
    x, y = table[:, :13], table[:, 13:]
    x = (x - x.mean(0)) / x.std(0)
    rng = np.random.default_rng(0)  # one fixed shuffle per epoch, the same for every column
    batches = [o[i : i + 32] for o in (rng.permutation(404) for _ in range(epochs))
               for i in range(0, 404, 32)]  # fmt: skip
    make_opt = lambda params: deepling.optim.Adam(params, lr=1e-3)  # noqa: E731
    return _torch_face_mlp((13, 64, 32, 1), x, y, batches, nn.MSELoss(), make_opt, _adam, _mse)


def _read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(data[3]))
    return np.frombuffer(data, np.uint8, offset=4 + 4 * data[3]).reshape(shape)


def mnist(samples):
    images = _read_idx(DATA / "mnist" / "train-images-idx3-ubyte.gz")[:samples]
    x = images.reshape(len(images), 784).astype(F32) / F32(255)
    y = _read_idx(DATA / "mnist" / "train-labels-idx1-ubyte.gz")[:samples].astype(np.int64)
    batches = [slice(i, i + 100) for i in range(0, samples, 100)]
    make_opt = lambda params: deepling.optim.SGD(params, lr=0.1)  # noqa: E731

    def sgd(params, grads, _):
        for p, g in zip(params, grads):
            p -= F32(0.1) * g

    loss = nn.CrossEntropyLoss()
    return _torch_face_mlp((784, 128, 10), x, y, batches, loss, make_opt, sgd, _softmax_ce)


# name: (label, builder, full size, quick size, rtol/atol of the agreement check, target)
WORKLOADS = {
    "regression": ("(1) seed 000 tape regression", regression, 301, 301, 1e-4, 1.5),
    "logistic": ("(2) seed 001 logistic", logistic, 1001, 301, 1e-4, 1.5),
    "softmax": ("(3) seed 001 softmax", softmax, 1001, 301, 1e-4, 1.5),
    "keras_fit": ("(4) seed 000 Keras fit", keras_fit, 300, 100, 1e-4, 2.0),
    "boston": ("(5) Boston MLP, Adam", boston, 100, 20, 1e-3, 1.2),
    "mnist": ("(6) MNIST MLP, SGD", mnist, 60000, 10000, 1e-3, 1.05),
}
HEADER = ["workload", "numpy", "eager", "compiled", "1st call", "eager/np", "compiled/np",
          "target", "compiled by"]  # fmt: skip
SIZE_UNIT = {"regression": "steps", "logistic": "steps", "softmax": "steps",
             "keras_fit": "epochs", "boston": "epochs", "mnist": "images"}  # fmt: skip


def check(name, label, runs, tol):
    """Run each column once; print the final loss and weights; assert they agree."""
    finals = {k: run() for k, run in runs.items()}
    ref = finals["numpy"]
    print(f"\n{label}: final loss, the first weights; the largest difference from NumPy's")
    for k, v in finals.items():
        shown = " ".join(f"{a:.6g}" for a in v[:5]) + (" ..." if len(v) > 5 else "")
        print(f"  {k:9s} {shown}  (max |diff| {np.max(np.abs(v - ref)):.2g})")
    for k, v in finals.items():
        assert np.allclose(v, ref, rtol=tol, atol=tol), f"{name}: {k} differs from NumPy's"
    same = np.array_equal(finals["eager"], finals["compiled"])
    diff = float(np.max(np.abs(finals["eager"] - finals["compiled"])))
    print(f"  compiled vs eager: {'bit-identical' if same else f'max |diff| {diff:.3g}'}")


def measure(name, size, args):
    label, build, *_, tol, target = WORKLOADS[name]
    by_hand, ours, wrap, note = build(size)
    first = []

    def traced(fn):  # the checking pass times the compiled step's first call
        first.append(FirstCall(wrap(fn)))
        return first[-1]

    keras_fit = wrap is False  # eager = compile(run_eagerly=True), compiled = the default
    eager = (lambda: ours(True)) if keras_fit else (lambda: ours(lambda f: f))
    compiled = (lambda: ours(False)) if keras_fit else (lambda: ours(wrap))
    check(name, label, {"numpy": by_hand, "eager": eager,
                        "compiled": compiled if keras_fit else lambda: ours(traced)}, tol)  # fmt: skip
    secs = [median_seconds(run, repeats=args.repeats, warmup=0, clock=args.clock)
            for run in (by_hand, eager, compiled)]  # fmt: skip
    first_ms = first[-1].seconds * 1e3 if first else None
    return [f"{label}, {size} {SIZE_UNIT[name]}", *(s * 1e3 for s in secs), first_ms,
            round(secs[1] / secs[0], 2), round(secs[2] / secs[0], 2), f"<= {target}", note]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, steps and epochs")
    parser.add_argument("--only", default="", help=f"comma-separated, of: {', '.join(WORKLOADS)}")
    parser.add_argument("--repeats", type=int, default=None)
    # with BLAS on one thread all the work is this thread's: its CPU time ignores other jobs
    parser.add_argument("--clock", choices=["wall", "cpu"], default="cpu")
    args = parser.parse_args()
    args.repeats = args.repeats or (3 if args.quick else 7)
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(WORKLOADS)
    unknown = set(names) - set(WORKLOADS)
    if unknown:
        parser.error(f"unknown workload(s) {sorted(unknown)}; choose from {list(WORKLOADS)}")
    deepling.set_num_threads(1)
    blas, threads = deepling.threads.blas_info(), deepling.get_num_threads()
    print(f"BLAS: {blas['internal_api']} {blas.get('version')}, {threads} thread(s)")
    print(f"compilers: torch face {TORCH_NOTE}; TF face {TF_NOTE}; Keras {KERAS_NOTE}")
    rows = [measure(n, WORKLOADS[n][3 if args.quick else 2], args) for n in names]
    title = f"ms per whole run (median of {args.repeats}, {args.clock} clock, 1 BLAS thread)"
    print_table(title, HEADER, rows)
    print("\n'1st call': the compiled step's first call (the trace), inside the compiled time.")
    print("targets (issue 16) are for compiled/np.")


if __name__ == "__main__":
    main()
