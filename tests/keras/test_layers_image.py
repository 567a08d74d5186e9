"""Keras's pooling, reshaping, spatial dropout and image preprocessing layers against their
formulas (channels_last, TensorFlow's 'same' padding and half-pixel resizing), and the
augmentations acting only while training."""

import numpy as np
import pytest

from deepling.keras import layers

RNG = np.random.default_rng(0)


def _run(layer, x, **kwargs):
    return layer(np.asarray(x, np.float32), **kwargs).numpy()


def test_max_and_average_pooling_same_padding_follow_tensorflow():
    x = np.arange(25, dtype=np.float32).reshape(1, 5, 5, 1)
    maxed = _run(layers.MaxPooling2D(2, padding="same"), x)
    assert maxed.shape == (1, 3, 3, 1)  # ceil(5 / 2); the odd padding row/column after
    assert maxed[0, :, :, 0].tolist() == [[6, 8, 9], [16, 18, 19], [21, 23, 24]]
    averaged = _run(layers.AveragePooling2D(2, padding="same"), np.ones((1, 5, 5, 1)))
    np.testing.assert_array_equal(averaged, 1.0)  # padded cells are left out of the mean
    valid = _run(layers.AveragePooling2D(2, strides=1), x)
    np.testing.assert_allclose(valid[0, 0, 0, 0], (0 + 1 + 5 + 6) / 4)
    assert layers.MaxPooling2D(3, 2, "same").compute_output_shape((None, 7, 8, 3)) == (
        None, 4, 4, 3)  # fmt: skip


def test_pooling_1d_and_channels_first():
    x = RNG.standard_normal((2, 7, 3))
    y = _run(layers.MaxPooling1D(2), x)
    np.testing.assert_allclose(y, x[:, :6].reshape(2, 3, 2, 3).max(axis=2), rtol=1e-6)
    z = RNG.standard_normal((2, 3, 4, 4))
    y = _run(layers.AveragePooling2D(data_format="channels_first"), z)
    np.testing.assert_allclose(y, z.reshape(2, 3, 2, 2, 2, 2).mean(axis=(3, 5)), rtol=1e-5)


def test_global_pooling():
    x = RNG.standard_normal((2, 4, 5, 3))
    np.testing.assert_allclose(_run(layers.GlobalAveragePooling2D(), x), x.mean((1, 2)), 1e-5)
    np.testing.assert_allclose(_run(layers.GlobalMaxPooling2D(keepdims=True), x),
                               x.max((1, 2), keepdims=True), 1e-6)  # fmt: skip
    seq = RNG.standard_normal((2, 4, 3))
    mask = np.array([[1, 1, 0, 0], [1, 1, 1, 1]], bool)
    y = _run(layers.GlobalAveragePooling1D(), seq, mask=mask)
    np.testing.assert_allclose(y[0], seq[0, :2].mean(0), rtol=1e-5)
    np.testing.assert_allclose(y[1], seq[1].mean(0), rtol=1e-5)
    assert layers.GlobalMaxPooling1D().compute_output_shape((None, 4, 3)) == (None, 3)


def test_upsampling_padding_and_cropping():
    x = np.arange(4, dtype=np.float32).reshape(1, 2, 2, 1)
    near = _run(layers.UpSampling2D((2, 3)), x)
    np.testing.assert_array_equal(near[0, :, :, 0], np.repeat(np.repeat(x[0, :, :, 0], 2, 0), 3, 1))
    bilinear = _run(layers.UpSampling2D(2, interpolation="bilinear"), x)[0, :, :, 0]
    # half-pixel centres: output 1 samples input 0.25, between pixels 0 and 1 (0 and 1 valued)
    np.testing.assert_allclose(bilinear[0], [0, 0.25, 0.75, 1], atol=1e-6)
    padded = _run(layers.ZeroPadding2D(((1, 0), (2, 1))), x)
    assert padded.shape == (1, 3, 5, 1) and padded[0, 1:, 2:4, 0].tolist() == [[0, 1], [2, 3]]
    cropped = _run(layers.Cropping2D(((1, 0), (0, 1))), np.arange(9).reshape(1, 3, 3, 1))
    assert cropped[0, :, :, 0].tolist() == [[3, 4], [6, 7]]
    with pytest.raises(ValueError, match="must be smaller than the input shape"):
        layers.Cropping2D(2)(np.zeros((1, 3, 3, 1), "f4"))
    assert _run(layers.UpSampling1D(3), np.ones((1, 2, 4))).shape == (1, 6, 4)
    assert _run(layers.ZeroPadding1D(2), np.ones((1, 2, 4))).shape == (1, 6, 4)


def test_spatial_dropout_drops_whole_channels_only_when_training():
    x = np.ones((10, 4, 4, 20), np.float32)
    layer = layers.SpatialDropout2D(0.5, seed=1)
    np.testing.assert_array_equal(_run(layer, x, training=False), x)  # inference: identity
    y = _run(layer, x, training=True).reshape(10, 16, 20)
    assert ((y == 0).all(axis=1) | (y == 2).all(axis=1)).all()
    assert 0.3 < (y[:, 0] == 0).mean() < 0.7
    with pytest.raises(ValueError, match="expected min_ndim=4"):
        layer(np.ones((2, 4, 4), np.float32))


def test_rescaling_and_resizing():
    assert _run(layers.Rescaling(1 / 255), [[0, 255]]).tolist() == [[0.0, 1.0]]
    torch = pytest.importorskip("torch")
    x = RNG.random((2, 7, 9, 3)).astype(np.float32)
    y = _run(layers.Resizing(4, 5), x)  # bilinear, half-pixel centres = PyTorch's bilinear
    expected = torch.nn.functional.interpolate(torch.tensor(x).permute(0, 3, 1, 2), (4, 5),
                                               mode="bilinear").permute(0, 2, 3, 1)  # fmt: skip
    np.testing.assert_allclose(y, expected.numpy(), atol=1e-5)
    nearest = _run(layers.Resizing(3, 3, interpolation="nearest"), x)
    exact = torch.nn.functional.interpolate(torch.tensor(x).permute(0, 3, 1, 2), (3, 3),
                                            mode="nearest-exact").permute(0, 2, 3, 1)  # fmt: skip
    np.testing.assert_array_equal(nearest, exact.numpy())
    assert _run(layers.Resizing(4, 4, crop_to_aspect_ratio=True), x).shape == (2, 4, 4, 3)
    wide = _run(layers.Resizing(2, 4, pad_to_aspect_ratio=True), np.ones((1, 2, 2, 1)))
    assert wide[0, :, :, 0].tolist() == [[0, 1, 1, 0], [0, 1, 1, 0]]  # padded, then resized
    assert _run(layers.Resizing(5, 6), x[0]).shape == (5, 6, 3)  # one image


def test_random_flip_only_while_training():
    x = np.arange(8, dtype=np.float32).reshape(2, 1, 4, 1)
    layer = layers.RandomFlip("horizontal", seed=0)
    np.testing.assert_array_equal(_run(layer, x), x)
    seen = {tuple(_run(layer, x, training=True)[0].ravel()) for _ in range(20)}
    assert seen == {(0, 1, 2, 3), (3, 2, 1, 0)}
    with pytest.raises(ValueError, match="unknown mode argument"):
        layers.RandomFlip("diagonal")


def test_random_rotation():
    x = RNG.random((3, 5, 5, 2)).astype(np.float32)
    layer = layers.RandomRotation(0.2, seed=0)
    np.testing.assert_array_equal(_run(layer, x), x)  # inference: identity
    assert not np.allclose(_run(layer, x, training=True), x)
    half_turn = layers.RandomRotation((0.5, 0.5))  # 180 degrees lands on whole pixels
    np.testing.assert_allclose(_run(half_turn, x, training=True), x[:, ::-1, ::-1], atol=1e-5)
    quarter = layers.RandomRotation((0.25, 0.25), interpolation="nearest")
    np.testing.assert_allclose(_run(quarter, x, training=True), np.rot90(x, 1, axes=(1, 2)),
                               atol=1e-5)  # fmt: skip
    with pytest.raises(NotImplementedError, match="Unknown `fill_mode`"):
        layers.RandomRotation(0.1, fill_mode="mirror")


def test_batch_normalization_on_images_normalizes_each_channel():
    x = RNG.normal(3, 2, (8, 4, 4, 3)).astype(np.float32)
    layer = layers.BatchNormalization()
    y = _run(layer, x, training=True)
    np.testing.assert_allclose(y.mean((0, 1, 2)), 0, atol=1e-4)
    np.testing.assert_allclose(y.std((0, 1, 2)), 1, atol=2e-3)
    np.testing.assert_allclose(layer.moving_mean.numpy(), 0.01 * x.mean((0, 1, 2)), rtol=1e-4)
    assert [w.shape for w in layer.get_weights()] == [(3,)] * 4
