# A Keras multi-worker tutorial: MultiWorkerMirroredStrategy, model built and compiled in its
# scope, then fit (deepling: `deepling-run -n 2 multiworker_keras.py`).
import numpy as np
import tensorflow as tf
from tensorflow import keras

strategy = tf.distribute.MultiWorkerMirroredStrategy()
print("Number of replicas:", strategy.num_replicas_in_sync)

rng = np.random.default_rng(1)
x = rng.normal(size=(600, 8)).astype("float32")
y = (x[:, 0] * x[:, 1] > 0).astype("int64")  # XOR of two signs: needs the hidden layer

with strategy.scope():
    model = keras.Sequential(
        [
            keras.Input(shape=(8,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(2, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(0.01),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )

history = model.fit(x, y, batch_size=32 * strategy.num_replicas_in_sync, epochs=15, verbose=2)
print(
    f"first loss {history.history['loss'][0]:.4f} last loss {history.history['loss'][-1]:.4f}"
    f" accuracy {history.history['accuracy'][-1]:.4f}"
)
