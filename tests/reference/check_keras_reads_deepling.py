"""Checks that real Keras 3 opens the `.keras` and `.weights.h5` files deepling writes.

Two steps, two environments (TensorFlow is too big for CI):

    python tests/reference/check_keras_reads_deepling.py write /tmp/dl_files      # deepling
    /tmp/tfenv/bin/python tests/reference/check_keras_reads_deepling.py read /tmp/dl_files

`write` trains small models in deepling (so the optimizer has state), saves them, and records
their predictions, and their weights after one more full-batch training step. `read` loads each
file with `keras.models.load_model`, compares the predictions, takes the same training step in
Keras (which uses the optimizer state read from the file) and compares the weights after it.
"""

import os
import sys

import numpy as np

MODELS = ("mlp", "two_inputs", "regression", "recurrent", "bidirectional", "cnn")
SPARSE_UPDATED = {"recurrent": {0}}  # Keras's TF backend: sparse Adam on the Embedding


def build(keras, name):
    rng = np.random.default_rng(0)
    if name == "mlp":
        model = keras.Sequential([
            keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
            keras.layers.BatchNormalization(), keras.layers.Dense(3, activation="softmax"),
        ])  # fmt: skip
        model.compile(keras.optimizers.Adam(1e-2), "sparse_categorical_crossentropy", metrics=["accuracy"])  # fmt: skip
        return model, [rng.normal(size=(16, 4)).astype("float32")], rng.integers(0, 3, 16)
    if name == "two_inputs":
        features, tokens = keras.Input((4,), name="features"), keras.Input((3,), dtype="int32")
        a = keras.layers.Dense(5, activation="tanh")(features)
        e = keras.layers.Flatten()(keras.layers.LayerNormalization()(keras.layers.Embedding(10, 2)(tokens)))  # fmt: skip
        model = keras.Model([features, tokens], keras.layers.Dense(1)(keras.layers.Concatenate()([a, e])))  # fmt: skip
        model.compile(keras.optimizers.SGD(0.05, momentum=0.9), "mse", metrics=["mae"])
        x = [rng.normal(size=(16, 4)).astype("float32"), rng.integers(0, 10, (16, 3))]
        return model, x, rng.normal(size=(16, 1)).astype("float32")
    if name == "recurrent":
        model = keras.Sequential([
            keras.Input((6,), dtype="int32"), keras.layers.Embedding(20, 4, mask_zero=True),
            keras.layers.LSTM(5, return_sequences=True), keras.layers.GRU(3),
            keras.layers.Dense(1, activation="sigmoid"),
        ])  # fmt: skip
        model.compile(keras.optimizers.Adam(1e-2), "binary_crossentropy", metrics=["accuracy"])
        x = rng.integers(1, 20, (16, 6))
        x[:4, 4:] = 0
        return model, [x], rng.integers(0, 2, (16, 1)).astype("float32")
    if name == "bidirectional":
        model = keras.Sequential([
            keras.Input((5, 3)), keras.layers.Bidirectional(keras.layers.SimpleRNN(4)),
            keras.layers.Dense(2),
        ])  # fmt: skip
        model.compile(keras.optimizers.Adam(1e-2), "mse")
        return model, [rng.normal(size=(16, 5, 3)).astype("float32")], rng.normal(size=(16, 2))
    if name == "cnn":
        model = keras.Sequential([
            keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3, activation="relu"),
            keras.layers.MaxPooling2D(), keras.layers.BatchNormalization(),
            keras.layers.Flatten(), keras.layers.Dense(3, activation="softmax"),
        ])  # fmt: skip
        model.compile(keras.optimizers.Adam(1e-2), "sparse_categorical_crossentropy", metrics=["accuracy"])  # fmt: skip
        return model, [rng.normal(size=(16, 8, 8, 1)).astype("float32")], rng.integers(0, 3, 16)
    model = keras.Sequential([
        keras.Input((3,)), keras.layers.Dense(6, activation="elu"), keras.layers.Dense(1),
    ])  # fmt: skip
    model.compile(keras.optimizers.RMSprop(1e-2, momentum=0.5, centered=True), "mse")
    return model, [rng.normal(size=(16, 3)).astype("float32")], rng.normal(size=(16, 1))


def _x(x):
    return x if len(x) > 1 else x[0]


def write(folder):
    from deepling import keras

    os.makedirs(folder, exist_ok=True)
    for name in MODELS:
        model, x, y = build(keras, name)
        model.fit(_x(x), y, epochs=3, batch_size=8, shuffle=False, verbose=0)
        model.save(os.path.join(folder, f"{name}.keras"))
        model.save_weights(os.path.join(folder, f"{name}.weights.h5"))
        probe = model.predict(_x(x), verbose=0)
        model.fit(_x(x), y, epochs=1, batch_size=16, shuffle=False, verbose=0)
        after = model.get_weights()
        np.savez(os.path.join(folder, f"{name}.npz"), y=probe, **{f"x{i}": a for i, a in enumerate(x)},
                 target=y, **{f"w{i}": w for i, w in enumerate(after)})  # fmt: skip
        print("wrote", name)


def read(folder):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    failures = 0
    for name in MODELS:
        ref = np.load(os.path.join(folder, f"{name}.npz"))
        x = [ref[k] for k in sorted(ref.files) if k.startswith("x")]
        model = keras.models.load_model(os.path.join(folder, f"{name}.keras"))
        gap = float(np.abs(model.predict(_x(x), verbose=0) - ref["y"]).max())
        fresh, _, _ = build(keras, name)
        fresh.load_weights(os.path.join(folder, f"{name}.weights.h5"))
        gap_weights = float(np.abs(fresh.predict(_x(x), verbose=0) - ref["y"]).max())
        model.fit(_x(x), ref["target"], epochs=1, batch_size=16, shuffle=False, verbose=0)
        after = [ref[f"w{i}"] for i in range(len(model.get_weights()))]
        skip = SPARSE_UPDATED.get(name, set())
        pairs = [
            (a, b) for i, (a, b) in enumerate(zip(model.get_weights(), after)) if i not in skip
        ]
        step_gap = max(float(np.abs(a - b).max()) for a, b in pairs)
        ok = gap < 1e-5 and gap_weights < 1e-5 and step_gap < 1e-5
        failures += not ok
        print(f"{name}: predictions {gap:.1e}, from .weights.h5 {gap_weights:.1e}, after one more step {step_gap:.1e}", "ok" if ok else "FAILED")  # fmt: skip
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    {"write": write, "read": read}[sys.argv[1]](sys.argv[2])
