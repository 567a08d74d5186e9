"""keras.layers.BatchNormalization and LayerNormalization: values and gradients against
hand-written NumPy and torch, Keras's moving statistics, weights, configs, use in models."""

import numpy as np
import pytest

import deepling as dl
from deepling import keras
from deepling.keras import layers
from deepling.ops.norm import Normalize
from tests.helpers import Case, check_op, requires_torch

EPS = 1e-3


def _bn_ref(x, gamma, beta, axes):
    """Batch statistics over `axes`, biased variance."""
    mean, var = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
    return gamma * (x - mean) / np.sqrt(var + EPS) + beta


def _scale_shift_norm(x, g, b, axes=(0,)):
    """What the layers compute, on float64 tensors, for check_op."""
    return Normalize(axes, EPS)(x) * g + b


def _torch_bn(x, g, b):
    import torch.nn.functional as F

    return F.batch_norm(x, None, None, g, b, training=True, eps=EPS)


def _torch_ln(x, g, b):
    import torch.nn.functional as F

    return F.layer_norm(x, (x.shape[-1],), g, b, eps=EPS)


CASES = [
    Case(_scale_shift_norm, [(6, 4), (4,), (4,)], torch=_torch_bn,
         numpy=lambda x, g, b: _bn_ref(x, g, b, (0,)), name="keras_batch_norm"),
    Case(lambda x, g, b: _scale_shift_norm(x, g, b, axes=(-1,)), [(3, 5), (5,), (5,)],
         torch=_torch_ln, numpy=lambda x, g, b: _bn_ref(x, g, b, (-1,)), name="keras_layer_norm"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=str)
def test_math_matches_torch_and_central_differences(case):
    check_op(case)


def _data(shape, seed=0):
    return np.random.default_rng(seed).normal(2.0, 3.0, shape).astype(np.float32)


def _with_random_affine(layer, seed=1):
    rng = np.random.default_rng(seed)
    layer.set_weights([rng.normal(1, 0.5, w.shape).astype(np.float32) if w.requires_grad
                       else w.numpy() for w in layer.weights])  # fmt: skip
    return layer


@pytest.mark.parametrize("shape", [(8, 5), (4, 3, 3, 5)])
def test_batchnorm_training_output_and_grads_are_hand_computed(shape):
    x = _data(shape)
    bn = layers.BatchNormalization()
    bn(x[:2], training=False)  # builds
    bn = _with_random_affine(bn)
    gamma, beta = (w.numpy() for w in bn.trainable_weights)
    xt = dl.tensor(x, requires_grad=True)
    y = bn(xt, training=True)
    axes = tuple(range(len(shape) - 1))
    np.testing.assert_allclose(
        y.detach().numpy(), _bn_ref(x, gamma, beta, axes), rtol=1e-4, atol=1e-4
    )
    gy = np.random.default_rng(2).standard_normal(shape).astype(np.float32)
    y.backward(dl.tensor(gy))
    xhat = (x - x.mean(axes)) / np.sqrt(x.var(axes) + EPS)
    np.testing.assert_allclose(bn.gamma.grad.numpy(), (gy * xhat).sum(axes), rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(bn.beta.grad.numpy(), gy.sum(axes), rtol=1e-4, atol=1e-4)
    g = gy * gamma  # dx = (g - mean(g) - xhat mean(g xhat)) / std
    gx = (g - g.mean(axes) - xhat * (g * xhat).mean(axes)) / np.sqrt(x.var(axes) + EPS)
    np.testing.assert_allclose(xt.grad.numpy(), gx, rtol=1e-3, atol=1e-4)


@requires_torch
def test_batchnorm_channels_first_matches_torch_batch_norm():
    import torch

    x = _data((4, 3, 6))
    bn = _with_random_affine(layers.BatchNormalization(axis=1, input_shape=(3, 6)))
    gamma, beta = (torch.tensor(w.numpy()) for w in bn.trainable_weights)
    xt, tx = dl.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y = bn(xt, training=True)
    ty = torch.nn.functional.batch_norm(tx, None, None, gamma, beta, training=True, eps=EPS)
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-4, atol=1e-4)
    gy = np.random.default_rng(3).standard_normal(x.shape).astype(np.float32)
    y.backward(dl.tensor(gy))
    ty.backward(torch.tensor(gy))
    np.testing.assert_allclose(xt.grad.numpy(), tx.grad.numpy(), rtol=1e-3, atol=1e-4)


def test_moving_statistics_follow_keras_formula_not_torchs():
    bn = layers.BatchNormalization(momentum=0.9)
    mm, mv = np.zeros(4), np.ones(4)
    for seed in range(3):
        x = _data((6, 4), seed)
        bn(x, training=True)
        mm = mm * 0.9 + x.mean(0) * 0.1
        mv = mv * 0.9 + x.var(0) * 0.1  # biased: torch would use ddof=1
    np.testing.assert_allclose(bn.moving_mean.numpy(), mm, rtol=1e-5)
    np.testing.assert_allclose(bn.moving_variance.numpy(), mv, rtol=1e-5)


def test_moving_statistics_of_images_reduce_over_batch_and_space():
    bn = layers.BatchNormalization()
    x = _data((2, 3, 3, 5))
    bn(x, training=True)
    np.testing.assert_allclose(bn.moving_mean.numpy(), x.mean((0, 1, 2)) * 0.01, rtol=1e-5)
    np.testing.assert_allclose(bn.moving_variance.numpy(), 0.99 + x.var((0, 1, 2)) * 0.01, 1e-5)


def test_inference_uses_moving_statistics_and_leaves_them_alone():
    bn = layers.BatchNormalization()
    bn(_data((6, 4)), training=True)
    mm, mv = bn.moving_mean.numpy().copy(), bn.moving_variance.numpy().copy()
    x = _data((5, 4), 9)
    for y in (bn(x, training=False), bn.eval()(x)):
        np.testing.assert_allclose(y.numpy(), (x - mm) / np.sqrt(mv + EPS), rtol=1e-5)
    assert np.array_equal(bn.moving_mean.numpy(), mm)
    assert np.array_equal(bn.moving_variance.numpy(), mv)


def test_frozen_batchnorm_runs_in_inference_mode_even_when_training():
    bn = layers.BatchNormalization()
    x = _data((6, 4))
    bn(x, training=True)
    bn.trainable = False
    mm = bn.moving_mean.numpy().copy()
    y = bn(x, training=True)
    assert np.array_equal(bn.moving_mean.numpy(), mm)
    np.testing.assert_allclose(y.numpy(), bn(x, training=False).numpy())
    assert bn.trainable_weights == [] and len(bn.non_trainable_weights) == 4


def test_batchnorm_weights_order_shapes_and_param_counts():
    bn = layers.BatchNormalization(input_shape=(64,))
    assert [w.shape for w in bn.get_weights()] == [(64,)] * 4
    assert [w.numpy().tolist()[:1] for w in bn.weights] == [[1.0], [0.0], [0.0], [1.0]]
    assert bn.count_params() == 256
    assert sum(w.numel() for w in bn.non_trainable_weights) == 128
    assert bn.moving_mean is bn.weights[2] and not bn.moving_variance.requires_grad
    assert layers.BatchNormalization(center=False, input_shape=(3,)).count_params() == 9


def test_batchnorm_in_sequential_trains_and_predicts_with_moving_statistics():
    keras.utils.set_random_seed(0)
    x = _data((64, 3))
    y = (x @ np.array([[1.0], [-2.0], [0.5]], np.float32)) / 5
    model = keras.Sequential([layers.Dense(8, input_shape=(3,)), layers.BatchNormalization(),
                              layers.Dense(1)])  # fmt: skip
    assert model.count_params() == 3 * 8 + 8 + 4 * 8 + 9
    model.compile(optimizer="adam", loss="mse")
    losses = model.fit(x, y, epochs=8, batch_size=16, verbose=0).history["loss"]
    assert losses[-1] < losses[0]
    bn = model.layers[1]
    assert not np.allclose(bn.moving_mean.numpy(), 0)
    h = model.layers[0](dl.tensor(x)).numpy()
    gamma, beta, mm, mv = bn.get_weights()
    expected = gamma * (h - mm) / np.sqrt(mv + EPS) + beta
    np.testing.assert_allclose(bn(dl.tensor(h)).numpy(), expected, rtol=1e-4, atol=1e-5)
    before = bn.moving_mean.numpy().copy()
    model.predict(x, verbose=0)
    assert np.array_equal(bn.moving_mean.numpy(), before)


def test_batchnorm_save_and_load_keep_moving_statistics(tmp_path):
    inputs = keras.Input(shape=(4,))
    outputs = layers.Dense(2)(layers.BatchNormalization(momentum=0.5)(inputs))
    model = keras.Model(inputs, outputs)
    model.train()
    model(_data((8, 4)))
    model.eval()
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    loaded.eval()
    x = _data((3, 4), 5)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), 1e-6)
    assert loaded.layers[1].momentum == 0.5


@pytest.mark.parametrize("cls", [layers.BatchNormalization, layers.LayerNormalization])
def test_config_round_trip(cls):
    layer = cls(axis=1, epsilon=0.01, center=False, gamma_initializer="zeros", name="norm_x")
    config = layer.get_config()
    again = cls.from_config(config)
    assert again.get_config() == config
    assert config["axis"] == 1 and config["epsilon"] == 0.01 and config["center"] is False
    again(_data((2, 3, 4)))
    assert [w.shape for w in again.trainable_weights] == [(3,)]
    assert np.all(again.gamma.numpy() == 0)


def test_wrong_feature_size_is_a_clear_error():
    bn = layers.BatchNormalization(input_shape=(4,))
    with pytest.raises(ValueError, match=r"axis -1 of size \[4\].*\(2, 5\)"):
        bn(_data((2, 5)))
    with pytest.raises(ValueError, match="Invalid axis: 3"):
        layers.LayerNormalization(axis=3)(_data((2, 5)))


@requires_torch
@pytest.mark.parametrize("shape, axis", [((6, 5), -1), ((2, 3, 4), [1, 2])])
def test_layernorm_matches_torch_layer_norm(shape, axis):
    import torch

    x = _data(shape)
    ln = layers.LayerNormalization(axis=axis)
    ln(x)
    ln = _with_random_affine(ln)
    gamma, beta = (torch.tensor(w.numpy(), requires_grad=True) for w in ln.trainable_weights)
    xt, tx = dl.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y = ln(xt)
    ty = torch.nn.functional.layer_norm(tx, tuple(gamma.shape), gamma, beta, eps=EPS)
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-4, atol=1e-4)
    gy = np.random.default_rng(4).standard_normal(shape).astype(np.float32)
    y.backward(dl.tensor(gy))
    ty.backward(torch.tensor(gy))
    np.testing.assert_allclose(xt.grad.numpy(), tx.grad.numpy(), rtol=1e-3, atol=1e-4)
    for ours, theirs in ((ln.gamma, gamma), (ln.beta, beta)):
        np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-4, atol=1e-4)


def test_layernorm_over_a_middle_axis_is_per_sample_and_position():
    x = _data((2, 3, 4))
    ln = layers.LayerNormalization(axis=1)
    y = ln(x).numpy()
    assert ln.gamma.shape == (3,)
    expected = (x - x.mean(1, keepdims=True)) / np.sqrt(x.var(1, keepdims=True) + EPS)
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-5)
    ln.eval()  # no statistics: the same in inference
    np.testing.assert_allclose(ln(x).numpy(), y)


def test_layernorm_in_functional_model_trains():
    keras.utils.set_random_seed(1)
    inputs = keras.Input(shape=(6,))
    h = layers.LayerNormalization()(layers.Dense(8, activation="relu")(inputs))
    model = keras.Model(inputs, layers.Dense(1)(h))
    assert model.layers[2].count_params() == 16
    x = _data((48, 6))
    y = x[:, :1] - x[:, 1:2]
    model.compile(optimizer="adam", loss="mse")
    losses = model.fit(x, y, epochs=6, batch_size=16, verbose=0).history["loss"]
    assert losses[-1] < losses[0]
