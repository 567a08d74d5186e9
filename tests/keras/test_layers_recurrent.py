"""Keras's recurrent layers, wrappers and masks against outputs recorded from Keras 3.15
(tests/reference/keras_recurrent.py), plus shapes, weights, gradients and bad input."""

import json
from pathlib import Path

import numpy as np
import pytest

import deepling as dl
from deepling.keras import Sequential, layers
from deepling.keras.layers.masks import get_mask
from tests.reference import keras_recurrent as ref

RECORDED = json.loads(Path(ref.__file__).with_suffix(".json").read_text())
SCOPE = {name: getattr(layers, name) for name in dir(layers) if name[0].isupper()}


@pytest.mark.parametrize("name", list(ref.CASES))
def test_outputs_match_recorded_keras(name):
    source, options = ref.CASES[name]
    layer = eval(source, SCOPE)  # noqa: S307 (the reference's fixed text)
    x = ref.inputs()
    layer(x, **ref.call_options(options))
    ref.set_weights(layer)
    ours = ref.as_list([o.numpy() for o in _flat(layer(x, **ref.call_options(options)))])
    theirs = [np.array(o) for o in RECORDED[name]]
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, atol=2e-6, rtol=1e-5)


def _flat(out):
    if isinstance(out, (list, tuple)):
        return [a for o in out for a in _flat(o)]
    return [out]


def test_weight_layouts_are_keras():
    lstm = layers.LSTM(4)
    lstm(np.ones((1, 2, 3), "float32"))
    assert [tuple(w.shape) for w in lstm.weights] == [(3, 16), (4, 16), (16,)]
    np.testing.assert_array_equal(lstm.cell.bias.numpy(), [0] * 4 + [1] * 4 + [0] * 8)
    u = lstm.cell.recurrent_kernel.numpy()  # orthogonal
    np.testing.assert_allclose(u @ u.T, np.eye(4), atol=1e-5)
    gru = layers.GRU(4, reset_after=False)
    gru(np.ones((1, 2, 3), "float32"))
    assert [tuple(w.shape) for w in gru.weights] == [(3, 12), (4, 12), (12,)]
    assert lstm.count_params() == 3 * 16 + 4 * 16 + 16


def test_fused_and_composed_cells_agree_with_gradients():
    """The fused step (default activations) and the cell's own call give the same values and
    gradients: the composed path is Keras's formula written with ops."""
    x = dl.tensor(ref.values((2, 5, 3), 1), requires_grad=True)
    grads = []
    for fused in (True, False):
        layer = layers.GRU(3, return_sequences=True)
        layer(x)
        ref.set_weights(layer)
        if not fused:
            layer.cell.fused_step = lambda training: None
        out = layer(x)
        (out * dl.tensor(ref.values(out.shape, 7))).sum().backward()
        grads.append([out.numpy(), x.grad.numpy().copy()] + [w.grad.numpy() for w in layer.weights])
        x.grad = None
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, atol=1e-5)


def test_embedding_mask_reaches_the_lstm_and_masked_steps_keep_state():
    emb = layers.Embedding(10, 3, mask_zero=True)
    lstm = layers.LSTM(4, return_sequences=True)
    tokens = np.array([[5, 2, 0, 0], [1, 2, 3, 4]])
    e = emb(tokens)
    np.testing.assert_array_equal(get_mask(e), tokens != 0)
    out = lstm(e).numpy()
    np.testing.assert_array_equal(out[0, 2], out[0, 1])
    np.testing.assert_array_equal(out[0, 3], out[0, 1])
    unmasked = lstm(e, mask=np.ones((2, 4), bool)).numpy()
    assert not np.allclose(unmasked[0, 3], unmasked[0, 1])


def test_masks_flow_through_sequential_and_functional_models():
    tokens = np.array([[3, 4, 0, 0, 0], [1, 2, 3, 4, 5]])
    pieces = [layers.Embedding(8, 3, mask_zero=True), layers.Dropout(0.0),
              layers.LSTM(4, return_sequences=True), layers.LSTM(2)]  # fmt: skip
    model = Sequential(pieces)
    out = model(tokens).numpy()
    short = Sequential(pieces)(tokens[:1, :2]).numpy()  # the padding changes nothing
    np.testing.assert_allclose(out[0], short[0], atol=1e-6)
    inputs = layers.Input(shape=(5,))
    x = pieces[0](inputs)
    x = pieces[2](x)
    functional = dl.keras.Model(inputs, pieces[3](x))
    np.testing.assert_allclose(functional(tokens).numpy(), out, atol=1e-6)


def test_masking_layer_masks_all_zero_steps():
    x = np.array([[[1.0, 2.0], [0.0, 0.0], [3.0, 0.0]]], "float32")
    out = layers.Masking()(x)
    np.testing.assert_array_equal(get_mask(out), [[True, False, True]])
    rnn = layers.SimpleRNN(2, return_sequences=True)
    y = rnn(out).numpy()
    np.testing.assert_array_equal(y[0, 1], y[0, 0])


def test_a_layer_without_mask_support_warns_and_drops_it():
    e = layers.Embedding(5, 2, mask_zero=True)(np.array([[1, 0]]))
    with pytest.warns(UserWarning, match="does not support masking"):
        out = layers.Flatten()(e)
    assert get_mask(out) is None


def test_stateful_layer_keeps_its_states_between_batches():
    layer = layers.GRU(3, stateful=True)
    x = ref.values((2, 4, 3), 3)
    first = layer(x).numpy()
    second = layer(x).numpy()
    assert not np.allclose(first, second)
    layer.reset_states()
    np.testing.assert_allclose(layer(x).numpy(), first, atol=1e-6)
    with pytest.raises(ValueError, match="Expected batch size: 2"):
        layer(x[:1])


def test_dropout_only_in_training_and_masks_shared_over_steps():
    layer = layers.LSTM(3, dropout=0.5, recurrent_dropout=0.5, seed=1)
    x = ref.values((4, 5, 3), 2)
    a = layer(x, training=False).numpy()
    np.testing.assert_array_equal(a, layer(x, training=False).numpy())
    b = layer(x, training=True).numpy()
    assert not np.allclose(a, b)


def test_one_sgd_step_lowers_the_loss_in_fit():
    dl.manual_seed(0)
    model = Sequential([layers.Input((6, 2)), layers.Bidirectional(layers.GRU(4)),
                        layers.Dense(1)])  # fmt: skip
    model.compile(optimizer=dl.keras.optimizers.SGD(0.1), loss="mse")
    x, y = ref.values((16, 6, 2), 4), ref.values((16, 1), 5)
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    assert model.evaluate(x, y, verbose=0) < before


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: layers.LSTM(3)(np.ones((2, 4), "float32")), "expected ndim=3, found ndim=2"),
        (
            lambda: layers.LSTM(3, return_state=True)(
                np.ones((2, 4, 3), "float32"), initial_state=[np.ones((2, 4), "float32")]
            ),
            "expects 2 initial state",
        ),  # fmt: skip
        (lambda: layers.Bidirectional(layers.LSTM(3), merge_mode="max"), "Invalid merge mode"),
        (
            lambda: layers.TimeDistributed(layers.Dense(2))(np.ones((2, 3), "float32")),
            "at least 3 dimensions",
        ),
    ],
)
def test_bad_input_is_keras_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_feature_mismatch_names_the_layer_and_shapes():
    layer = layers.LSTM(3, name="enc")
    layer(np.ones((2, 4, 3), "float32"))
    with pytest.raises(ValueError, match='layer "enc".*value 3.*\\(None, 4, 2\\)'):
        layer(np.ones((2, 4, 2), "float32"))


def test_config_round_trip_and_summary_shapes():
    layer = layers.GRU(5, reset_after=False, return_sequences=True, dropout=0.1, name="g")
    clone = layers.GRU.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    assert layer.compute_output_shape((None, 7, 2)) == (None, 7, 5)
    assert layers.LSTM(4, return_state=True).compute_output_shape((None, 7, 2)) == [
        (None, 4), (None, 4), (None, 4)
    ]  # fmt: skip
