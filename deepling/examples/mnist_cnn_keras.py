"""MNIST with a LeNet-style CNN, the Keras way: about 99% test accuracy in 4 epochs.

The same network as `mnist_cnn_torch`, in Keras's words: Conv2D layers with 5x5 filters find
strokes anywhere in the image, MaxPooling2D halves it, Dense layers decide. Keras keeps images
channels last, (28, 28, 1), and its kernels as (height, width, in, out).

The data (four files, about 11 MB) is read from $DEEPLING_HOME/datasets/mnist/ (by default
~/.deepling/datasets/mnist/) and downloaded there on the first run when you are online.
"""

import time

import numpy as np

from deepling import keras
from deepling.examples._common import epochs
from deepling.examples._mnist import load
from deepling.examples._mnist_figure import mnist_figure
from deepling.keras import layers


def build():
    model = keras.Sequential(
        [
            layers.Input(shape=(28, 28, 1)),
            layers.Conv2D(6, 5, padding="same", activation="relu"),  # -> (28, 28, 6)
            layers.MaxPooling2D(),  # -> (14, 14, 6)
            layers.Conv2D(16, 5, activation="relu"),  # -> (10, 10, 16)
            layers.MaxPooling2D(),  # -> (5, 5, 16)
            layers.Flatten(),
            layers.Dense(120, activation="relu"),
            layers.Dense(84, activation="relu"),
            layers.Dense(10, activation="softmax"),  # one probability per digit
        ]
    )
    # Batches of 128 with a slightly larger step than Adam's default 0.001.
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.002),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def main():
    keras.utils.set_random_seed(0)
    (x_train, y_train), (x_test, y_test) = load(channel_axis=True)
    print(f"training images {x_train.shape}, test images {x_test.shape}")
    model = build()
    model.summary()
    start = time.perf_counter()
    history = model.fit(x_train, y_train, batch_size=128, epochs=epochs(4),
                        validation_data=(x_test, y_test), verbose=2)  # fmt: skip
    took = time.perf_counter() - start
    loss, accuracy = model.evaluate(x_test, y_test, batch_size=1000, verbose=0)
    print(f"test accuracy {accuracy:.4f}, test loss {loss:.4f} (training took {took:.1f} s)")
    predicted = np.argmax(model.predict(x_test, batch_size=1000, verbose=0), axis=1)
    kernel = model.layers[0].get_weights()[0]  # (5, 5, 1, 6): Keras's layout
    filters = kernel[:, :, 0, :].transpose(2, 0, 1)
    mnist_figure("mnist_cnn_keras", history.history, x_test[..., 0], y_test, predicted, filters)


if __name__ == "__main__":
    main()
