"""summary(): Keras 2's table for Sequential, functional, subclassed and PyTorch-style models."""

import pytest

import deepling as dl
from deepling import keras, nn
from deepling.keras import layers
from deepling.keras.models.summary import summary

# Keras 2.12's output; rows are padded with spaces to the 65-character line
KERAS2_MLP = [
    'Model: "sequential"',
    "_" * 65,
    " Layer (type)                Output Shape              Param #   ",
    "=" * 65,
    " dense (Dense)               (None, 64)                896".ljust(65),
    " " * 65,
    " dense_1 (Dense)             (None, 32)                2080".ljust(65),
    " " * 65,
    " dense_2 (Dense)             (None, 1)                 33".ljust(65),
    " " * 65,
    "=" * 65,
    "Total params: 3,009",
    "Trainable params: 3,009",
    "Non-trainable params: 0",
    "_" * 65,
]


def lines_of(model, **kwargs):
    lines = []
    (summary if kwargs else model.summary)(
        *([model] if kwargs else []), print_fn=lines.append, **kwargs
    )
    return lines


def test_sequential_table_is_keras2s():
    keras.backend.clear_session()
    model = keras.Sequential([layers.Dense(64, activation="relu", input_shape=(13,)),
                              layers.Dense(32, activation="relu"), layers.Dense(1)])  # fmt: skip
    assert lines_of(model) == KERAS2_MLP


def test_sequential_built_by_fit_and_frozen_counts():
    keras.backend.clear_session()
    model = keras.Sequential([layers.Dense(4), layers.Dense(1)])
    with pytest.raises(ValueError, match="not yet been built"):
        model.summary()
    model.compile("sgd", "mse")
    model.fit(dl.ones(3, 2), dl.ones(3, 1), verbose=0)
    model.layers[0].trainable = False
    out = lines_of(model)
    assert " dense (Dense)               (None, 4)                 12        " in out
    assert out[-4:-1] == ["Total params: 17", "Trainable params: 5", "Non-trainable params: 12"]


def test_functional_with_branches_has_connected_to():
    keras.backend.clear_session()
    a, b = keras.Input(shape=(4,), name="a"), keras.Input(shape=(3,), name="b")
    h = layers.Concatenate()([a, b])
    model = keras.Model([a, b], [layers.Dense(1, name="reg")(h), layers.Dense(2, name="cls")(h)])
    out = lines_of(model)
    assert out[0] == 'Model: "functional"' and len(out[1]) == 98
    assert out[2].split() == ["Layer", "(type)", "Output", "Shape", "Param", "#", "Connected", "to"]
    row = next(line for line in out if line.startswith(" a (InputLayer)"))
    assert "[(None, 4)]" in row and row.rstrip().endswith("[]")
    concat = [line for line in out if "concatenate" in line or "'b[0][0]'" in line]
    assert "['a[0][0]'," in concat[0] and "'b[0][0]']" in concat[1]  # wrapped like Keras
    assert any(line.startswith(" cls (Dense)") and "['concatenate[0][0]']" in line for line in out)
    assert "Total params: 24" in out  # (7 + 1) + (14 + 2)


def test_chain_functional_model_uses_the_plain_table():
    keras.backend.clear_session()
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, layers.Dense(2)(inputs))
    out = lines_of(model)
    assert len(out[1]) == 65 and "Connected to" not in out[2]
    assert out[4].startswith(" input_layer (InputLayer)    [(None, 3)]")


def test_subclassed_model_after_a_call():
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.d1 = layers.Dense(8, name="d1")
            self.d2 = layers.Dense(1, name="d2")

        def call(self, x):
            return self.d2(self.d1(x))

    net = Net()
    with pytest.raises(ValueError, match="not yet been built"):
        net.summary()
    net(dl.zeros(2, 5))
    out = lines_of(net)
    assert out[0] == f'Model: "{net.name}"'
    assert out[4] == " d1 (Dense)                  (None, 8)                 48        "
    assert "Total params: 57" in out


def test_pytorch_style_modules():
    net = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    out = lines_of(net, input_shape=(None, 784))
    assert out[0] == 'Model: "sequential"'
    assert out[4] == " linear (Linear)             (None, 128)               100480    "
    assert out[6].startswith(" re_lu (ReLU)                (None, 128)               0")
    assert out[8].startswith(" linear_1 (Linear)           (None, 10)                1290")
    assert "Total params: 101,770" in out
    model = keras.Model(net)
    assert "multiple" in "\n".join(lines_of(model))  # no input seen yet
    model.predict(dl.zeros(2, 784).numpy(), verbose=0)
    assert " linear (Linear)             (None, 128)               100480    " in lines_of(model)
