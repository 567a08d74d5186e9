"""MultiWorkerMirroredStrategy + compile/fit; each rank saves its weights and history, and the
run leaves a CSV log and checkpoints that only rank 0 writes."""

import json
import sys

import numpy as np
from common import classification

import deepling.tf as tf
from deepling import keras

out, seed = sys.argv[1], 11
keras.utils.set_random_seed(seed)
strategy = tf.distribute.MultiWorkerMirroredStrategy()
rank = strategy._replicas.rank if strategy._replicas else 0
x, y = classification(247)  # 197 to train: 3 global batches of 64, then 5 (uneven shares)


def build():
    model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(32, activation="tanh"),
                              keras.layers.Dense(3, activation="softmax")])  # fmt: skip
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])  # fmt: skip
    return model


with strategy.scope():
    model = build()
callbacks = [keras.callbacks.CSVLogger(f"{out}/log.csv"),
             keras.callbacks.ModelCheckpoint(f"{out}/ckpt-{{epoch}}-r{rank}.weights.h5",
                                             save_weights_only=True)]  # fmt: skip
history = model.fit(x, y, batch_size=64, epochs=4, verbose=2, callbacks=callbacks,
                    validation_split=0.2)  # fmt: skip
np.save(f"{out}/w{rank}.npy", np.concatenate([w.ravel() for w in model.get_weights()]))
with open(f"{out}/history{rank}.json", "w") as f:
    json.dump(history.history, f)
