"""The MNIST arrays of the Keras-face examples, and what every MNIST example says when the
files are missing and cannot be downloaded."""

from __future__ import annotations

from deepling.datasets import DatasetNotFoundError, data_home
from deepling.examples._common import samples
from deepling.keras.datasets import mnist


def exit_missing(error: DatasetNotFoundError):
    """Say which files to copy where, and stop the example with exit code 1."""
    print(f"The MNIST files are missing and could not be downloaded:\n{error}\n")
    print(
        f"Copy train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
        f"t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz into "
        f"{data_home() / 'mnist'} (or set DEEPLING_HOME), then run this again."
    )
    raise SystemExit(1) from None


def load(channel_axis: bool = False):
    """((x_train, y_train), (x_test, y_test)) with pixels 0..255 scaled to 0..1 (inputs of
    about unit scale let a network learn quickly), images (n, 28, 28), or (n, 28, 28, 1) with
    `channel_axis`; all 60,000 training images unless a quick run asks for fewer."""
    try:
        (x_train, y_train), (x_test, y_test) = mnist.load_data()
    except DatasetNotFoundError as e:
        exit_missing(e)
    n = samples(len(x_train))
    if channel_axis:
        x_train, x_test = x_train[..., None], x_test[..., None]
    x_train = x_train[:n].astype("float32") / 255
    x_test = x_test.astype("float32") / 255
    return (x_train, y_train[:n]), (x_test, y_test)
