"""Seed 003's Colab exercise (described in prose only), written out with `deepling.keras`.

The seed describes: make_dataset() draws 200 uniform x in [-2, 2] and y = a*x + b + normal
noise; train_test_split keeps 20% for testing; `model` is one Dense unit, `model2` a Dense(2)
on 3-D input whose summary is printed; compile with SGD and MSE; fit with validation_split=0.2
for 100 epochs; plot the losses; predict the test set; print the first layer's weight and bias.
The seed gives neither a nor b: we use a = 3, b = 2 and noise of standard deviation 0.5.
"""

import numpy as np
import pytest

from deepling.keras.utils import set_random_seed

A, B, NOISE = 3.0, 2.0, 0.5


def make_dataset():
    x = np.random.uniform(-2, 2, 200)
    y = A * x + B + np.random.normal(0, NOISE, 200)
    return x, y


def program():
    from sklearn.model_selection import train_test_split

    from deepling.keras.layers import Dense
    from deepling.keras.models import Sequential

    x, y = make_dataset()
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2)

    model = Sequential()
    model.add(Dense(1, input_shape=(1,)))

    model2 = Sequential()
    model2.add(Dense(2, input_shape=(3,)))
    model2.summary()

    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x_train, y_train, validation_split=0.2, epochs=100, verbose=0)

    y_pred = model.predict(x_test, verbose=0)
    weights, bias = model.layers[0].get_weights()
    print(weights, bias)
    return model, model2, history, (x_test, y_test, y_pred), (weights, bias)


@pytest.fixture(scope="module")
def run():
    pytest.importorskip("sklearn")
    np.random.seed(0)
    set_random_seed(0)
    return program()


def test_history_has_exactly_loss_and_val_loss(run):
    _, _, history, _, _ = run
    assert list(history.history) == ["loss", "val_loss"]
    assert len(history.history["loss"]) == len(history.history["val_loss"]) == 100
    assert history.epoch == list(range(100))


def test_losses_fall_to_the_noise_floor(run):
    _, _, history, _, _ = run
    loss, val_loss = np.array(history.history["loss"]), np.array(history.history["val_loss"])
    assert loss[-1] < loss[0] / 10
    assert val_loss[-1] < val_loss[0] / 10
    # noise variance is 0.25; a fitted line cannot beat it by much, and should come close
    assert 0.1 < loss[-1] < 0.45 and 0.1 < val_loss[-1] < 0.5
    assert np.all(np.diff(loss[:10]) < 0)  # steadily down while far from the optimum


def test_weights_recover_the_line(run):
    model, _, _, _, (weights, bias) = run
    assert [w.shape for w in model.get_weights()] == [(1, 1), (1,)]
    assert model.count_params() == 2
    assert abs(weights[0, 0] - A) < 0.2 and abs(bias[0] - B) < 0.2


def test_test_predictions_track_the_targets(run):
    _, _, _, (_, y_test, y_pred), _ = run
    assert y_pred.shape == (40, 1)
    assert np.mean((y_pred[:, 0] - y_test) ** 2) < 0.5
    assert np.corrcoef(y_pred[:, 0], y_test)[0, 1] > 0.98


def test_model2_summary_is_kerass_table(run, capsys):
    _, model2, _, _, _ = run
    assert model2.count_params() == 8  # 3 * 2 weights + 2 biases
    model2.summary()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith('Model: "sequential')
    assert lines[1].startswith("┏━━") and lines[-4].startswith("└──")  # Keras 3's box
    assert lines[2].split() == [
        "┃",
        "Layer",
        "(type)",
        "┃",
        "Output",
        "Shape",
        "┃",
        "Param",
        "#",
        "┃",
    ]
    assert lines[4].split()[2:] == ["(Dense)", "│", "(None,", "2)", "│", "8", "│"]
    assert [line.split(" (")[0] for line in lines[-3:]] == [
        " Total params: 8",
        " Trainable params: 8",
        " Non-trainable params: 0",
    ]  # the seed's counts; Keras 3 adds their sizes, and the optimizer's once it has run
