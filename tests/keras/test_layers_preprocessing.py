"""keras.layers.Normalization: adapt() on arrays, lists, tensors and batches; Keras's documented
examples; errors; weights kept by save/load; use in a model."""

import numpy as np
import pytest

import deepling as dl
from deepling import keras
from deepling.keras import layers
from deepling.utils.data import DataLoader, TensorDataset

DOC_DATA = np.array([[0.0, 7.0, 4.0], [2.0, 9.0, 6.0], [0.0, 7.0, 4.0], [2.0, 9.0, 6.0]])


def test_keras_documented_examples():
    layer = layers.Normalization(axis=None)
    layer.adapt(np.array([1.0, 2.0, 3.0, 4.0, 5.0], np.float32))
    y = layer(np.array([1.0, 2.0, 3.0], np.float32))
    np.testing.assert_allclose(y.numpy(), [-1.4142135, -0.70710677, 0.0], rtol=1e-6)
    assert y.shape == (3,)
    layer = layers.Normalization(axis=-1)
    layer.adapt(DOC_DATA)
    np.testing.assert_allclose(layer(np.array([[0.0, 7.0, 4.0]])).numpy(), [[-1, -1, -1]])
    layer = layers.Normalization(mean=3.0, variance=2.0)
    np.testing.assert_allclose(
        layer(np.array([[1.0], [2.0], [3.0]])).numpy(), [[-1.4142135], [-0.70710677], [0]], 1e-6
    )
    layer = layers.Normalization(axis=-1, invert=True)
    layer.adapt(DOC_DATA)
    np.testing.assert_allclose(layer(np.array([[1.0, 2.0, 3.0]])).numpy(), [[2, 10, 8]])


def test_adapt_stores_per_feature_mean_and_biased_variance_as_weights():
    x = np.random.default_rng(0).normal([1.0, -3.0, 10.0], [2.0, 0.5, 4.0], (200, 3))
    layer = layers.Normalization()
    layer.adapt(x)
    mean, var, count = layer.get_weights()
    np.testing.assert_allclose(mean, x.mean(0), rtol=1e-6)
    np.testing.assert_allclose(var, x.var(0), rtol=1e-6)
    assert count == 200 and layer.count_params() == 7 and layer.trainable_weights == []
    y = layer(x.astype(np.float32)).numpy()
    np.testing.assert_allclose(y, (x - x.mean(0)) / x.std(0), rtol=1e-4, atol=1e-5)


def test_output_uses_max_of_std_and_keras_epsilon():
    layer = layers.Normalization()
    layer.adapt(np.array([[0.0, 0.0], [0.0, 2.0]]))  # first feature is constant: std 0
    y = layer(np.array([[1e-6, 2.0]], np.float32)).numpy()
    np.testing.assert_allclose(y, [[1e-6 / 1e-7, 1.0]], rtol=1e-5)


@pytest.mark.parametrize(
    "make",
    [
        lambda x: x.tolist(),
        lambda x: dl.tensor(x),
        lambda x: [x[:7], x[7:30], x[30:]],  # ragged batches
        lambda x: (x[i : i + 8] for i in range(0, len(x), 8)),
        lambda x: DataLoader(TensorDataset(dl.tensor(x), dl.tensor(x[:, :1])), batch_size=16),
    ],
    ids=["list", "tensor", "ragged-list", "generator", "dataloader"],
)
def test_adapt_accepts_lists_tensors_and_batched_iterables(make):
    x = np.random.default_rng(1).normal(5.0, 3.0, (50, 4)).astype(np.float32)
    layer = layers.Normalization()
    layer.adapt(make(x))
    np.testing.assert_allclose(layer.mean.numpy(), x.mean(0), rtol=1e-5)
    np.testing.assert_allclose(layer.variance.numpy(), x.var(0), rtol=1e-4)


def test_one_dimensional_data_is_one_feature_as_tf_keras():
    layer = layers.Normalization(input_shape=[1], axis=None)
    assert layer.count_params() == 3  # mean, variance, count: as the TF regression tutorial
    hp = np.array([100.0, 150.0, 80.0, 90.0])
    layer.adapt(hp)
    np.testing.assert_allclose(layer(hp[:, None]).numpy()[:, 0], (hp - hp.mean()) / hp.std(), 1e-5)
    layer = layers.Normalization()
    layer.adapt(hp)
    assert layer.mean.shape == (1,)


def test_calling_before_adapt_is_a_clear_error():
    with pytest.raises(ValueError, match=r"call `layer.adapt\(data\)`"):
        layers.Normalization()(np.ones((2, 3), np.float32))
    with pytest.raises(ValueError, match="both `mean` and `variance`"):
        layers.Normalization(mean=1.0)
    layer = layers.Normalization()
    layer.adapt(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"incompatible shape, data.shape=\(4, 2\)"):
        layer.adapt(np.ones((4, 2)))


def test_an_adapted_layer_gives_sequential_its_input_shape():
    norm = layers.Normalization()
    norm.adapt(np.random.default_rng(0).normal(size=(30, 9)))
    model = keras.Sequential([norm, layers.Dense(64, activation="relu"), layers.Dense(1)])
    assert model.built and model.count_params() == 19 + 640 + 65  # the TF regression tutorial
    assert sum(w.numel() for w in model.non_trainable_weights) == 19


def test_adapted_statistics_survive_save_and_load(tmp_path):
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(2).normal(50.0, 10.0, (64, 3)).astype(np.float32)
    norm = layers.Normalization()
    norm.adapt(x)
    model = keras.Sequential([norm, layers.Dense(1)])
    model.save(tmp_path / "n.keras")
    loaded = keras.models.load_model(tmp_path / "n.keras")
    np.testing.assert_allclose(loaded.layers[0].mean.numpy(), x.mean(0), rtol=1e-6)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), 1e-6)


def test_config_round_trip_with_given_statistics():
    layer = layers.Normalization(axis=-1, mean=[1.0, 2.0], variance=[4.0, 9.0], name="norm_x")
    config = layer.get_config()
    assert config["mean"] == [1.0, 2.0] and config["axis"] == -1
    again = layers.Normalization.from_config(config)
    assert again.get_config() == config
    np.testing.assert_allclose(again(np.array([[3.0, 8.0]])).numpy(), [[1.0, 2.0]])


def test_normalized_inputs_help_a_model_train():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(3)
    x = rng.normal([1000.0, 0.01], [300.0, 0.005], (128, 2)).astype(np.float32)
    y = ((x[:, :1] - 1000) / 300 + (x[:, 1:] - 0.01) / 0.005).astype(np.float32)
    norm = layers.Normalization()
    norm.adapt(x)
    model = keras.Sequential([keras.Input(shape=(2,)), norm, layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    losses = model.fit(x, y, epochs=20, batch_size=32, verbose=0).history["loss"]
    assert losses[-1] < 0.05 * losses[0]
