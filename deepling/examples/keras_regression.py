"""Keras linear and logistic regression with one Dense unit (seed 000).

Keras tutorial code with the imports changed from `tensorflow.keras` to `deepling.keras`.
A Dense layer with one unit computes w * x + b: with no activation that is linear regression;
with a sigmoid on top it is logistic regression, whose output reads as a probability.
"""

import numpy as np

from deepling import keras
from deepling.examples._common import epochs, figure, save
from deepling.keras import optimizers
from deepling.keras.layers import Dense
from deepling.keras.models import Sequential


def linear(n_epochs):
    x = [1, 2, 3, 4, 5, 6, 7, 8, 9]  # hours of study
    y = [11, 22, 33, 44, 53, 66, 77, 87, 95]  # scores
    model = Sequential()
    # One output, one input; 'linear' means no activation: the output is w * x + b itself.
    model.add(Dense(1, input_dim=1, activation="linear"))
    # Older tutorials write SGD(lr=0.01); `learning_rate` is today's name (both work here).
    sgd = optimizers.SGD(learning_rate=0.01)
    model.compile(optimizer=sgd, loss="mse", metrics=["mse"])
    # verbose=0: no progress bar per epoch (300 of them would fill the screen).
    history = model.fit(x, y, epochs=n_epochs, verbose=0)
    (w,), b = model.get_weights()  # kernel of shape (1, 1) and bias of shape (1,)
    print(
        f"linear: after {n_epochs} epochs w = {w[0]:.4f}, b = {b[0]:.4f}, "
        f"mse = {history.history['loss'][-1]:.4f}"
    )
    print(
        "  predictions for 3.5, 5, 5.5, 6 hours:",
        model.predict([3.5, 5, 5.5, 6], verbose=0).ravel(),
    )
    return x, y, model


def logistic(n_epochs):
    x = np.array([-50, -40, -30, -20, -10, -5, 0, 5, 10, 20, 30, 40, 50])
    y = np.array([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1])  # 1 from 10 upwards
    model = Sequential()
    model.add(Dense(1, input_dim=1, activation="sigmoid"))  # squashes w * x + b into (0, 1)
    sgd = optimizers.SGD(learning_rate=0.01)
    # Binary cross-entropy, not MSE: with a sigmoid, MSE's gradient vanishes when the model is
    # confidently wrong (see the losses_and_gradients example).
    model.compile(optimizer=sgd, loss="binary_crossentropy", metrics=["binary_accuracy"])
    history = model.fit(x, y, epochs=n_epochs, verbose=0)
    (w,), b = model.get_weights()
    print(
        f"logistic: after {n_epochs} epochs w = {w[0]:.4f}, b = {b[0]:.4f}, "
        f"training accuracy = {history.history['binary_accuracy'][-1]:.3f}"
    )
    # The output is 0.5 where w * x + b = 0, at x = -b / w: the learned decision boundary.
    # The data puts it between 5 and 10. The weight moves fast (its gradient is scaled by x, up
    # to 50) but the bias slowly, so after a few hundred small steps the boundary is still low.
    print(f"  decision boundary at x = {-b[0] / w[0]:.2f}")
    print("  P(y=1) for 1, 2, 3, 4, 4.5:", model.predict([1, 2, 3, 4, 4.5], verbose=0).ravel())
    print(
        "  P(y=1) for 11, 21, 31, 41, 500:", model.predict([11, 21, 31, 41, 500], verbose=0).ravel()
    )
    return x, y, model


def plot(linear_run, logistic_run):
    fig = figure(10, 4)
    if fig is None:
        return
    for ax, (x, y, model), title in zip(
        fig.subplots(1, 2), (linear_run, logistic_run), ("Linear regression", "Logistic regression")
    ):
        grid = np.linspace(min(x), max(x), 200)
        ax.plot(x, y, "k.", label="data")
        ax.plot(grid, model.predict(grid, verbose=0), "b", label="model")
        ax.set(title=title, xlabel="x", ylabel="y")
        ax.legend()
    save(fig, "keras_regression")


def main():
    keras.utils.set_random_seed(0)  # the same starting weights on every run
    linear_run = linear(epochs(300))
    logistic_run = logistic(epochs(200))
    plot(linear_run, logistic_run)


if __name__ == "__main__":
    main()
