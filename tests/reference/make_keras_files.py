"""Writes the real-Keras files that tests/keras/test_keras_files.py opens with deepling.

Run once in a side virtualenv (TensorFlow is too big for CI):

    python -m venv /tmp/tfenv && /tmp/tfenv/bin/pip install tensorflow-cpu==2.21.0 h5py
    /tmp/tfenv/bin/python tests/reference/make_keras_files.py [name ...]

Named models only, when names are given (the others' files stay as they are: a `.keras` file
records when it was saved, so writing it again changes its bytes).

Each model is built, compiled, trained a few steps on fixed random data (so optimizer state
exists), saved as `<name>.keras` (and the first also as `<name>.weights.h5` and as a legacy `.h5`); its
predictions on fixed inputs go to `<name>.npz` (`x0`, `x1`, ..., `y`, `target`), with, for
models without dropout, the weights after one more full-batch step (`w0`, `w1`, ...), which
deepling must reach from the optimizer state it reads.
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "keras_files")
rng = np.random.default_rng(0)


def mlp():
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.BatchNormalization(),
            keras.layers.Dropout(0.1),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    model.compile(
        keras.optimizers.Adam(1e-2), "sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    return model, [rng.normal(size=(16, 4)).astype("float32")], rng.integers(0, 3, 16)


def two_inputs():
    features = keras.Input((4,), name="features")
    tokens = keras.Input((3,), dtype="int32")
    a = keras.layers.Dense(5, activation="tanh")(features)
    e = keras.layers.Embedding(10, 2)(tokens)
    e = keras.layers.Flatten()(keras.layers.LayerNormalization()(e))
    out = keras.layers.Dense(1)(keras.layers.Concatenate()([a, e]))
    model = keras.Model([features, tokens], out)
    model.compile(keras.optimizers.SGD(0.05, momentum=0.9), "mse", metrics=["mae"])
    x = [rng.normal(size=(16, 4)).astype("float32"), rng.integers(0, 10, (16, 3))]
    return model, x, rng.normal(size=(16, 1)).astype("float32")


def rmsprop_regression():
    model = keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.Dense(6, activation="elu"),
            keras.layers.Reshape((2, 3)),
            keras.layers.LayerNormalization(),
            keras.layers.Flatten(),
            keras.layers.Dense(1),
        ]
    )
    model.compile(keras.optimizers.RMSprop(1e-3), keras.losses.Huber())
    return model, [rng.normal(size=(16, 3)).astype("float32")], rng.normal(size=(16, 1))


def recurrent_text():
    model = keras.Sequential(
        [
            keras.Input((6,), dtype="int32"),
            keras.layers.Embedding(20, 4, mask_zero=True),
            keras.layers.LSTM(5, return_sequences=True),
            keras.layers.GRU(3),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(keras.optimizers.Adam(1e-2), "binary_crossentropy", metrics=["accuracy"])
    x = rng.integers(1, 20, (16, 6))
    x[:4, 4:] = 0  # padding, masked by mask_zero
    return model, [x], rng.integers(0, 2, (16, 1)).astype("float32")


def bidirectional():
    model = keras.Sequential(
        [
            keras.Input((5, 3)),
            keras.layers.Bidirectional(keras.layers.SimpleRNN(4)),
            keras.layers.Dense(2),
        ]
    )
    model.compile(keras.optimizers.Adam(1e-2), "mse")
    return model, [rng.normal(size=(16, 5, 3)).astype("float32")], rng.normal(size=(16, 2))


def cnn():
    model = keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Conv2D(4, 3, activation="relu"),
            keras.layers.MaxPooling2D(),
            keras.layers.BatchNormalization(),
            keras.layers.Flatten(),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    model.compile(
        keras.optimizers.Adam(1e-2), "sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    return model, [rng.normal(size=(16, 8, 8, 1)).astype("float32")], rng.integers(0, 3, 16)


MODELS = {
    "mlp": mlp,
    "two_inputs": two_inputs,
    "rmsprop_regression": rmsprop_regression,
    "recurrent_text": recurrent_text,
    "bidirectional": bidirectional,
    "cnn": cnn,
}


def main(names=()):
    os.makedirs(HERE, exist_ok=True)
    for name, make in MODELS.items():
        keras.utils.set_random_seed(0)
        model, x, y = make()  # every model draws its data, so each one's data stays the same
        if names and name not in names:
            continue
        model.fit(x if len(x) > 1 else x[0], y, epochs=2, batch_size=8, verbose=0)
        model.save(os.path.join(HERE, f"{name}.keras"))
        if name == "mlp":
            model.save_weights(os.path.join(HERE, f"{name}.weights.h5"))
            model.save(os.path.join(HERE, f"{name}.h5"))  # the legacy whole-model HDF5 file
        probe = model.predict(x if len(x) > 1 else x[0], verbose=0)
        arrays = {"y": probe, "target": y, **{f"x{i}": a for i, a in enumerate(x)}}
        if name != "mlp":  # (its Dropout draws differ between frameworks) one more step
            model.fit(x if len(x) > 1 else x[0], y, epochs=1, batch_size=16, shuffle=False, verbose=0)  # fmt: skip
            arrays.update({f"w{i}": w for i, w in enumerate(model.get_weights())})
        np.savez(os.path.join(HERE, f"{name}.npz"), **arrays)
        print(name, "saved", probe.shape)


if __name__ == "__main__":
    main(sys.argv[1:])
