"""TensorFlow 2 quickstart for beginners: a Sequential model on 28x28 digit images. The digits
here are drawn from ten noisy prototypes (no download); the program is the quickstart's.
Written for TensorFlow 2 with Keras 3; the test runs it with deepling's imports."""

import numpy as np
import tensorflow as tf

print("TensorFlow version:", tf.__version__)


def load_digits(n, seed):
    """Images of shape (n, 28, 28) in 0..255 (uint8) and their labels 0..9."""
    prototypes = np.random.default_rng(0).uniform(0, 255, (10, 28, 28))
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, n)
    images = prototypes[labels] + rng.normal(0, 400, (n, 28, 28))
    return np.clip(images, 0, 255).astype("uint8"), labels.astype("uint8")


(x_train, y_train), (x_test, y_test) = load_digits(3000, 1), load_digits(500, 2)
x_train, x_test = x_train / 255.0, x_test / 255.0

tf.random.set_seed(0)
model = tf.keras.models.Sequential(
    [
        tf.keras.layers.Flatten(input_shape=(28, 28)),
        tf.keras.layers.Dense(128, activation="relu"),
        tf.keras.layers.Dropout(0.2),
        tf.keras.layers.Dense(10),
    ]
)
predictions = model(x_train[:1]).numpy()
print(predictions)
print(tf.nn.softmax(predictions).numpy())

loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
initial_loss = float(loss_fn(y_train[:1], predictions).numpy())
print(initial_loss)  # about -log(1/10) = 2.3 for an untrained model

model.compile(optimizer="adam", loss=loss_fn, metrics=["accuracy"])
model.summary()
history = model.fit(x_train, y_train, epochs=3)
test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=2)

probability_model = tf.keras.Sequential([model, tf.keras.layers.Softmax()])
probabilities = probability_model(x_test[:5])
print(probabilities)
