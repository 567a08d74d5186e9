"""A small CNN, Keras style: vertical bars, horizontal bars and crosses in noisy 16x16 images,
channels last. Conv2D, MaxPooling2D, SeparableConv2D, GlobalAveragePooling2D, a random flip
as augmentation while training; compile, fit with a validation split, evaluate."""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)


def make_images(n):
    labels = rng.integers(0, 3, n)
    images = 0.3 * rng.standard_normal((n, 16, 16, 1)).astype("float32")
    where = rng.integers(3, 13, n)
    rows = np.arange(n)
    vertical, horizontal = labels != 1, labels != 0
    images[rows[vertical], :, where[vertical], 0] += 1.0
    images[rows[horizontal], where[horizontal], :, 0] += 1.0
    return images, labels


x_train, y_train = make_images(600)
x_test, y_test = make_images(200)
model = keras.Sequential(
    [
        keras.Input(shape=(16, 16, 1)),
        layers.RandomFlip("horizontal"),  # a flipped bar is still the same kind of bar
        layers.Conv2D(8, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.SeparableConv2D(16, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.GlobalAveragePooling2D(),
        layers.Dense(3, activation="softmax"),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])  # fmt: skip
history = model.fit(x_train, y_train, epochs=8, batch_size=32, validation_split=0.1, verbose=0)
loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"test accuracy {accuracy:.3f}")
