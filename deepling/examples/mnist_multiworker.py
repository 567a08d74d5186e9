"""MNIST on several processes with Keras and tf.distribute.MultiWorkerMirroredStrategy.

Run it on 2 processes with `deepling-run -n 2 -m deepling.examples.mnist_multiworker`. The
model is built and compiled inside `strategy.scope()`, so `fit` splits each batch of 128
images across the processes, averages the gradients, keeps the weights equal, and only rank 0
prints. BackupAndRestore backs up the training state each epoch: under
`deepling-run --max-restarts 2`, a job that failed resumes at the epoch it reached.

Needs the [mpi] extra: `pip install "deepling[mpi]"`.
"""

import os

import deepling.tf as tf
from deepling import keras
from deepling.examples._common import epochs, samples
from deepling.keras.datasets import mnist


def main():
    keras.utils.set_random_seed(0)
    strategy = tf.distribute.MultiWorkerMirroredStrategy()  # every process must create it
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    n = samples(len(x_train))
    x_train, y_train = x_train[:n].astype("float32") / 255, y_train[:n]
    x_test = x_test.astype("float32") / 255
    with strategy.scope():  # models built and compiled here train on every process
        model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                                  keras.layers.Dense(256, activation="relu"),
                                  keras.layers.Dense(128, activation="relu"),
                                  keras.layers.Dense(10, activation="softmax")])  # fmt: skip
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])  # fmt: skip
    backup_dir = os.environ.get("MNIST_MULTIWORKER_BACKUP", "mnist_multiworker_backup")
    backup = keras.callbacks.BackupAndRestore(backup_dir)  # removed when fit completes
    model.fit(x_train, y_train, batch_size=128, epochs=epochs(3), verbose=2, callbacks=[backup])
    loss, accuracy = model.evaluate(x_test, y_test, batch_size=1000, verbose=0)
    if strategy.num_replicas_in_sync == 1 or strategy._replicas.chief:
        print(f"test accuracy {accuracy:.4f} on {strategy.num_replicas_in_sync} processes")


if __name__ == "__main__":
    main()
