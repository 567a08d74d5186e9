"""summary(): Keras 3's box-drawn table for Sequential, functional, subclassed and
PyTorch-style models (widths as rich lays out Keras's table at 80 columns)."""

import pytest

import deepling as dl
from deepling import keras, nn
from deepling.keras import layers
from deepling.keras.models.summary import summary

# Keras 3's output for this model, in a log (80 columns: the table is 76 wide)
KERAS3_MLP = """\
Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ dense (Dense)                   │ (None, 64)             │           896 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 32)             │         2,080 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_2 (Dense)                 │ (None, 1)              │            33 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 3,009 (11.75 KB)
 Trainable params: 3,009 (11.75 KB)
 Non-trainable params: 0 (0.00 B)
""".splitlines()


@pytest.fixture(autouse=True)
def eighty_columns(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    keras.backend.clear_session()


def lines_of(model, **kwargs):
    texts = []
    (summary if kwargs else model.summary)(
        *([model] if kwargs else []), print_fn=texts.append, **kwargs
    )
    assert len(texts) == 1 and texts[0].endswith("\n")  # Keras 3 hands over the whole table
    return texts[0].splitlines()


def test_sequential_table_is_keras3s():
    model = keras.Sequential([layers.Dense(64, activation="relu", input_shape=(13,)),
                              layers.Dense(32, activation="relu"), layers.Dense(1)])  # fmt: skip
    assert lines_of(model) == KERAS3_MLP


def test_printed_and_wider_terminals(capsys, monkeypatch):
    model = keras.Sequential([layers.Dense(2, input_shape=(3,))])
    model.summary()
    out = capsys.readouterr().out.splitlines()
    assert out[0] == 'Model: "sequential"' and len(out[1]) == 76
    monkeypatch.setenv("COLUMNS", "200")
    model.summary()
    assert len(capsys.readouterr().out.splitlines()[1]) == 88  # Keras's default width
    assert len(lines_of(model, line_length=60)[1]) == 60


def test_unbuilt_then_built_by_fit_frozen_and_optimizer_counts():
    model = keras.Sequential([layers.Dense(4), layers.Dense(1)])
    out = lines_of(model)
    assert "│ dense (Dense)                   │ ?                      │   0 (unbuilt) │" in out
    model.compile("adam", "mse")
    model.fit(dl.ones(3, 2), dl.ones(3, 1), verbose=0)
    model.layers[0].trainable = False
    out = lines_of(model)
    assert "│ dense (Dense)                   │ (None, 4)              │            12 │" in out
    assert out[-4:] == [
        # 17 weights + Adam's 2 x 17 slots (built while all were trainable) + step and rate
        " Total params: 53 (216.00 B)",
        " Trainable params: 5 (20.00 B)",
        " Non-trainable params: 12 (48.00 B)",
        " Optimizer params: 36 (148.00 B)",
    ]


def test_functional_with_branches_has_connected_to():
    a, b = keras.Input(shape=(4,), name="a"), keras.Input(shape=(3,), name="b")
    h = layers.Concatenate()([a, b])
    model = keras.Model([a, b], [layers.Dense(1, name="reg")(h), layers.Dense(2, name="cls")(h)])
    out = lines_of(model)
    assert out[0] == 'Model: "functional"' and len(out[1]) == 76
    assert out[2] == "┃ Layer (type)        ┃ Output Shape      ┃    Param # ┃ Connected to      ┃"
    assert "│ a (InputLayer)      │ (None, 4)         │          0 │ -                 │" in out
    i = out.index("│ concatenate         │ (None, 7)         │          0 │ a[0][0], b[0][0]  │")
    assert (
        out[i + 1] == "│ (Concatenate)       │                   │            │                   │"
    )
    assert "│ cls (Dense)         │ (None, 2)         │         16 │ concatenate[0][0] │" in out
    assert " Total params: 24 (96.00 B)" in out  # (7 + 1) + (14 + 2)


def test_long_names_end_in_an_ellipsis():
    x = keras.Input(shape=(3,), name="a")
    y = layers.Dense(2, name="a_rather_long_layer_name")(x)
    model = keras.Model([x, keras.Input(shape=(1,), name="b")], [y])
    out = lines_of(model)
    assert any(line.startswith("│ a_rather_long_laye… │") for line in out)
    assert any("│ a_rather_long_laye… │" in line for line in out)


def test_chain_functional_model_uses_the_plain_table_with_its_input():
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, layers.Dense(2)(inputs))
    out = lines_of(model)
    assert "Connected to" not in out[2]
    assert out[4].startswith("│ input_layer (InputLayer)        │ (None, 3)              │")


def test_subclassed_model_before_and_after_a_call():
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.d1 = layers.Dense(8, name="d1")
            self.d2 = layers.Dense(1, name="d2")

        def call(self, x):
            return self.d2(self.d1(x))

    net = Net()
    assert "│ d1 (Dense)                      │ ?                      │   0 (unbuilt) │" in (
        lines_of(net)
    )
    net(dl.zeros(2, 5))
    out = lines_of(net)
    assert out[0] == f'Model: "{net.name}"'
    assert out[4] == "│ d1 (Dense)                      │ (None, 8)              │            48 │"
    assert " Total params: 57 (228.00 B)" in out


def test_pytorch_style_modules():
    net = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    out = lines_of(net, input_shape=(None, 784))
    assert out[0] == 'Model: "sequential"'
    assert out[4] == "│ linear (Linear)                 │ (None, 128)            │       100,480 │"
    assert out[6].startswith("│ re_lu (ReLU)                    │ (None, 128)")
    assert " Total params: 101,770 (397.54 KB)" in out
    model = keras.Model(net)
    assert "│ linear (Linear)                 │ ?" in "\n".join(lines_of(model))  # no input yet
    model.predict(dl.zeros(2, 784).numpy(), verbose=0)
    assert "│ linear (Linear)                 │ (None, 128)            │       100,480 │" in (
        lines_of(model)
    )
