"""MNIST handwritten digits: a 784-256-128-10 MLP, about 98% test accuracy in 4 epochs.

The handwritten-digits lesson in Keras. Each image is 28 x 28 gray pixels; Flatten turns it
into 784 numbers, two hidden layers with ReLU find strokes and shapes, and a softmax layer
gives one probability per digit. The labels stay digits 0-9 (no one-hot encoding needed) with
the `sparse_categorical_crossentropy` loss.

The data (four files, about 11 MB) is read from $DEEPLING_HOME/datasets/mnist/ (by default
~/.deepling/datasets/mnist/) and downloaded there on the first run when you are online.
"""

import time

import numpy as np

from deepling import keras
from deepling.examples._common import epochs
from deepling.examples._mnist import load
from deepling.examples._mnist_figure import mnist_figure
from deepling.keras.layers import Dense, Flatten
from deepling.keras.models import Sequential


def build():
    model = Sequential(
        [
            Flatten(input_shape=(28, 28)),  # (28, 28) image -> 784 numbers
            Dense(256, activation="relu"),
            Dense(128, activation="relu"),
            Dense(10, activation="softmax"),  # one probability per digit
        ]
    )
    # Adam with its default learning rate (0.001); integer labels -> the "sparse" loss.
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def main():
    keras.utils.set_random_seed(0)
    (x_train, y_train), (x_test, y_test) = load()
    print(f"training images {x_train.shape}, test images {x_test.shape}")
    model = build()
    model.summary()
    start = time.perf_counter()
    # 128 images per step: 469 steps per pass over the 60,000 training images.
    # validation_data: the test set is scored after each epoch (it never trains the model),
    # so the figure shows both curves.
    history = model.fit(x_train, y_train, batch_size=128, epochs=epochs(4),
                        validation_data=(x_test, y_test))  # fmt: skip
    took = time.perf_counter() - start
    # Evaluating needs no gradients, so big batches are fine (and faster than the default 32).
    loss, accuracy = model.evaluate(x_test, y_test, batch_size=1000, verbose=0)
    print(f"test accuracy {accuracy:.4f}, test loss {loss:.4f} (training took {took:.1f} s)")
    predicted = np.argmax(model.predict(x_test, batch_size=1000, verbose=0), axis=1)
    print("first test digits:", y_test[:12], "predicted:", predicted[:12])
    # The figure: loss and accuracy per epoch on their own labelled axes, and test digits the
    # model got wrong, each marked "true -> predicted".
    mnist_figure("mnist_mlp", history.history, x_test, y_test, predicted)


if __name__ == "__main__":
    main()
