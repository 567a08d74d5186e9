"""tf.nn's convolutions and poolings (NHWC, filters (kh, kw, in, out), 'SAME'/'VALID' or
explicit padding, strides as an int or a list) against their formulas, conv2d_transpose as
conv2d's input gradient, and tf.image.resize."""

import numpy as np
import pytest

import deepling.tf as tf
from tests.keras.test_layers_conv import conv_nhwc, same_pads

RNG = np.random.default_rng(0)


@pytest.mark.parametrize(
    "strides, padding, dilations",
    [(1, "VALID", None), (2, "SAME", None), ([1, 2, 1, 1], "SAME", None), ([2, 1], "VALID", None),
     (1, "SAME", 2), (1, [[0, 0], [1, 2], [0, 1], [0, 0]], None)],
)  # fmt: skip
def test_conv2d_is_tensorflows_formula(strides, padding, dilations):
    x = RNG.standard_normal((2, 7, 6, 3)).astype(np.float32)
    w = RNG.standard_normal((3, 2, 3, 4)).astype(np.float32)
    y = tf.nn.conv2d(x, w, strides, padding, dilations=dilations).numpy()
    s = strides if isinstance(strides, list) else [strides] * 2
    s = tuple(s[1:3] if len(s) == 4 else s)
    d = (dilations or 1,) * 2
    if isinstance(padding, list):
        xp = np.pad(x, [tuple(p) for p in padding])
        expected = conv_nhwc(xp, w, None, s, "valid", d)
    else:
        expected = conv_nhwc(x, w, None, s, padding.lower(), d)
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-4)


def test_grouped_and_nchw_and_conv1d():
    x = RNG.standard_normal((1, 5, 5, 4)).astype(np.float32)
    w = RNG.standard_normal((3, 3, 2, 6)).astype(np.float32)  # input depth 4 = 2 groups of 2
    y = tf.nn.conv2d(x, w, 1, "VALID").numpy()
    np.testing.assert_allclose(y, conv_nhwc(x, w, None, (1, 1), "valid", groups=2), 1e-4, 1e-4)
    y_first = tf.nn.conv2d(x.transpose(0, 3, 1, 2), w, 1, "VALID", data_format="NCHW").numpy()
    np.testing.assert_allclose(y_first.transpose(0, 2, 3, 1), y, rtol=1e-5, atol=1e-5)
    seq = RNG.standard_normal((2, 9, 3)).astype(np.float32)
    k = RNG.standard_normal((3, 3, 2)).astype(np.float32)
    y = tf.nn.conv1d(seq, k, 2, "SAME").numpy()
    expected = conv_nhwc(seq[:, None], k[None], None, (1, 2), "same")[:, 0]
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-4)
    with pytest.raises(ValueError, match="input depth must be evenly divisible by filter depth"):
        tf.nn.conv2d(x, np.zeros((3, 3, 3, 2), "f4"), 1, "SAME")


def test_depthwise_conv2d():
    x = RNG.standard_normal((2, 6, 6, 3)).astype(np.float32)
    w = RNG.standard_normal((3, 3, 3, 2)).astype(np.float32)
    y = tf.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], "SAME").numpy()
    expected = np.concatenate([conv_nhwc(x[..., c : c + 1], w[:, :, c : c + 1], None, (1, 1),
                                         "same") for c in range(3)], axis=-1)  # fmt: skip
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("padding, size", [("SAME", (10, 12)), ("VALID", (11, 13))])
def test_conv2d_transpose_is_the_input_gradient_of_conv2d(padding, size):
    w = RNG.standard_normal((3, 3, 2, 4)).astype(np.float32)  # conv2d: 2 -> 4 channels
    x = tf.Variable(np.zeros((1, *size, 2), np.float32))
    with tf.GradientTape() as tape:
        y = tf.nn.conv2d(x, w, 2, padding)
    g = RNG.standard_normal(tuple(y.shape)).astype(np.float32)
    expected = tape.gradient(y, x, output_gradients=tf.constant(g)).numpy()
    got = tf.nn.conv2d_transpose(g, w, (1, *size, 2), 2, padding).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)
    with pytest.raises(ValueError, match="output_shape"):
        tf.nn.conv2d_transpose(g, w, (1, size[0] + 3, size[1], 2), 2, padding)


def test_pooling_and_bias_add():
    x = RNG.standard_normal((2, 5, 5, 3)).astype(np.float32)
    y = tf.nn.max_pool2d(x, 2, 2, "SAME").numpy()
    padded = np.pad(x, [(0, 0), (0, 1), (0, 1), (0, 0)], constant_values=-np.inf)
    np.testing.assert_array_equal(y, padded.reshape(2, 3, 2, 3, 2, 3).max(axis=(2, 4)))
    y = tf.nn.avg_pool2d(x, [1, 2, 2, 1], [1, 2, 2, 1], "SAME").numpy()
    assert same_pads(5, 2, 2) == (0, 1)
    np.testing.assert_allclose(y[:, 2, 2], x[:, 4, 4], rtol=1e-6)  # a corner of one real pixel
    np.testing.assert_allclose(y[:, 0, 0], x[:, :2, :2].mean((1, 2)), rtol=1e-5)
    b = np.arange(3, dtype=np.float32)
    np.testing.assert_allclose(tf.nn.bias_add(x, b).numpy(), x + b)
    first = x.transpose(0, 3, 1, 2)
    np.testing.assert_allclose(tf.nn.bias_add(first, b, data_format="NCHW").numpy(),
                               first + b[:, None, None])  # fmt: skip
    with pytest.raises(ValueError, match="Must provide as many biases"):
        tf.nn.bias_add(x, np.zeros(4, "f4"))


def test_image_resize():
    torch = pytest.importorskip("torch")
    x = RNG.random((2, 7, 9, 3)).astype(np.float32)
    y = tf.image.resize(x, (4, 13)).numpy()
    expected = torch.nn.functional.interpolate(torch.tensor(x).permute(0, 3, 1, 2), (4, 13),
                                               mode="bilinear").permute(0, 2, 3, 1)  # fmt: skip
    np.testing.assert_allclose(y, expected.numpy(), atol=1e-5)
    images = (RNG.random((5, 6, 1)) * 255).astype(np.uint8)
    nearest = tf.image.resize(images, (10, 12), method="nearest")
    assert nearest.dtype == np.uint8 and nearest.shape == (10, 12, 1)
    np.testing.assert_array_equal(nearest.numpy(), images.repeat(2, 0).repeat(2, 1))
    fit = tf.image.resize(x, (14, 14), preserve_aspect_ratio=True)
    assert fit.shape == (2, 10, 14, 3)  # 7x9 scaled by min(14/7, 14/9)
    flat = tf.image.resize(np.full((1, 4, 4, 1), 3.0, "f4"), (9, 7), method="bicubic").numpy()
    np.testing.assert_allclose(flat, 3.0, rtol=1e-6)  # weights renormalized at the borders
