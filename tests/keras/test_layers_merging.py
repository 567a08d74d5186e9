"""keras.layers merge layers: Concatenate, Add, Subtract, Multiply, Average, eager and in
functional models (a two-input model trained with fit, saved and loaded)."""

import numpy as np
import pytest

import deepling as dl
from deepling import keras
from deepling.keras import layers


def _x(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


@pytest.mark.parametrize(
    "axis, shapes", [(-1, [(2, 3), (2, 1), (2, 4)]), (1, [(2, 1, 3), (2, 2, 3)])]
)
def test_concatenate_values_and_gradients_split_back(axis, shapes):
    arrays = [_x(*s, seed=i) for i, s in enumerate(shapes)]
    tensors = [dl.tensor(a, requires_grad=True) for a in arrays]
    y = layers.Concatenate(axis=axis)(tensors)
    np.testing.assert_array_equal(y.detach().numpy(), np.concatenate(arrays, axis=axis))
    gy = _x(*y.shape, seed=9)
    y.backward(dl.tensor(gy))
    cuts = np.cumsum([s[axis] for s in shapes])[:-1]
    for t, g in zip(tensors, np.split(gy, cuts, axis=axis)):
        np.testing.assert_array_equal(t.grad.numpy(), g)


def test_concatenate_shape_mismatch_names_the_shapes():
    with pytest.raises(ValueError, match=r"matching shapes.*\[\(None, 3\), \(None, 2, 2\)\]"):
        layers.Concatenate()([keras.Input(shape=(3,)), keras.Input(shape=(2, 2))])
    with pytest.raises(ValueError, match=r"\(2, 3\), \(4, 1\)"):
        layers.Concatenate()([_x(2, 3), _x(4, 1)])  # batch sizes differ
    with pytest.raises(ValueError, match="list of inputs"):
        layers.Concatenate()(dl.tensor(_x(2, 3)))


def test_merge_values_and_gradients():
    a, b = dl.tensor(_x(3, 4), requires_grad=True), dl.tensor(_x(3, 4, seed=1), requires_grad=True)
    cases = [
        (layers.Add(), a.detach().numpy() + b.detach().numpy(), np.ones((3, 4)), np.ones((3, 4))),
        (
            layers.Subtract(),
            a.detach().numpy() - b.detach().numpy(),
            np.ones((3, 4)),
            -np.ones((3, 4)),
        ),
        (
            layers.Multiply(),
            a.detach().numpy() * b.detach().numpy(),
            b.detach().numpy(),
            a.detach().numpy(),
        ),
        (
            layers.Average(),
            (a.detach().numpy() + b.detach().numpy()) / 2,
            np.full((3, 4), 0.5),
            np.full((3, 4), 0.5),
        ),
    ]
    for layer, value, ga, gb in cases:
        a.grad = b.grad = None
        y = layer([a, b])
        np.testing.assert_allclose(y.detach().numpy(), value, rtol=1e-6)
        y.sum().backward()
        np.testing.assert_allclose(a.grad.numpy(), ga, rtol=1e-6)
        np.testing.assert_allclose(b.grad.numpy(), gb, rtol=1e-6)


def test_add_takes_many_inputs_and_broadcasts():
    xs = [_x(2, 3, seed=i) for i in range(3)]
    np.testing.assert_allclose(layers.Add()(xs).numpy(), sum(xs), rtol=1e-6)
    np.testing.assert_allclose(layers.add([xs[0], _x(2, 1)]).numpy(), xs[0] + _x(2, 1), rtol=1e-6)
    out = layers.Add()([keras.Input(shape=(3,)), keras.Input(shape=(1,))])
    assert out.shape == (None, 3)


def test_incompatible_shapes_and_wrong_counts_are_clear_errors():
    with pytest.raises(ValueError, match=r"incompatible shapes.*\(None, 3\) and \(None, 4\)"):
        layers.Add()([keras.Input(shape=(3,)), keras.Input(shape=(4,))])
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        layers.Subtract()([_x(2, 3)] * 3)


def _two_input_model():
    a, b = keras.Input(shape=(3,), name="a"), keras.Input(shape=(2,), name="b")
    h = layers.concatenate([layers.Dense(4, activation="relu")(a), b])
    return keras.Model([a, b], layers.Dense(1)(h))


def test_two_input_model_with_concatenate_trains_and_round_trips(tmp_path):
    keras.utils.set_random_seed(0)
    xa, xb = _x(96, 3), _x(96, 2, seed=1)
    y = xa[:, :1] * 0.5 - xb[:, 1:] + 0.2
    model = _two_input_model()
    assert model.count_params() == 3 * 4 + 4 + 6 * 1 + 1
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
    losses = model.fit([xa, xb], y, epochs=10, batch_size=16, verbose=0).history["loss"]
    assert losses[-1] < 0.5 * losses[0]
    model.save(tmp_path / "two.keras")
    loaded = keras.models.load_model(tmp_path / "two.keras")
    np.testing.assert_allclose(
        loaded.predict([xa, xb], verbose=0), model.predict([xa, xb], verbose=0), rtol=1e-6
    )


def test_config_round_trip():
    layer = layers.Concatenate(axis=1, name="cat_x")
    assert layers.Concatenate.from_config(layer.get_config()).axis == 1
    assert layers.Add.from_config(layers.Add(name="add_x").get_config()).name == "add_x"
