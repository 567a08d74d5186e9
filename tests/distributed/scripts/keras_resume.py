"""fit with BackupAndRestore under deepling-run; on the first start (DEEPLING_RESTART_COUNT=0)
rank 1 is killed at the start of epoch 3 unless `--no-kill` is given. Saves rank 0's weights."""

import os
import signal
import sys

import numpy as np
from common import classification

import deepling.tf as tf
from deepling import keras

out, kill = sys.argv[1], "--no-kill" not in sys.argv
keras.utils.set_random_seed(5)
strategy = tf.distribute.MultiWorkerMirroredStrategy()
rank = strategy._replicas.rank
x, y = classification(240)


class KillRankOne(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        first_start = os.environ.get("DEEPLING_RESTART_COUNT") == "0"
        if kill and first_start and rank == 1 and epoch == 2:
            os.kill(os.getpid(), signal.SIGKILL)


with strategy.scope():
    model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dropout(0.2), keras.layers.Dense(3)])  # fmt: skip
    model.compile(optimizer="adam",
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))  # fmt: skip
backup = keras.callbacks.BackupAndRestore(f"{out}/backup")
model.fit(x, y, batch_size=32, epochs=5, verbose=0, callbacks=[backup, KillRankOne()])
if rank == 0:
    np.save(f"{out}/weights.npy", np.concatenate([w.ravel() for w in model.get_weights()]))
    print("restarted" if os.environ.get("DEEPLING_RESTART_COUNT") != "0" else "first start")
