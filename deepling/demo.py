"""`deepling demo`, the main job: train the 13-64-32-1 Boston housing MLP on the bundled data,
print the test error and draw the training curves and predictions to a PNG."""

from __future__ import annotations

import sys
import time

DEMO_PNG = "deepling-demo.png"


class _EpochBar:
    """One progress bar over all epochs (tqdm when installed, else a line every tenth)."""

    def __init__(self, total: int):
        self.total, self.bar = total, None
        try:
            from tqdm import tqdm
        except ImportError:
            return
        self.bar = tqdm(total=total, desc="training", unit="epoch", file=sys.stderr)

    def update(self, epoch: int, logs: dict) -> None:
        shown = {k: f"{logs[k]:.2f}" for k in ("loss", "val_loss", "mae", "val_mae") if k in logs}
        if self.bar is not None:
            self.bar.set_postfix(shown, refresh=False)
            self.bar.update(1)
        elif (epoch + 1) % max(1, self.total // 10) == 0 or epoch + 1 == self.total:
            print(
                f"epoch {epoch + 1}/{self.total}: "
                + ", ".join(f"{k} {v}" for k, v in shown.items())
            )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _boston():
    """The bundled Boston data, Keras's default split, inputs standardized by the training set."""
    from deepling.keras.datasets import boston_housing

    (x_train, y_train), (x_test, y_test) = boston_housing.load_data()
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    return ((x_train - mean) / std, y_train), ((x_test - mean) / std, y_test)


def _demo_model():
    from deepling.keras import layers, models

    model = models.Sequential(
        [
            layers.Dense(64, activation="relu", input_shape=(13,)),
            layers.Dense(32, activation="relu"),
            layers.Dense(1),
        ]
    )
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return model


def demo(args) -> int:
    import numpy as np

    from deepling import keras

    print("Boston housing: 13 facts about a district -> median house price (k$).")
    print("Model: Dense 13-64-32-1 (ReLU), Adam, mean squared error, batches of 16.")
    keras.utils.set_random_seed(args.seed)
    (x_train, y_train), (x_test, y_test) = _boston()
    model = _demo_model()
    bar = _EpochBar(args.epochs)
    progress = keras.callbacks.LambdaCallback(on_epoch_end=bar.update)
    start = time.perf_counter()
    try:
        # validation_data only records the test loss per epoch for the plot; nothing is chosen
        # by it (the number of epochs is fixed), so the test set stays unseen by training.
        history = model.fit(
            x_train,
            y_train,
            epochs=args.epochs,
            batch_size=16,
            verbose=0,
            validation_data=(x_test, y_test),
            callbacks=[progress],
        )
    finally:
        bar.close()
    took = time.perf_counter() - start
    mse, mae = model.evaluate(x_test, y_test, verbose=0)
    predicted = model.predict(x_test, verbose=0).ravel()
    corr = float(np.corrcoef(predicted, y_test)[0, 1])
    print(f"trained {args.epochs} epochs on {len(x_train)} houses in {took:.1f} s")
    print(f"test MAE: {mae:.2f} k$ (the typical miss on {len(y_test)} unseen houses)")
    print(f"test MSE: {mse:.2f}; correlation of predicted and true prices: {corr:.3f}")
    if not args.no_plot:
        _demo_plot(history.history, y_test, predicted, mae, corr, args.out)
    return 0


def _demo_plot(history, y_test, predicted, mae, corr, path) -> None:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        print(f"(matplotlib is not installed, so no {path}: `pip install matplotlib`)")
        return
    fig = Figure(figsize=(10, 4))
    left, right = fig.subplots(1, 2)
    epochs = range(1, len(history["loss"]) + 1)
    left.plot(epochs, history["loss"], label="training")
    left.plot(epochs, history["val_loss"], label="test")
    left.set(yscale="log", xlabel="epoch", ylabel="mean squared error", title="Loss")
    left.legend()
    right.scatter(y_test, predicted, s=14)
    low, high = float(min(y_test.min(), predicted.min())), float(max(y_test.max(), predicted.max()))
    right.plot([low, high], [low, high], "k--", lw=1)
    right.set(
        xlabel="true price (k$)",
        ylabel="predicted price (k$)",
        title=f"Test set: MAE {mae:.2f} k$, r = {corr:.3f}",
    )
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    print(f"saved {path}")
