"""Recorded Keras 3.15 outputs of recurrent layers, for tests/keras/test_layers_recurrent.py.

Each case builds a layer from the same source text in Keras and in deepling, sets the same
weights (made by `values`, a fixed formula), and calls it on the same inputs (and mask, and
initial state). Run once, in a side virtualenv that has Keras (TensorFlow is not installable
in CI), to write keras_recurrent.json:

    python -m venv --system-site-packages /tmp/k && /tmp/k/bin/pip install keras==3.15.1
    KERAS_BACKEND=torch /tmp/k/bin/python tests/reference/keras_recurrent.py

The test imports CASES and the helpers from here; only `main` imports Keras.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

BATCH, STEPS, FEATURES, UNITS = 2, 5, 3, 3
MASK = [[True, True, True, False, False], [False, True, True, True, True]]

# name: (layer source, call options)
CASES = {
    "simple_rnn_sequences": ("SimpleRNN(3, return_sequences=True)", {}),
    "simple_rnn_relu_backwards": ("SimpleRNN(3, activation='relu', go_backwards=True)", {}),
    "lstm_sequences_state": ("LSTM(3, return_sequences=True, return_state=True)", {}),
    "lstm_backwards_sequences": ("LSTM(3, go_backwards=True, return_sequences=True)", {}),
    "lstm_no_bias_initial_state": ("LSTM(3, use_bias=False, return_state=True)", {"state": 2}),
    "lstm_masked": ("LSTM(3, return_sequences=True, return_state=True)", {"mask": True}),
    "lstm_masked_zero_output": (
        "LSTM(3, return_sequences=True, zero_output_for_mask=True)",
        {"mask": True},
    ),  # fmt: skip
    "lstm_relu_hard_sigmoid": (
        "LSTM(3, activation='relu', recurrent_activation='hard_sigmoid', return_sequences=True)",
        {},
    ),
    "gru_reset_after": ("GRU(3, return_sequences=True, return_state=True)", {}),
    "gru_reset_before": ("GRU(3, reset_after=False, return_sequences=True)", {}),
    "gru_masked_backwards": ("GRU(3, go_backwards=True, return_sequences=True)", {"mask": True}),
    "gru_initial_state": ("GRU(3)", {"state": 1}),
    "rnn_lstm_cell": ("RNN(LSTMCell(3), return_sequences=True)", {}),
    "rnn_stacked_cells": ("RNN([GRUCell(3), SimpleRNNCell(3)], return_state=True)", {}),
    "bidirectional_concat": ("Bidirectional(LSTM(3, return_sequences=True))", {}),
    "bidirectional_sum_masked": (
        "Bidirectional(GRU(3, return_sequences=True), merge_mode='sum')",
        {"mask": True},
    ),  # fmt: skip
    "bidirectional_ave_last": ("Bidirectional(SimpleRNN(3), merge_mode='ave')", {"mask": True}),
    "bidirectional_none_state": ("Bidirectional(LSTM(3, return_state=True), merge_mode=None)", {}),
    "bidirectional_mul": ("Bidirectional(LSTM(3, return_sequences=True), merge_mode='mul')", {}),
    "time_distributed_dense": ("TimeDistributed(Dense(2, activation='tanh'))", {}),
}


def values(shape, k: int) -> np.ndarray:
    """Fixed numbers of `shape` (float32), different for each k."""
    n = int(np.prod(shape))
    return (0.6 * np.sin(1.3 * np.arange(n) + 0.7 * k)).reshape(shape).astype(np.float32)


def inputs():
    return values((BATCH, STEPS, FEATURES), 100)


def call_options(options):
    """The keyword arguments of the call: a mask, initial states."""
    kwargs = {}
    if options.get("mask"):
        kwargs["mask"] = np.array(MASK)
    if options.get("state"):
        kwargs["initial_state"] = [values((BATCH, UNITS), 200 + i) for i in range(options["state"])]
    return kwargs


def set_weights(layer) -> list:
    arrays = [values(w.shape, i) for i, w in enumerate(layer.weights)]
    layer.set_weights(arrays)
    return arrays


def as_list(out) -> list:
    """The outputs, nested lists flattened, as arrays."""
    if isinstance(out, (list, tuple)):
        return [a for o in out for a in as_list(o)]
    return [np.asarray(out.detach().cpu().numpy() if hasattr(out, "detach") else out)]


def main() -> None:
    import keras
    from keras import layers

    scope = {name: getattr(layers, name) for name in dir(layers) if name[0].isupper()}
    recorded = {"keras": keras.__version__}
    for name, (source, options) in CASES.items():
        layer = eval(source, scope)  # noqa: S307 (our own fixed text)
        x = inputs()
        layer(x, **call_options(options))  # build
        set_weights(layer)
        recorded[name] = [o.tolist() for o in as_list(layer(x, **call_options(options)))]
    path = Path(__file__).with_suffix(".json")
    path.write_text(json.dumps(recorded))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
