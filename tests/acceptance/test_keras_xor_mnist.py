"""Two Keras classics end to end: XOR with a 2-layer MLP, and a functional-API MNIST-style MLP
with EarlyStopping and ModelCheckpoint, saved as `.keras` and loaded back.

The MNIST-style data are synthetic (10 prototypes in [0, 1]^784 plus noise) so the test is fast
and needs no download. The last 10% of the validation rows carry a wrong label: as the model
grows confident on the clean rows, those rows push `val_loss` up, so EarlyStopping fires after
a few epochs and has a best epoch to restore.
"""

import numpy as np
import pytest

from deepling import keras

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
XOR_Y = np.array([0, 1, 1, 0], dtype=np.float32)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_xor_two_layer_mlp_reaches_full_accuracy(seed):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.layers.Dense(8, activation="tanh", input_shape=(2,)),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.05),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(XOR_X, XOR_Y, epochs=200, verbose=0)
    loss, accuracy = model.evaluate(XOR_X, XOR_Y, verbose=0)
    assert accuracy == 1.0
    assert loss < 0.05
    assert 1.0 in history.history["accuracy"][:50]  # measured: first reached at epoch 5 to 21
    pred = model.predict(XOR_X, verbose=0)[:, 0]
    assert np.all(pred[[1, 2]] > 0.9) and np.all(pred[[0, 3]] < 0.1)


def synthetic_digits(n=600, sigma=0.5, seed=0):
    """`n` samples around 10 random prototypes in [0, 1]^784; returns x, clean and used labels."""
    rng = np.random.default_rng(seed)
    prototypes = rng.uniform(0, 1, (10, 784))
    labels = rng.integers(0, 10, n)
    x = np.clip(prototypes[labels] + rng.normal(0, sigma, (n, 784)), 0, 1).astype(np.float32)
    wrong = np.arange(n) >= n - n // 50  # the last 10% of the 20% validation split
    return x, labels, np.where(wrong, (labels + 1) % 10, labels)


@pytest.fixture(scope="module")
def mnist_run(tmp_path_factory):
    x, clean, y = synthetic_digits()
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(784,))
    hidden = keras.layers.Dense(256, activation="relu")(inputs)
    outputs = keras.layers.Dense(10)(hidden)
    model = keras.Model(inputs, outputs)
    model.compile(
        optimizer="adam",
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    path = tmp_path_factory.mktemp("ckpt") / "best.keras"
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    save = keras.callbacks.ModelCheckpoint(path, save_best_only=True)
    history = model.fit(x, y, epochs=15, validation_split=0.2, callbacks=[stop, save], verbose=0)
    return model, history, stop, path, (x, clean, y)


def test_mnist_style_early_stopping_fires_and_restores_the_best_epoch(mnist_run):
    model, history, stop, _, (x, _, y) = mnist_run
    val_loss = history.history["val_loss"]
    assert list(history.history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert stop.stopped_epoch > 0 and len(val_loss) == stop.stopped_epoch + 1 < 15
    best = int(np.argmin(val_loss))
    assert best == len(val_loss) - 3  # patience 2: two epochs without improvement, then stop
    # the restored weights are the best epoch's: evaluating them gives that epoch's val_loss
    loss, _ = model.evaluate(x[480:], y[480:], verbose=0)
    np.testing.assert_allclose(loss, val_loss[best], rtol=1e-5)


def test_mnist_style_reaches_high_validation_accuracy(mnist_run):
    model, history, _, _, (x, clean, _) = mnist_run
    assert max(history.history["val_accuracy"]) >= 0.85  # 10% of the rows carry wrong labels
    _, clean_accuracy = model.evaluate(x[480:], clean[480:], verbose=0)
    assert clean_accuracy >= 0.95


def test_mnist_style_checkpoint_loads_and_predicts_like_the_model(mnist_run):
    model, _, _, path, (x, _, _) = mnist_run
    assert path.exists()
    loaded = keras.models.load_model(path)
    assert loaded.count_params() == model.count_params() == 784 * 256 + 256 + 256 * 10 + 10
    np.testing.assert_allclose(
        loaded.predict(x[:64], verbose=0), model.predict(x[:64], verbose=0), rtol=1e-6, atol=1e-6
    )


def test_calling_the_model_on_a_numpy_batch_is_like_predict():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.layers.Dense(3, input_shape=(2,))])
    out = model(XOR_X.astype(np.float64)).numpy()
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, model.predict(XOR_X, verbose=0), rtol=1e-6)
