"""compile / fit / evaluate / predict on Sequential models: Keras's defaults, history keys and
per-epoch values against hand computations, validation, weights, inputs of every kind."""

import numpy as np
import pytest

import deepling as dl
from deepling import keras, nn, optim
from deepling.keras import callbacks, layers
from deepling.utils.data import DataLoader, TensorDataset


def identity_model(units=1, features=1):
    """pred = sum of the features (kernel of ones, no bias); with lr=0 it never changes."""
    model = keras.Sequential(
        [layers.Dense(units, input_shape=(features,), kernel_initializer="ones", use_bias=False)]
    )
    model.compile(keras.optimizers.SGD(learning_rate=0.0), "mse", metrics=["mae"])
    return model


class Recorder(layers.Layer):
    """Passes its input through and keeps each batch's first column (not the 1-row dry runs
    that build the model and check the targets)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen = []

    def call(self, inputs):
        if inputs.shape[0] > 1:
            self.seen.append(inputs.numpy()[:, 0].copy())
        return inputs


def test_fit_defaults_are_keras():
    import inspect

    params = inspect.signature(keras.Model.fit).parameters
    assert params["batch_size"].default is None  # None means 32
    assert params["epochs"].default == 1 and params["shuffle"].default is True
    assert params["verbose"].default == "auto"
    rec = Recorder()
    model = keras.Sequential([rec, layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(np.zeros((70, 2), np.float32), np.zeros(70), verbose=0)
    assert [len(b) for b in rec.seen] == [32, 32, 6]


def test_history_keys_and_epoch_loss_is_the_mean_over_samples():
    x = np.arange(10, dtype=np.float32)[:, None]
    y = np.zeros(10, np.float32)
    model = identity_model()
    h = model.fit(x, y, batch_size=4, epochs=3, verbose=0, validation_data=(x[:3], y[:3]))
    assert list(h.history) == ["loss", "mae", "val_loss", "val_mae"]
    assert h.epoch == [0, 1, 2] and h is model.history
    # batches of 4, 4, 2: the size-weighted mean of batch losses is the mean over samples
    assert h.history["loss"] == pytest.approx([np.mean(x[:, 0] ** 2)] * 3, rel=1e-6)
    assert h.history["mae"][0] == pytest.approx(np.mean(x), rel=1e-6)
    assert h.history["val_loss"][0] == pytest.approx(np.mean(x[:3, 0] ** 2), rel=1e-6)


def test_validation_split_holds_out_the_last_rows_before_shuffling():
    x = np.arange(10, dtype=np.float32)[:, None]  # sorted data: the trap the docstring warns of
    rec = Recorder()
    model = keras.Sequential([rec, layers.Dense(1, kernel_initializer="ones", use_bias=False)])
    model.compile(keras.optimizers.SGD(learning_rate=0.0), "mse")
    h = model.fit(x, np.zeros(10), validation_split=0.2, epochs=2, batch_size=3, verbose=0)
    assert sorted(np.concatenate(rec.seen[:3]).tolist()) == list(range(8))
    assert rec.seen[3].tolist() == [8, 9]  # validation after the first epoch
    assert h.history["val_loss"] == pytest.approx([(64 + 81) / 2] * 2)
    assert h.history["loss"][0] == pytest.approx(np.mean(np.arange(8.0) ** 2))
    assert "holds out the LAST" in keras.Model.fit.__doc__


def test_shuffle_false_keeps_order_and_shuffle_true_permutes():
    x = np.arange(12, dtype=np.float32)[:, None]
    rec = Recorder()
    model = keras.Sequential([rec, layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(x, x, batch_size=5, shuffle=False, verbose=0)
    assert [b.tolist() for b in rec.seen] == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11]]
    rec.seen.clear()
    dl.manual_seed(0)
    model.fit(x, x, batch_size=5, epochs=2, verbose=0)
    epochs = [np.concatenate(rec.seen[0:3]), np.concatenate(rec.seen[3:6])]
    assert all(sorted(e.tolist()) == list(range(12)) for e in epochs)
    assert any(e.tolist() != list(range(12)) for e in epochs)


def test_sample_weight_and_class_weight_match_a_hand_computation():
    x = np.array([[1.0], [2.0], [3.0], [4.0]], np.float32)
    y = np.array([0, 1, 0, 1], np.float32)
    w = np.array([1.0, 2.0, 0.5, 0.0], np.float32)
    per_sample = (x[:, 0] - y) ** 2
    expected = np.sum(w * per_sample) / 4  # Keras: sum_over_batch_size divides by N
    model = identity_model()
    h = model.fit(x, y, sample_weight=w, batch_size=4, verbose=0)
    assert h.history["loss"][0] == pytest.approx(expected, rel=1e-6)
    assert model.evaluate(x, y, sample_weight=w, verbose=0)[0] == pytest.approx(expected, 1e-6)
    h = model.fit(x, y, class_weight={0: 3.0, 1: 0.5}, batch_size=4, verbose=0)
    cw = np.where(y == 0, 3.0, 0.5)
    assert h.history["loss"][0] == pytest.approx(np.sum(cw * per_sample) / 4, rel=1e-6)


def test_initial_epoch_and_stop_training():
    model = identity_model()
    x, y = np.ones((4, 1), np.float32), np.ones(4, np.float32)
    h = model.fit(x, y, epochs=5, initial_epoch=3, verbose=0)
    assert h.epoch == [3, 4]

    class StopAfter2(callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                self.model.stop_training = True

    assert model.fit(x, y, epochs=10, callbacks=[StopAfter2()], verbose=0).epoch == [0, 1]


def test_evaluate_returns_scalar_list_or_dict():
    x = np.arange(6, dtype=np.float32)[:, None]
    y = np.zeros(6, np.float32)
    model = identity_model()
    assert model.evaluate(x, y, verbose=0) == pytest.approx([np.mean(x**2), np.mean(x)])
    assert model.evaluate(x, y, return_dict=True, verbose=0) == pytest.approx(
        {"loss": np.mean(x**2), "mae": np.mean(x)}
    )
    model.compile(keras.optimizers.SGD(learning_rate=0.0), "mse")
    assert model.evaluate(x, y, verbose=0) == pytest.approx(np.mean(x**2))
    assert model.metrics_names == ["loss"]


def test_predict_returns_numpy_and_batch_methods():
    x = np.arange(70, dtype=np.float32).reshape(35, 2)
    model = identity_model(features=2)
    out = model.predict(x, verbose=0)
    assert isinstance(out, np.ndarray) and out.shape == (35, 1) and out.dtype == np.float32
    np.testing.assert_allclose(out[:, 0], x.sum(1))
    np.testing.assert_allclose(model.predict_on_batch(x), out)
    assert model.test_on_batch(x, np.zeros(35)) == pytest.approx(
        [np.mean(x.sum(1) ** 2), np.mean(x.sum(1))], rel=1e-6
    )
    model.compile(keras.optimizers.SGD(learning_rate=0.001), "mse")
    before = model.get_weights()[0].copy()
    loss = model.train_on_batch(x[:4], np.zeros(4))
    assert loss == pytest.approx(np.mean(x[:4].sum(1) ** 2))
    assert not np.allclose(model.get_weights()[0], before)


def test_inputs_as_lists_arrays_tensors_and_loaders_agree():
    xs = [1, 2, 3, 4, 5, 6, 7, 8, 9]  # seed 000 passes plain lists of ints
    ys = [11, 22, 33, 44, 53, 66, 77, 87, 95]
    expected = np.mean((np.array(xs) - np.array(ys)) ** 2)
    model = identity_model()
    for x, y in [(xs, ys), (np.array(xs), np.array(ys, np.float64)),
                 (dl.tensor(xs), dl.tensor(ys))]:  # fmt: skip
        assert model.fit(x, y, verbose=0).history["loss"][0] == pytest.approx(expected, 1e-6)
    loader = DataLoader(TensorDataset(dl.tensor(xs).float(), dl.tensor(ys).float()), batch_size=4)
    h = model.fit(loader, epochs=2, verbose=0, validation_data=loader)
    assert h.history["loss"] == pytest.approx([expected] * 2, rel=1e-6)
    assert h.history["val_loss"][0] == pytest.approx(expected, rel=1e-6)
    assert model.evaluate(loader, verbose=0)[0] == pytest.approx(expected, rel=1e-6)
    assert model.predict(loader, verbose=0).shape == (9, 1)
    assert model.predict([1, 2, 3, 4, 4.5], verbose=0)[:, 0] == pytest.approx([1, 2, 3, 4, 4.5])


def test_seed000_keras_linear_regression_learns():
    x = [1, 2, 3, 4, 5, 6, 7, 8, 9]
    y = [11, 22, 33, 44, 53, 66, 77, 87, 95]
    model = keras.Sequential()
    model.add(layers.Dense(1, input_dim=1, activation="linear"))
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mse", metrics=["mse"])
    h = model.fit(x, y, epochs=300, verbose=0)
    assert list(h.history) == ["loss", "mse"] and len(h.history["loss"]) == 300
    assert h.history["loss"][-1] < 5 < h.history["loss"][0]
    w = model.layers[0].kernel.item()
    assert 10.0 < w < 11.5  # the seed's tape version reaches w = 10.63


def test_verbose_output(capsys, monkeypatch):
    x, y = np.ones((40, 1), np.float32), np.ones(40, np.float32)
    model = identity_model()
    model.fit(x, y, epochs=2, verbose=0)
    assert capsys.readouterr().out == ""
    model.fit(x, y, epochs=3, verbose=2)
    out = capsys.readouterr().out
    assert "Epoch 1/3" in out and "Epoch 3/3" in out and "2/2 - 0s - " in out
    assert "/step - loss: 0.0000e+00 - mae: 0.0000e+00" in out
    model.fit(x, y, epochs=1)  # verbose='auto' is 1: the finished bar when not on a terminal
    out = capsys.readouterr().out
    assert out.startswith("2/2 ━━━━━━━━━━━━━━━━━━━━ 0s ") and "\r" not in out
    assert out.count("\n") == 1 and "Epoch" not in out  # one epoch: no header, as Keras 3
    monkeypatch.setattr("deepling.progress.dynamic_display", lambda: True)
    model.fit(x, y, epochs=2, verbose=1)
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "\r" in out and "\x1b[1m2/2\x1b[0m" in out and "loss: " in out
    model.evaluate(x, y)
    assert "loss: 0.0000e+00 - mae: 0.0000e+00" in capsys.readouterr().out


def test_fit_trains_any_module_with_pytorch_losses():
    dl.manual_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 4)).astype(np.float32)
    labels = (x[:, 0] > 0).astype(np.int64) + (x[:, 1] > 0)  # 3 classes, (N,) integers
    net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))
    model = keras.Model(net)
    model.compile(optim.SGD(net.parameters(), lr=0.5), loss=nn.CrossEntropyLoss(),
                  metrics=["accuracy"])  # fmt: skip
    before = net[0].weight.detach().numpy().copy()
    assert model.count_params() == 4 * 16 + 16 + 16 * 3 + 3 and len(model.trainable_weights) == 4
    h = model.fit(x, labels, epochs=30, batch_size=16, verbose=0)
    assert not np.allclose(net[0].weight.detach().numpy(), before)  # the wrapped module is trained
    assert h.history["loss"][-1] < 0.5 * h.history["loss"][0]
    assert h.history["accuracy"][-1] > 0.8
    direct = nn.CrossEntropyLoss()(net(dl.tensor(x)), dl.tensor(labels)).item()
    assert model.evaluate(x, labels, batch_size=60, verbose=0)[0] == pytest.approx(direct, 1e-5)
    reg = keras.Model(nn.Linear(2, 1))
    reg.compile("sgd", loss=nn.MSELoss())
    assert np.isfinite(reg.fit(np.ones((8, 2)), np.ones(8), verbose=0).history["loss"][0])


def test_frozen_layer_is_not_trained():
    model = keras.Sequential([layers.Dense(4, input_shape=(3,)), layers.Dense(1)])
    model.layers[0].trainable = False
    model.compile("adam", "mse")
    frozen = model.layers[0].get_weights()
    trained = model.layers[1].get_weights()
    model.fit(np.ones((8, 3)), np.ones(8), epochs=2, verbose=0)
    for a, b in zip(frozen, model.layers[0].get_weights()):
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(trained[0], model.layers[1].get_weights()[0])


def test_regularization_adds_to_the_loss():
    model = keras.Sequential([layers.Dense(1, input_shape=(1,), kernel_initializer="ones",
                                           use_bias=False, kernel_regularizer=keras.regularizers.l2(0.1))])  # fmt: skip
    model.compile(keras.optimizers.SGD(learning_rate=0.0), "mse")
    h = model.fit(np.full((4, 1), 2.0), np.zeros(4), verbose=0)
    assert h.history["loss"][0] == pytest.approx(4.0 + 0.1)  # mse + 0.1 * sum(w**2)


def test_steps_per_epoch_validation_freq_and_weighted_metrics():
    x = np.arange(8, dtype=np.float32)[:, None]
    rec = Recorder()
    model = keras.Sequential([rec, layers.Dense(1, kernel_initializer="ones", use_bias=False)])
    model.compile(keras.optimizers.SGD(learning_rate=0.0), "mse", weighted_metrics=["mae"])
    w = np.array([0, 0, 0, 0, 1, 1, 1, 1], np.float32)
    h = model.fit(x, np.zeros(8), sample_weight=w, batch_size=2, steps_per_epoch=2, epochs=4,
                  shuffle=False, validation_data=(x, np.zeros(8)), validation_freq=2, verbose=0)  # fmt: skip
    # 2 steps an epoch, going on where the last epoch stopped (Keras 3): rows 0-3, then 4-7
    assert np.concatenate(rec.seen[:4]).tolist() == list(range(8))
    assert np.concatenate(rec.seen[4:8]).tolist() == list(range(8))  # validation after epoch 2
    assert len(rec.seen) == 4 * 2 + 2 * 4
    assert len(h.history["val_loss"]) == 2 and len(h.history["loss"]) == 4
    assert h.history["mae"][0] == 0.0  # rows 0..3 have weight 0 in the weighted metric
    assert h.history["val_mae"][0] == pytest.approx(np.mean(x))
