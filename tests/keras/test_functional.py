"""Functional models with several inputs and outputs: list and dict losses, loss weights and
metrics, Keras 2's per-output history keys, evaluate and predict shapes, inputs by name."""

import numpy as np
import pytest

from deepling import keras
from deepling.keras import layers

RNG = np.random.default_rng(0)
XA = RNG.normal(size=(40, 4)).astype(np.float32)
XB = RNG.normal(size=(40, 3)).astype(np.float32)
Y_REG = RNG.normal(size=(40, 1)).astype(np.float32)
Y_CLS = RNG.integers(0, 3, size=40)


def two_headed():
    keras.backend.clear_session()
    a = keras.Input(shape=(4,), name="a")
    b = keras.Input(shape=(3,), name="b")
    h = layers.Dense(8, activation="relu")(layers.Concatenate()([a, b]))
    reg = layers.Dense(1, name="reg")(h)
    cls = layers.Dense(3, activation="softmax", name="cls")(h)
    return keras.Model([a, b], [reg, cls])


def frozen():
    """Compile with lr 0 so every epoch sees the same weights."""
    return keras.optimizers.SGD(learning_rate=0.0)


def test_dict_losses_weights_metrics_and_history_keys():
    model = two_headed()
    model.compile(frozen(), loss={"reg": "mse", "cls": "sparse_categorical_crossentropy"},
                  loss_weights={"reg": 1.0, "cls": 0.5},
                  metrics={"reg": ["mae"], "cls": ["accuracy"]})  # fmt: skip
    h = model.fit([XA, XB], [Y_REG, Y_CLS], epochs=2, batch_size=16, verbose=0,
                  validation_split=0.25)  # fmt: skip
    keys = ["loss", "reg_loss", "cls_loss", "reg_mae", "cls_accuracy"]
    assert list(h.history) == keys + [f"val_{k}" for k in keys]
    reg, cls = model.predict([XA[:30], XB[:30]], verbose=0)
    mse = np.mean((reg[:, 0] - Y_REG[:30, 0]) ** 2)
    ce = -np.mean(np.log(np.clip(cls[np.arange(30), Y_CLS[:30]], 1e-7, 1)))
    assert h.history["reg_loss"][0] == pytest.approx(mse, rel=1e-5)
    assert h.history["cls_loss"][0] == pytest.approx(ce, rel=1e-5)
    assert h.history["loss"][0] == pytest.approx(mse + 0.5 * ce, rel=1e-5)
    accuracy = np.mean(cls.argmax(1) == Y_CLS[:30])
    assert h.history["cls_accuracy"][0] == pytest.approx(accuracy)
    assert "val_reg_mae" in h.history and "reg_accuracy" not in h.history


def test_list_losses_and_evaluate_order():
    model = two_headed()
    model.compile(frozen(), loss=["mse", "sparse_categorical_crossentropy"],
                  loss_weights=[2.0, 1.0], metrics=[["mae"], ["accuracy"]])  # fmt: skip
    result = model.evaluate([XA, XB], [Y_REG, Y_CLS], verbose=0)
    assert len(result) == 5  # loss, reg_loss, cls_loss, reg_mae, cls_accuracy
    assert result[0] == pytest.approx(2 * result[1] + result[2], rel=1e-6)
    named = model.evaluate([XA, XB], [Y_REG, Y_CLS], verbose=0, return_dict=True)
    assert list(named) == model.metrics_names
    assert list(named) == ["loss", "reg_loss", "cls_loss", "reg_mae", "cls_accuracy"]


def test_dict_inputs_and_targets_by_name_and_predict_list():
    model = two_headed()
    model.compile("adam", loss={"reg": "mse", "cls": "sparse_categorical_crossentropy"})
    h = model.fit({"b": XB, "a": XA}, {"cls": Y_CLS, "reg": Y_REG}, epochs=2, verbose=0)
    assert h.history["loss"][1] < h.history["loss"][0]
    out = model.predict({"a": XA, "b": XB}, verbose=0)
    assert isinstance(out, list) and [o.shape for o in out] == [(40, 1), (40, 3)]
    np.testing.assert_allclose(out[0], model.predict([XA, XB], verbose=0)[0])


def test_one_metric_list_applies_to_every_output():
    model = two_headed()
    model.compile("sgd", loss=["mse", "sparse_categorical_crossentropy"], metrics=["mae"])
    h = model.fit([XA, XB], [Y_REG, Y_CLS], verbose=0)
    assert "reg_mae" in h.history and "cls_mae" in h.history


def test_single_output_functional_model_has_plain_keys():
    keras.backend.clear_session()
    inputs = keras.Input(shape=(4,))
    x = layers.Dense(8, activation="relu")(inputs)
    model = keras.Model(inputs, layers.Dense(1)(x))
    assert model.name == "functional" and inputs.layer.name == "input_layer"  # Keras 3
    model.compile("adam", "mse", metrics=["mae"])
    h = model.fit(XA, Y_REG, epochs=2, verbose=0, validation_data=(XA[:10], Y_REG[:10]))
    assert list(h.history) == ["loss", "mae", "val_loss", "val_mae"]
    assert model.predict(XA, verbose=0).shape == (40, 1)


def test_wrong_number_of_targets_fails_before_training():
    model = two_headed()
    model.compile("sgd", loss="mse")
    before = model.get_weights()
    with pytest.raises(ValueError, match="2 outputs but 1 targets"):
        model.fit([XA, XB], Y_REG, verbose=0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_training_argument_of_a_functional_model_overrides_its_mode():
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, layers.Dropout(0.5)(layers.Dense(64)(inputs)))
    x = np.ones((8, 3), np.float32)
    model.eval()
    evaluated = model(x).numpy()
    np.testing.assert_array_equal(model(x, training=False).numpy(), evaluated)
    trained = model(x, training=True).numpy()
    assert (trained == 0).mean() > 0.2 and not model.training
    np.testing.assert_allclose(trained[trained != 0], 2 * evaluated[trained != 0], rtol=1e-6)
    model.train()
    np.testing.assert_array_equal(model(x, training=False).numpy(), evaluated)
