"""Recorded Keras 3.15 outputs of Attention and MultiHeadAttention, for
tests/keras/test_layers_attention.py. Made as keras_recurrent.py makes its numbers (same
`values`), with the same side virtualenv:

    KERAS_BACKEND=torch /tmp/k/bin/python tests/reference/keras_attention.py
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from tests.reference.keras_recurrent import as_list, set_weights, values

QUERY, VALUE = (2, 3, 4), (2, 5, 6)
QUERY_MASK = [[True, True, False], [True, True, True]]
VALUE_MASK = [[True, True, True, False, False], [True] * 5]

# name: (layer source, call source); q, v, qm, vm are the inputs and masks
CASES = {
    "attention_dot": ("Attention()", "layer([q, v[..., :4]])"),
    "attention_scale_masked": (
        "Attention(use_scale=True)",
        "layer([q, v[..., :4]], mask=[qm, vm], return_attention_scores=True)",
    ),
    "attention_concat_causal": (
        "Attention(score_mode='concat')",
        "layer([q, q, q], use_causal_mask=True)",
    ),
    "mha_self": ("MultiHeadAttention(num_heads=2, key_dim=3)", "layer(q, q)"),
    "mha_cross_scores": (
        "MultiHeadAttention(num_heads=2, key_dim=3, value_dim=2)",
        "layer(q, v, return_attention_scores=True)",
    ),
    "mha_value_mask": (
        "MultiHeadAttention(num_heads=2, key_dim=3, output_shape=5)",
        "layer(q, v, value_mask=vm, return_attention_scores=True)",
    ),
    "mha_causal": (
        "MultiHeadAttention(num_heads=1, key_dim=4, use_bias=False)",
        "layer(q, q, use_causal_mask=True, return_attention_scores=True)",
    ),
    "mha_attention_mask": (
        "MultiHeadAttention(num_heads=2, key_dim=2)",
        "layer(q, v, attention_mask=np.array(qm)[:, :, None] & np.array(vm)[:, None, :], "
        "return_attention_scores=True)",
    ),
}


def scope():
    return {"q": values(QUERY, 300), "v": values(VALUE, 301), "qm": np.array(QUERY_MASK),
            "vm": np.array(VALUE_MASK), "np": np}  # fmt: skip


def run(layers, name):
    """Build the case's layer, set its weights, and return its outputs as arrays."""
    source, call = CASES[name]
    names = {n: getattr(layers, n) for n in ("Attention", "MultiHeadAttention")}
    layer = eval(source, names)  # noqa: S307 (our own fixed text)
    env = {**scope(), "layer": layer}
    eval(call, env)  # noqa: S307  (builds the layer)
    set_weights(layer)
    return as_list(eval(call, env))  # noqa: S307


def main() -> None:
    import keras
    from keras import layers

    recorded = {"keras": keras.__version__}
    for name in CASES:
        recorded[name] = [o.tolist() for o in run(layers, name)]
    path = Path(__file__).with_suffix(".json")
    path.write_text(json.dumps(recorded))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
