"""Keras 3's program structure: overridden train/test/predict steps, compute_loss, the metrics
property (reset per epoch), metric results as tensors, optimizer.apply, tf.keras 2's
compiled_loss/compiled_metrics, add_loss, keras.Variable, and load_model's compile state."""

import warnings

import numpy as np
import pytest

import deepling as dl
from deepling import keras
from deepling.keras import layers

RNG = np.random.default_rng(0)
X = RNG.normal(size=(64, 3)).astype(np.float32)
Y = (X @ np.array([[1.0], [-2.0], [0.5]], np.float32)).astype(np.float32)


@pytest.fixture(autouse=True)
def seeded():
    keras.utils.set_random_seed(0)  # the same initial weights every run


def functional(cls=keras.Model):
    inputs = keras.Input(shape=(3,))
    return cls(inputs, layers.Dense(1)(inputs))


class Recording(keras.Model):
    """Keras 3's first train_step example, recording what it was given."""

    seen: list

    def train_step(self, data):
        self.seen = getattr(self, "seen", []) + [data]
        x, y = data
        with _tape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply(grads, self.trainable_variables)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def _tape():
    from deepling.tape import GradientTape

    return GradientTape()


def test_subclass_built_from_inputs_and_outputs_keeps_its_steps():
    model = functional(Recording)
    assert isinstance(model, Recording) and type(model).__name__ == "Recording"
    assert len(model.layers) == 2 and model.count_params() == 4
    model.compile(keras.optimizers.SGD(0.1), loss="mse", metrics=["mae"], run_eagerly=True)
    h = model.fit(X, Y, epochs=5, batch_size=16, verbose=0)  # eager: the step runs each batch
    x, y = model.seen[0]
    assert isinstance(x, dl.Tensor) and x.shape == (16, 3) and y.shape == (16, 1)
    assert list(h.history) == ["loss", "mae"] and len(model.seen) == 20
    assert h.history["loss"][-1] < 0.2 * h.history["loss"][0]
    assert [m.name for m in model.metrics] == ["loss", "mae"]


def test_metrics_reset_each_epoch_and_logs_are_what_the_step_returns():
    model = functional(Recording)
    model.compile(keras.optimizers.SGD(0.0), loss="mse")
    h = model.fit(X, Y, epochs=3, batch_size=64, verbose=0, shuffle=False)
    assert h.history["loss"][0] == pytest.approx(h.history["loss"][2], rel=1e-6)  # lr 0
    # reset at each epoch's start: the tracker holds the last epoch's one batch (weight 1)
    assert model.metrics[0].count == 1


def test_metric_results_are_tensors():
    m = keras.metrics.Mean(name="tracker")
    m.update_state([1.0, 3.0])
    result = m.result()
    assert isinstance(result, dl.Tensor) and result.dtype == np.float32
    assert float(result) == 2.0 and result.numpy() == 2.0
    assert m(5.0).numpy() == pytest.approx(3.0)  # __call__ takes update_state's arguments
    acc = keras.metrics.SparseCategoricalAccuracy()
    assert float(acc([1, 0], [[0.1, 0.9], [0.2, 0.8]])) == 0.5


def test_lower_level_model_with_its_own_trackers_and_no_compiled_loss():
    class LowLevel(keras.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.loss_tracker = keras.metrics.Mean(name="loss")
            self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")

        def train_step(self, data):
            x, y = data
            with _tape() as tape:
                y_pred = self(x, training=True)
                loss = keras.ops.mean(keras.ops.square(y_pred - y))
            self.optimizer.apply(tape.gradient(loss, self.trainable_variables))
            self.loss_tracker.update_state(loss)
            self.mae_metric.update_state(y, y_pred)
            return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

        @property
        def metrics(self):
            return [self.loss_tracker, self.mae_metric]

    model = functional(LowLevel)
    model.compile(optimizer=keras.optimizers.Adam(0.1))
    model.optimizer.build(model.trainable_variables)  # apply() without variables needs it
    h = model.fit(X, Y, epochs=10, batch_size=16, verbose=0)
    assert h.history["loss"][-1] < 0.2 * h.history["loss"][0]
    assert model.loss_tracker.count == 4  # reset at the last epoch's start: its 4 batches


def test_attribute_metrics_join_the_metrics_property():
    class Tracked(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(1)
            self.extra = keras.metrics.Mean(name="extra")

        def call(self, x):
            return self.dense(x)

    model = Tracked()
    model.compile("sgd", "mse", metrics=["mae"])
    model.fit(X, Y, epochs=1, verbose=0)
    assert [m.name for m in model.metrics] == ["loss", "mae", "extra"]
    assert model.metrics_names == ["loss", "mae", "extra"]


def test_sample_weights_reach_the_step_and_custom_test_and_predict_steps():
    class Weighted(keras.Model):
        def train_step(self, data):
            x, y, sample_weight = data
            assert sample_weight.shape == (16,)
            return super().train_step(data)

        def test_step(self, data):
            x, y = data
            y_pred = self(x, training=False)
            loss = self.compute_loss(y=y, y_pred=y_pred)
            return {"custom_loss": loss}

        def predict_step(self, data):
            return self(data, training=False) * 0 + 7

    model = functional(Weighted)
    model.compile(keras.optimizers.SGD(0.1), "mse")
    h = model.fit(X, Y, sample_weight=np.ones(64), batch_size=16, epochs=3, verbose=0)
    assert h.history["loss"][-1] < h.history["loss"][0]
    result = model.evaluate(X, Y, return_dict=True, verbose=0)
    assert list(result) == ["custom_loss"] and result["custom_loss"] > 0
    assert model.predict(X, batch_size=32, verbose=0).tolist() == [[7.0]] * 64


def test_keras2_compiled_loss_and_compiled_metrics():
    class Keras2(keras.Model):
        def train_step(self, data):
            x, y = data
            with _tape() as tape:
                y_pred = self(x, training=True)
                loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
            grads = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
            self.compiled_metrics.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    model = functional(Keras2)
    model.compile(keras.optimizers.SGD(0.1), "mse", metrics=["mae"])
    h = model.fit(X, Y, epochs=5, batch_size=16, verbose=0)
    assert list(h.history) == ["loss", "mae"]  # the loss tracked by compiled_loss
    assert h.history["loss"][-1] < 0.2 * h.history["loss"][0]
    assert h.history["mae"][-1] < h.history["mae"][0]


def test_compute_loss_adds_regularization_and_add_loss():
    class Penalty(layers.Layer):
        def call(self, x):
            self.add_loss(keras.ops.sum(keras.ops.abs(x)) * 0.0 + 1.5)
            return x

    inputs = keras.Input(shape=(3,))
    dense = layers.Dense(1, kernel_regularizer=keras.regularizers.l2(0.1))
    model = keras.Model(inputs, dense(Penalty()(inputs)))
    model.compile("sgd", "mse")
    y_pred = model(X)
    assert len(model.losses) == 2 and float(model.losses[1]) == 1.5
    penalty = 0.1 * float((dense.kernel.numpy() ** 2).sum())
    expected = float(np.mean((y_pred.numpy() - Y) ** 2)) + penalty + 1.5
    assert float(model.compute_loss(X, Y, y_pred)) == pytest.approx(expected, rel=1e-5)
    model(X)  # a new call forgets the last call's added losses
    assert len(model.losses) == 2
    assert model.evaluate(X, Y, verbose=0) == pytest.approx(expected, rel=1e-5)


def test_optimizer_apply_and_build():
    w = keras.Variable(np.ones(2, np.float32), name="w")
    opt = keras.optimizers.SGD(learning_rate=0.5)
    with pytest.raises(ValueError, match="must already be built"):
        opt.apply([np.ones(2)])
    opt.apply([np.ones(2, np.float32)], [w])
    assert w.numpy().tolist() == [0.5, 0.5] and opt.iterations == 1
    opt.apply([np.ones(2, np.float32)])  # the variables it was built with
    assert w.numpy().tolist() == [0.0, 0.0]
    with pytest.raises(ValueError, match="2 gradients for 1 variables"):
        opt.apply([np.ones(2), np.ones(2)], [w])


def test_layer_weights_are_keras_variables():
    dense = layers.Dense(2, name="d")
    dense(np.zeros((1, 3), np.float32))
    kernel = dense.kernel
    assert isinstance(kernel, keras.Variable) and kernel.name == "kernel"
    assert kernel.path == "d/kernel" and kernel.trainable
    assert repr(kernel).startswith("<Variable path=d/kernel, shape=(3, 2), dtype=float32, value=")
    assert dense.variables == dense.weights and dense.trainable_variables == [kernel, dense.bias]
    v = keras.Variable(initializer="ones", shape=(2,), name="v")
    assert v.assign_add([1.0, 2.0]) is v and v.value.numpy().tolist() == [2.0, 3.0]
    with pytest.raises(ValueError, match="must match"):
        v.assign([1.0, 2.0, 3.0])


def test_custom_metric_with_add_variable():
    class TruePositives(keras.metrics.Metric):
        def __init__(self, name="true_positives", **kwargs):
            super().__init__(name=name, **kwargs)
            self.count = self.add_variable(shape=(), initializer="zeros", name="tp")

        def update_state(self, y_true, y_pred, sample_weight=None):
            hits = keras.ops.logical_and(keras.ops.equal(y_true, 1), keras.ops.greater(y_pred, 0.5))
            self.count.assign_add(keras.ops.sum(keras.ops.cast(hits, "float32")))

        def result(self):
            return self.count

    m = TruePositives()
    m.update_state(np.array([1, 1, 0]), np.array([0.9, 0.2, 0.8]))
    assert float(m.result()) == 1.0
    m.reset_state()
    assert float(m.result()) == 0.0
    model = functional()
    model.compile("sgd", "mse", metrics=[TruePositives()])
    assert "true_positives" in model.fit(X, Y, verbose=0).history


def test_tf_variables_in_a_keras_model_are_its_weights():
    from deepling import tf

    class Linear(keras.Model):
        def __init__(self):
            super().__init__()
            self.w = tf.Variable(5.0)
            self.b = tf.Variable(0.0)
            self.frozen = tf.Variable(1.0, trainable=False)

        def call(self, x):
            return self.w * x + self.b * self.frozen

    model = Linear()
    assert len(model.trainable_weights) == 2 and len(model.non_trainable_weights) == 1
    model.compile(keras.optimizers.SGD(0.1), "mse")
    x = np.linspace(-1, 1, 50).astype(np.float32)
    model.fit(x, 3 * x + 2, epochs=60, batch_size=50, verbose=0)
    assert abs(float(model.w) - 3) < 0.1 and abs(float(model.b) - 2) < 0.1
    assert float(model.frozen) == 1.0


def test_load_model_restores_the_compile_state_and_the_optimizer(tmp_path):
    model = keras.Sequential(
        [layers.Dense(4, activation="relu", input_shape=(3,)), layers.Dense(1)]
    )
    model.compile(keras.optimizers.Adam(0.01), loss=keras.losses.MeanSquaredError(),
                  metrics=[keras.metrics.MeanAbsoluteError(), "mse"])  # fmt: skip
    model.fit(X, Y, epochs=2, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert loaded.evaluate(X, Y, verbose=0) == model.evaluate(X, Y, verbose=0)
    assert loaded.optimizer.iterations == model.optimizer.iterations == 4
    for a, b in zip(model.optimizer.state.values(), loaded.optimizer.state.values()):
        assert a["step"] == b["step"]
        np.testing.assert_array_equal(a["exp_avg_sq"], b["exp_avg_sq"])
    model.fit(X, Y, epochs=1, shuffle=False, verbose=0)
    loaded.fit(X, Y, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)  # training goes on exactly where it stopped


def test_load_model_with_a_python_loss_loads_uncompiled(tmp_path):
    model = keras.Sequential([layers.Dense(1, input_shape=(3,))])
    model.compile("sgd", loss=lambda y, p: keras.ops.mean(keras.ops.square(y - p)))
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    with pytest.raises(RuntimeError, match="compile"):
        loaded.evaluate(X, Y, verbose=0)


def test_model_build_on_a_subclass_makes_its_weights():
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.d = layers.Dense(2)

        def call(self, x):
            return self.d(x)

    net = Net()
    net.build((None, 5))
    assert net.built and net.count_params() == 12


def test_training_without_a_loss_says_so():
    model = functional()
    model.compile("sgd")
    with pytest.raises(ValueError, match="No loss to compute"):
        model.fit(X, Y, verbose=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        keras.ops.mean([1.0])
