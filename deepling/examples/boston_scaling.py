"""Boston housing: standardization vs min-max scaling (seed 004).

Predicting a number (a house price) is regression: mean squared error as the loss, mean
absolute error (MAE) and the correlation between predictions and true prices to judge it.
The 13 inputs have very different scales (a tax rate near 400, a nitric oxide level near 0.5).
The network learns faster and better when every input has a similar scale, by either
- standardization: (x - mean) / std, so each column has mean 0 and spread 1, or
- min-max scaling: (x - min) / (max - min), so each column lies in [0, 1].
Both use the TRAINING set's statistics for the test set too: the test set stands for data
we have not seen yet, so it cannot lend us its mean or its range.
"""

import numpy as np

from deepling import keras
from deepling.examples._common import epochs, figure, save
from deepling.keras.datasets.boston_housing import load_data
from deepling.keras.layers import Dense
from deepling.keras.models import Sequential


def standardize(x_train, x_test):
    mean = np.mean(x_train, axis=0)
    std = np.std(x_train, axis=0)
    return (x_train - mean) / std, (x_test - mean) / std


def min_max(x_train, x_test):
    max_x = np.max(x_train, axis=0)
    min_x = np.min(x_train, axis=0)
    return (x_train - min_x) / (max_x - min_x), (x_test - min_x) / (max_x - min_x)


def raw(x_train, x_test):
    return x_train, x_test


def train_and_test(x_train, y_train, x_test, y_test, n_epochs):
    keras.utils.set_random_seed(777)  # the same starting weights for each scaling
    model = Sequential()
    model.add(Dense(64, activation="relu", input_shape=(13,)))
    model.add(Dense(32, activation="relu"))
    model.add(Dense(1))  # no activation: the price itself comes out
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    history = model.fit(x_train, y_train, epochs=n_epochs, verbose=0)
    mse, mae = model.evaluate(x_test, y_test, verbose=0)
    result = model.predict(x_test, verbose=0)
    corr = np.corrcoef(result.flatten(), y_test)[0, 1]  # 1 would be a perfect ranking
    return history.history["loss"], result.flatten(), (mse, mae, corr)


def main():
    (x_train, y_train), (x_test, y_test) = load_data(
        path="boston_housing.npz", test_split=0.2, seed=777
    )
    print("shapes:", x_train.shape, y_train.shape, x_test.shape, y_test.shape)
    n_epochs = epochs(100)
    runs = {}
    print(
        f"{'inputs':16} {'test MSE':>9} {'test MAE':>9} {'correlation':>12}   ({n_epochs} epochs)"
    )
    for name, scale in (("raw", raw), ("standardized", standardize), ("min-max", min_max)):
        a, b = scale(x_train, x_test)
        curve, predicted, (mse, mae, corr) = train_and_test(a, y_train, b, y_test, n_epochs)
        runs[name] = (curve, predicted)
        print(f"{name:16} {mse:9.2f} {mae:9.2f} {corr:12.4f}")
    print("(MAE is in thousands of dollars: the typical miss of a predicted price)")
    plot(runs, y_test)


def plot(runs, y_test):
    fig = figure(11, 4.5)
    if fig is None:
        return
    left, right = fig.subplots(1, 2)
    for name, (curve, predicted) in runs.items():
        left.plot(np.arange(1, len(curve) + 1), curve, label=name)
        right.scatter(y_test, predicted, s=12, label=name)
    left.set(yscale="log", xlabel="epoch", ylabel="training MSE", title="Training loss")
    left.legend()
    low, high = y_test.min(), y_test.max()
    right.plot([low, high], [low, high], "k--", lw=1, label="perfect")
    right.set(xlabel="true price (k$)", ylabel="predicted price (k$)", title="Test set")
    right.legend()
    save(fig, "boston_scaling")


if __name__ == "__main__":
    main()
