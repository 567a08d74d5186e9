"""Time-series forecasting with an LSTM (Keras face): the noisy sine wave of sine_forecast_torch.

Keras tutorial code with `from tensorflow import keras` changed to `from deepling import
keras`. The same windows of 30 steps go into `Sequential([Input((30, 1)), LSTM(32),
Dense(1)])`, trained with `fit` (10% of the training windows held out for validation) and
asked for the last 20% of the series with `predict`, one step ahead.
"""

import numpy as np

from deepling import keras
from deepling.examples._common import epochs, figure, save
from deepling.keras import layers

WINDOW = 30


def make_series(n=1200, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n, dtype=np.float32)
    return (np.sin(2 * np.pi * t / 50) + 0.1 * rng.standard_normal(n)).astype(np.float32)


def windows(series):
    x = np.lib.stride_tricks.sliding_window_view(series[:-1], WINDOW)
    return x[..., None].copy(), series[WINDOW:, None].copy()


def main():
    keras.utils.set_random_seed(0)
    series = make_series()
    split = int(len(series) * 0.8)
    x_train, y_train = windows(series[:split])
    x_test, y_test = windows(series[split - WINDOW :])
    model = keras.Sequential([layers.Input(shape=(WINDOW, 1)), layers.LSTM(32), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    model.summary()
    history = model.fit(x_train, y_train, epochs=epochs(15), batch_size=64,
                        validation_split=0.1, verbose=2)  # fmt: skip
    forecast = model.predict(x_test, verbose=0).ravel()
    mse, mae = model.evaluate(x_test, y_test, verbose=0)
    print(f"test MSE one step ahead: {mse:.4f}  (MAE {mae:.4f})")
    print(f"noise variance (the floor): {0.1**2:.4f}")
    plot(series, split, forecast, history.history)


def plot(series, split, forecast, history):
    fig = figure(10, 4)
    if fig is None:
        return
    ax, curve = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 1]})
    t = np.arange(len(series))
    ax.plot(t, series, color="0.7", label="series (noisy sine)")
    ax.plot(t[split:], forecast, label="forecast, one step ahead")
    ax.axvline(split, color="k", lw=0.8)
    ax.set(xlabel="step", ylabel="value", title="LSTM forecast (Keras face)")
    ax.set_xlim(split - 150, len(series))
    ax.legend(loc="lower left")
    curve.plot(history["loss"], label="training")
    curve.plot(history["val_loss"], label="validation")
    curve.set(xlabel="epoch", ylabel="MSE", yscale="log", title="loss")
    curve.legend()
    save(fig, "sine_forecast_keras")


if __name__ == "__main__":
    main()
