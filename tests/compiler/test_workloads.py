"""The workloads of benchmarks/bench_compiled.py, shortened: compiled and eager give the same
numbers, bit for bit, and the compiled runs did replay (a program exists)."""

from __future__ import annotations

import copy

import numpy as np

import deepling as dl
from deepling import keras, nn

X_LOG = [[0], [1], [5], [9], [11], [15], [20]]  # seed 001's logistic regression
Y_LOG = [[0], [0], [0], [0], [1], [1], [1]]
X_SOFT = [[1, 2, 1, 1], [2, 1, 3, 2], [3, 1, 3, 4], [4, 1, 5, 5],
          [1, 7, 5, 5], [1, 2, 5, 6], [1, 6, 6, 6], [1, 7, 7, 7]]  # fmt: skip
Y_SOFT = [0, 0, 0, 1, 1, 1, 2, 2]


def _step(model, loss_fn, opt):
    def step(x, y):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return step


def _both(make_model, make_opt, loss_fn, batches):
    """Train a model and its copy on the same batches, eagerly and compiled; the compiled
    function, and the two models."""
    dl.manual_seed(10)
    eager_model = make_model()
    model = copy.deepcopy(eager_model)
    eager = _step(eager_model, loss_fn, make_opt(eager_model))
    compiled = dl.compile(_step(model, loss_fn, make_opt(model)))
    for x, y in batches:
        assert eager(x, y).item() == compiled(x, y).item()
    for (name, a), (_, b) in zip(eager_model.state_dict().items(), model.state_dict().items()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=name)
    assert compiled.programs
    return compiled


def test_seed_001_logistic_regression():
    x, y = dl.FloatTensor(X_LOG), dl.FloatTensor(Y_LOG)
    _both(lambda: nn.Sequential(nn.Linear(1, 1), nn.Sigmoid()),
          lambda m: dl.optim.SGD(m.parameters(), lr=0.01), nn.BCELoss(), [(x, y)] * 30)  # fmt: skip


def test_seed_001_softmax_regression():
    x, y = dl.FloatTensor(X_SOFT), dl.LongTensor(Y_SOFT)
    _both(lambda: nn.Sequential(nn.Linear(4, 3)), lambda m: dl.optim.SGD(m.parameters(), lr=0.1),
          nn.CrossEntropyLoss(), [(x, y)] * 30)  # fmt: skip


def test_boston_mlp_with_adam_and_a_short_last_batch():
    (x, y), _ = keras.datasets.boston_housing.load_data()
    x = ((x - x.mean(0)) / x.std(0)).astype(np.float32)
    y = y.astype(np.float32)[:, None]
    order = np.random.default_rng(0).permutation(len(x))
    batches = [(dl.tensor(x[order[i : i + 32]]), dl.tensor(y[order[i : i + 32]]))
               for i in range(0, len(x), 32)] * 2  # fmt: skip
    compiled = _both(
        lambda: nn.Sequential(nn.Linear(13, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(),
                              nn.Linear(32, 1)),
        lambda m: dl.optim.Adam(m.parameters(), lr=1e-3), nn.MSELoss(), batches,
    )  # fmt: skip
    assert len(compiled.programs) == 2  # 32 rows, and the last 20


def test_an_mnist_sized_mlp_with_sgd():
    rng = np.random.default_rng(1)
    batches = [(dl.tensor(rng.random((100, 784), np.float32)), dl.tensor(rng.integers(0, 10, 100)))
               for _ in range(6)]  # fmt: skip
    _both(lambda: nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10)),
          lambda m: dl.optim.SGD(m.parameters(), lr=0.1), nn.CrossEntropyLoss(), batches)  # fmt: skip


def test_seed_000_keras_fit_with_an_mse_metric():
    x, y = [1, 2, 3, 4, 5, 6, 7, 8, 9], [11, 22, 33, 44, 53, 66, 77, 87, 95]
    results = []
    for run_eagerly in (True, False):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.layers.Dense(1, input_dim=1, activation="linear")])
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mse",
                      metrics=["mse"], run_eagerly=run_eagerly)  # fmt: skip
        history = model.fit(x, y, epochs=40, verbose=0)
        results.append((history.history, model.get_weights(), model))
    (h1, w1, _), (h2, w2, compiled) = results
    assert h1 == h2
    for a, b in zip(w1, w2):
        np.testing.assert_array_equal(a, b)
    update = [
        s for s in compiled.__dict__["_compiled_steps"].values() if s.name.endswith("_update")
    ]
    assert update[0].programs and update[0].eager_reason is None
