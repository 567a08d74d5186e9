"""keras.callbacks: each callback in a real `fit`, and against Keras 3's rules (keras/src/callbacks/)
on scripted metric values where exact epoch-by-epoch behaviour is checked."""

import csv
import math
import os
import warnings

import numpy as np
import pytest

import deepling as dl
from deepling import keras
from deepling.keras import callbacks as C

rng = np.random.default_rng(0)
X = rng.normal(size=(40, 3)).astype(np.float32)
Y = (X @ np.array([1.0, -2.0, 0.5], np.float32) + 0.3)[:, None]


def make_model(lr=0.05, metrics=None):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(lr), "mse", metrics=metrics)
    return model


class FakeOptimizer:
    def __init__(self, lr):
        self.learning_rate = lr


class FakeModel:
    """What callbacks touch: weights, stop_training, optimizer, save, metrics."""

    def __init__(self, lr=0.1, metrics=()):
        self.stop_training, self.weights_now, self.saved = False, [np.zeros(2)], []
        self.optimizer, self.metrics = FakeOptimizer(lr), list(metrics)

    def get_weights(self):
        return [w.copy() for w in self.weights_now]

    def set_weights(self, weights):
        self.weights_now = [np.array(w) for w in weights]

    def save(self, path):
        self.saved.append(path)

    save_weights = save


def drive(callback, values, monitor="val_loss", model=None):
    """Epoch ends with scripted values; the weights of epoch e are all e. Returns (model, last
    epoch run, learning rates logged)."""
    model = model or FakeModel()
    callback.set_model(model)
    callback.on_train_begin({})
    logged = []
    for epoch, value in enumerate(values):
        model.weights_now = [np.full(2, float(epoch))]
        logs = {monitor: value}
        callback.on_epoch_end(epoch, logs)
        logged.append(logs.get("learning_rate"))
        if model.stop_training:
            break
    callback.on_train_end({})
    return model, epoch, logged


# --- History and hook order ---
class Recorder(C.Callback):
    """Records each hook it receives: (name, index) or (name,), and the epoch's log keys."""

    def __init__(self):
        super().__init__()
        self.calls = []


def _recording(name, indexed):
    def hook(self, *args):
        index, logs = (args[0], args[1]) if indexed else (None, args[0])
        assert isinstance(logs, dict)
        extra = (sorted(logs),) if name == "epoch_end" else ()
        self.calls.append((name,) if index is None else (name, index, *extra))

    return hook


for _hook in ("train_begin", "train_end", "test_begin", "test_end"):
    setattr(Recorder, f"on_{_hook}", _recording(_hook, False))
for _hook in ("epoch_begin", "epoch_end", "train_batch_begin", "train_batch_end"):
    setattr(Recorder, f"on_{_hook}", _recording(_hook.replace("train_", ""), True))


def test_history_and_hook_order():
    model, rec = make_model(metrics=["mae"]), Recorder()
    h = model.fit(X, Y, epochs=2, batch_size=16, verbose=0, callbacks=[rec], validation_data=(X, Y))
    assert model.history is h and h.epoch == [0, 1]
    keys = ["loss", "mae", "val_loss", "val_mae"]
    assert sorted(h.history) == keys and all(len(v) == 2 for v in h.history.values())
    assert rec.params["epochs"] == 2 and rec.params["steps"] == 3 and rec.model is model
    batches = [c for b in range(3) for c in (("batch_begin", b), ("batch_end", b))]
    train_only = [c for c in rec.calls if not c[0].startswith("test")]
    assert train_only == [("train_begin",),
                          ("epoch_begin", 0), *batches, ("epoch_end", 0, keys),
                          ("epoch_begin", 1), *batches, ("epoch_end", 1, keys),
                          ("train_end",)]  # fmt: skip


def test_validation_calls_test_hooks():
    model, rec = make_model(), Recorder()
    model.fit(X, Y, epochs=1, batch_size=16, verbose=0, callbacks=[rec], validation_data=(X, Y))
    names = [c[0] for c in rec.calls]
    order = [names.index(n) for n in ("batch_end", "test_begin", "test_end", "epoch_end")]
    assert order == sorted(order)


def test_on_batch_end_alias_and_lambda_callback():
    class OldStyle(C.Callback):  # Keras 2 tutorials override on_batch_end
        def __init__(self):
            super().__init__()
            self.batches = []

        def on_batch_end(self, batch, logs=None):
            self.batches.append(batch)

    old, seen = OldStyle(), []
    lam = C.LambdaCallback(on_train_begin=lambda logs: seen.append(("begin", logs)),
                           on_epoch_end=lambda epoch, logs: seen.append((epoch, round(logs["loss"], 6))),
                           on_batch_end=lambda batch, logs: seen.append(("batch", batch)))  # fmt: skip
    h = make_model().fit(X, Y, epochs=2, batch_size=20, verbose=0, callbacks=[old, lam])
    assert old.batches == [0, 1, 0, 1]
    first_epoch = [("batch", 0), ("batch", 1), (0, round(h.history["loss"][0], 6))]
    assert seen[0] == ("begin", {}) and seen[1:4] == first_epoch
    with pytest.raises(TypeError, match="on_epoch_ned"):
        C.LambdaCallback(on_epoch_ned=print)


def test_callback_list_without_model_keeps_each_callbacks_model():
    cb, model = C.Callback(), FakeModel()
    C.CallbackList([cb], model=model, epochs=3)
    C.CallbackList([cb])  # e.g. a list of batch hooks
    assert cb.model is model and cb.params == {"epochs": 3}


# --- EarlyStopping (keras/src/callbacks/early_stopping.py) ---
@pytest.mark.parametrize(
    "kwargs, values, stopped_at",
    [
        ({"patience": 0}, [1.0, 0.9, 0.95, 0.5], 2),
        ({"patience": 2}, [1.0, 0.9, 0.95, 0.92, 0.8], 3),  # waits two epochs after 0.9
        ({"patience": 1, "min_delta": 0.05}, [1.0, 0.97, 0.9], 1),  # 0.03 is no improvement
        ({"patience": 1, "mode": "max"}, [0.1, 0.2, 0.15], 2),
        ({"patience": 1, "start_from_epoch": 2}, [1.0, 2.0, 3.0, 4.0], 3),
        ({"patience": 2, "baseline": 0.5}, [0.8, 0.9, 0.9], 1),  # never beats the baseline
        ({"patience": 2, "baseline": 0.5}, [0.8, 0.7, 0.6, 0.4, 0.45, 0.45], 5),
    ],
)
def test_early_stopping_stops_at_kerass_epoch(kwargs, values, stopped_at):
    callback = C.EarlyStopping(**kwargs)
    model, last, _ = drive(callback, values)
    assert last == stopped_at and model.stop_training and callback.stopped_epoch == stopped_at


def test_early_stopping_runs_on_while_improving():
    model, last, _ = drive(C.EarlyStopping(patience=0), [3.0, 2.0, 1.0])
    assert last == 2 and not model.stop_training


def test_early_stopping_auto_mode_direction():
    ups = [("val_accuracy", []), ("val_acc", []), ("val_auc", [keras.metrics.AUC()]),
           ("val_my_recall", [keras.metrics.Recall(name="my_recall")])]  # fmt: skip
    for monitor, metrics in ups:  # maximized: a fall is no improvement
        _, last, _ = drive(
            C.EarlyStopping(monitor, patience=1), [0.5, 0.4], monitor, FakeModel(metrics=metrics)
        )
        assert last == 1, monitor
    for monitor in ("val_loss", "loss", "val_mae", "val_output_1_loss"):  # minimized
        _, last, _ = drive(C.EarlyStopping(monitor, patience=1), [0.5, 0.6], monitor)
        assert last == 1, monitor
    with pytest.warns(UserWarning, match="mode 'maximum' is unknown"):
        C.EarlyStopping(mode="maximum")


def test_restore_best_weights_on_fake_model():
    callback = C.EarlyStopping(patience=2, restore_best_weights=True, verbose=1)
    model, _, _ = drive(callback, [1.0, 0.5, 0.7, 0.6, 0.9])
    assert callback.best_epoch == 1 and (model.weights_now[0] == 1.0).all()
    # not stopped early: Keras 3 still restores the best epoch at the end
    model, _, _ = drive(C.EarlyStopping(patience=5, restore_best_weights=True), [1.0, 0.5, 0.7])
    assert (model.weights_now[0] == 1.0).all()


def test_restore_best_weights_in_fit(capsys):
    model, snapshots = make_model(), []
    keep = C.LambdaCallback(on_epoch_end=lambda epoch, logs: snapshots.append(model.get_weights()))
    stop = C.EarlyStopping(patience=2, restore_best_weights=True, verbose=1)
    # validation targets of the opposite sign: val_loss rises as the model learns Y
    h = model.fit(
        X, Y, epochs=20, batch_size=8, verbose=0, callbacks=[keep, stop], validation_data=(X, -Y)
    )
    val = h.history["val_loss"]
    best = int(np.argmin(val))
    assert len(val) == best + 3  # stopped after `patience` epochs without improvement
    for now, then in zip(model.get_weights(), snapshots[best]):
        np.testing.assert_array_equal(now, then)
    assert not np.array_equal(model.get_weights()[0], snapshots[-1][0])
    out = capsys.readouterr().out
    assert f"Epoch {len(val)}: early stopping" in out and f"best epoch: {best + 1}." in out


def test_missing_monitor_warns_and_keeps_training():
    with pytest.warns(
        UserWarning, match="`val_loss` which is not available. Available metrics are: loss"
    ):
        _, last, _ = drive(C.EarlyStopping(), [1.0, 2.0, 3.0], monitor="loss")
    assert last == 2


# --- ModelCheckpoint ---
def test_checkpoint_save_best_only_writes_only_on_improvement():
    model = FakeModel()
    drive(
        C.ModelCheckpoint("ck-{epoch:02d}-{val_loss:.2f}.keras", save_best_only=True),
        [0.9, 0.95, 0.5, 0.5, 0.7, 0.2],
        model=model,
    )
    assert model.saved == ["ck-01-0.90.keras", "ck-03-0.50.keras", "ck-06-0.20.keras"]
    model = FakeModel()
    drive(
        C.ModelCheckpoint("best.keras", monitor="val_acc", save_best_only=True),
        [0.5, 0.7, 0.6],
        "val_acc",
        model,
    )
    assert model.saved == ["best.keras", "best.keras"]  # epochs 1 and 2 (0.7 > 0.5)
    model = FakeModel()
    drive(
        C.ModelCheckpoint("b.keras", save_best_only=True, initial_value_threshold=0.6),
        [0.9, 0.5],
        model=model,
    )
    assert model.saved == ["b.keras"]
    model = FakeModel()
    with pytest.warns(UserWarning, match="only with val_loss available"):
        drive(C.ModelCheckpoint("m.keras", save_best_only=True), [1.0], "loss", model)
    assert model.saved == ["m.keras"]  # Keras saves anyway
    with pytest.raises(KeyError, match="Failed to format this callback filepath.*val_acc"):
        drive(C.ModelCheckpoint("{val_acc:.2f}.keras"), [1.0])


def test_checkpoint_in_fit_writes_loadable_weights(tmp_path):
    model = make_model()
    path = os.path.join(tmp_path, "sub", "w-{epoch:02d}-{val_loss:.2f}.weights.h5")
    h = model.fit(
        X,
        Y,
        epochs=3,
        verbose=0,
        validation_data=(X, Y),
        callbacks=[C.ModelCheckpoint(path, save_weights_only=True)],
    )
    names = sorted(os.listdir(tmp_path / "sub"))
    assert names == [
        f"w-{e + 1:02d}-{v:.2f}.weights.h5" for e, v in enumerate(h.history["val_loss"])
    ]
    fresh = make_model()
    fresh.predict(X[:1], verbose=0)
    fresh.load_weights(os.path.join(tmp_path, "sub", names[-1]))
    for a, b in zip(fresh.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    keras.utils.set_random_seed(0)  # load_model needs a model built from an Input
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    whole = os.path.join(tmp_path, "model.keras")
    model.fit(
        X,
        Y,
        epochs=1,
        verbose=0,
        callbacks=[C.ModelCheckpoint(whole, monitor="loss", save_best_only=True)],
    )
    np.testing.assert_allclose(
        keras.models.load_model(whole).predict(X, verbose=0), model.predict(X, verbose=0)
    )


# --- learning rate callbacks ---
def test_learning_rate_scheduler_keras_doc_example():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.layers.Dense(10)])
    model.compile(keras.optimizers.SGD(), loss="mse")
    assert round(model.optimizer.learning_rate, 5) == 0.01

    def scheduler(epoch, lr):
        return lr if epoch < 10 else lr * math.exp(-0.1)

    h = model.fit(np.arange(100).reshape(5, 20) / 100, np.zeros(5), epochs=15, verbose=0,
                  callbacks=[C.LearningRateScheduler(scheduler)])  # fmt: skip
    assert round(model.optimizer.learning_rate, 5) == 0.00607
    np.testing.assert_allclose(
        h.history["learning_rate"],
        [0.01] * 10 + [0.01 * math.exp(-0.1 * k) for k in range(1, 6)],
        rtol=1e-6,
    )


def test_learning_rate_scheduler_one_argument_and_use():
    model, seen = make_model(), []
    watch = C.LambdaCallback(
        on_epoch_begin=lambda e, logs: seen.append(model.optimizer.learning_rate)
    )
    schedule = C.LearningRateScheduler(lambda epoch: [0.0, 0.1, dl.tensor(0.01)][epoch], verbose=1)
    model.predict(X[:1], verbose=0)
    before = model.get_weights()
    snapshots = []
    keep = C.LambdaCallback(on_epoch_end=lambda e, logs: snapshots.append(model.get_weights()))
    h = model.fit(X, Y, epochs=3, verbose=0, callbacks=[schedule, watch, keep])
    assert seen == pytest.approx([0.0, 0.1, 0.01]) and h.history["learning_rate"] == pytest.approx(
        [0.0, 0.1, 0.01]
    )
    np.testing.assert_array_equal(snapshots[0][0], before[0])  # lr 0: the first epoch moved nothing
    assert not np.array_equal(snapshots[1][0], before[0])
    with pytest.raises(ValueError, match="should be a float. Got: fast"):
        make_model().fit(
            X, Y, epochs=1, verbose=0, callbacks=[C.LearningRateScheduler(lambda e: "fast")]
        )


def test_reduce_lr_on_plateau_factor_patience_cooldown_min_lr():
    callback = C.ReduceLROnPlateau(factor=0.5, patience=2, cooldown=1, min_lr=0.02)
    model, _, logged = drive(callback, [1.0] * 9)
    # reductions at epochs 2, 4, 6 (cooldown 1 resets the wait), floored at min_lr
    assert logged == pytest.approx([0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.02, 0.02])
    assert model.optimizer.learning_rate == pytest.approx(0.02)
    callback = C.ReduceLROnPlateau(factor=0.1, patience=1, min_delta=0.1)
    model, _, _ = drive(callback, [1.0, 0.95, 0.8])  # 0.05 < min_delta: a plateau
    assert model.optimizer.learning_rate == pytest.approx(0.01)
    with pytest.raises(ValueError, match="factor >= 1.0"):
        C.ReduceLROnPlateau(factor=1.5)


def test_reduce_lr_on_plateau_in_fit():
    model = make_model(lr=0.05)
    h = model.fit(X, Y, epochs=4, verbose=0, validation_data=(X, -Y),
                  callbacks=[C.ReduceLROnPlateau(factor=0.5, patience=1)])  # fmt: skip
    assert np.all(np.diff(h.history["val_loss"]) > 0)  # never improves after epoch 0
    assert h.history["learning_rate"] == pytest.approx([0.05, 0.05, 0.025, 0.0125])
    assert model.optimizer.learning_rate == pytest.approx(0.00625)


# --- CSVLogger, TerminateOnNaN ---
def test_csv_logger_header_rows_and_append(tmp_path):
    path = tmp_path / "log.csv"
    model = make_model(metrics=["mae"])
    h = model.fit(X, Y, epochs=3, verbose=0, callbacks=[C.CSVLogger(path)])
    rows = list(csv.reader(open(path)))
    assert rows[0] == ["epoch", "loss", "mae"] and [r[0] for r in rows[1:]] == ["0", "1", "2"]
    np.testing.assert_allclose([float(r[1]) for r in rows[1:]], h.history["loss"], rtol=1e-6)
    model.fit(X, Y, epochs=2, verbose=0, callbacks=[C.CSVLogger(path, append=True)])
    rows = list(csv.reader(open(path)))
    assert len(rows) == 6 and rows.count(["epoch", "loss", "mae"]) == 1
    model.fit(X, Y, epochs=1, verbose=0, callbacks=[C.CSVLogger(path, separator=";")])
    assert open(path).read().splitlines()[0] == "epoch;loss;mae"
    logger = C.CSVLogger(tmp_path / "na.csv")
    logger.set_model(FakeModel())
    logger.on_train_begin()
    logger.on_epoch_end(0, {"loss": 1.0, "p": np.array([0.5, 0.25])})
    logger.on_epoch_end(1, {"extra": 2.0})
    logger.on_train_end()
    assert list(csv.reader(open(tmp_path / "na.csv"))) == [
        ["epoch", "loss", "p"],
        ["0", "1.0", "[0.5, 0.25]"],
        ["1", "NA", "NA"],
    ]


def test_terminate_on_nan_stops_in_the_same_epoch(capsys):
    x = X.copy()
    x[25] = np.nan  # in batch 2 of 10-sample batches
    batches = []
    count = C.LambdaCallback(on_train_batch_end=lambda b, logs: batches.append(b))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fit also warns once about the loss
        h = make_model().fit(x, Y, epochs=5, batch_size=10, shuffle=False, verbose=0,
                             callbacks=[C.TerminateOnNaN(), count])  # fmt: skip
    assert batches == [0, 1, 2] and len(h.history["loss"]) == 1 and math.isnan(h.history["loss"][0])
    assert "Batch 2: Invalid loss, terminating training" in capsys.readouterr().out
