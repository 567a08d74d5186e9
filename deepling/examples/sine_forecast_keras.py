"""Time-series forecasting with an LSTM (Keras face): the noisy sine wave of sine_forecast_torch.

Keras tutorial code with `from tensorflow import keras` changed to `from deepling import
keras`. The same windows of 30 steps go into `Sequential([Input((30, 1)), LSTM(32),
Dense(1)])`, trained with `fit` (10% of the training windows held out for validation) and
asked for the last 20% of the series with `predict`, one step ahead.
"""

from deepling import keras
from deepling.examples._common import epochs, figure, save
from deepling.examples._sine import WINDOW, make_series, plot_forecasts, windows
from deepling.keras import layers


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
    plot_forecasts(ax, series, split, {"forecast, one step ahead": forecast},
                   "LSTM forecast (Keras face)")  # fmt: skip
    curve.plot(history["loss"], label="training")
    curve.plot(history["val_loss"], label="validation")
    curve.set(xlabel="epoch", ylabel="MSE", yscale="log", title="loss")
    curve.legend()
    save(fig, "sine_forecast_keras")


if __name__ == "__main__":
    main()
