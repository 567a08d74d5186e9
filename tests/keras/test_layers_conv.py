"""Keras's convolution layers against their formulas written in Keras's layouts (channels_last
inputs, (kh, kw, in, out) kernels, TensorFlow's 'same' padding), weights exchanged through
get_weights/set_weights, output shapes, parameter counts and Keras's errors."""

import numpy as np
import pytest

from deepling.keras import layers

RNG = np.random.default_rng(0)


def same_pads(n, k, s, d=1):
    span = d * (k - 1) + 1
    out = -(-n // s)
    total = max((out - 1) * s + span - n, 0)
    return total // 2, total - total // 2


def conv_nhwc(x, kernel, bias, strides, padding, dilation=(1, 1), groups=1):
    """Keras's Conv2D, written out: y[n, i, j, o] = sum x[n, i*s + a*d, j*s + b*d, c] k[a, b, c, o]."""
    kh, kw, cin, cout = kernel.shape
    pads = [(0, 0), (0, 0)]
    if padding == "same":
        pads = [same_pads(x.shape[1 + a], kernel.shape[a], strides[a], dilation[a]) for a in (0, 1)]
    xp = np.pad(x, [(0, 0), pads[0], pads[1], (0, 0)])
    ho = (xp.shape[1] - dilation[0] * (kh - 1) - 1) // strides[0] + 1
    wo = (xp.shape[2] - dilation[1] * (kw - 1) - 1) // strides[1] + 1
    y = np.zeros((x.shape[0], ho, wo, cout))
    per = cout // groups
    for a in range(kh):
        for b in range(kw):
            rows = xp[:, a * dilation[0] : a * dilation[0] + strides[0] * (ho - 1) + 1 : strides[0]]
            patch = rows[
                :, :, b * dilation[1] : b * dilation[1] + strides[1] * (wo - 1) + 1 : strides[1]
            ]
            for g in range(groups):
                part = patch[..., g * cin : (g + 1) * cin]
                y[..., g * per : (g + 1) * per] += part @ kernel[a, b, :, g * per : (g + 1) * per]
    return y + (0 if bias is None else bias)


def _run(layer, x):
    return layer(x.astype(np.float32)).numpy()


@pytest.mark.parametrize(
    "kwargs, shape",
    [
        ({"filters": 4, "kernel_size": 3}, (2, 7, 6, 3)),
        ({"filters": 4, "kernel_size": (3, 2), "strides": 2, "padding": "same"}, (2, 7, 6, 3)),
        ({"filters": 2, "kernel_size": 4, "padding": "same"}, (1, 6, 5, 2)),  # even kernel
        ({"filters": 3, "kernel_size": 3, "dilation_rate": 2, "padding": "same"}, (1, 7, 7, 2)),
        ({"filters": 4, "kernel_size": 3, "groups": 2, "use_bias": False}, (1, 6, 6, 4)),
    ],
)
def test_conv2d_is_keras_formula(kwargs, shape):
    x = RNG.standard_normal(shape)
    layer = layers.Conv2D(**kwargs)
    y = _run(layer, x)
    weights = layer.get_weights()
    assert weights[0].shape == (*np.broadcast_to(kwargs["kernel_size"], 2), shape[-1] // kwargs.get(
        "groups", 1), kwargs["filters"])  # fmt: skip
    s = tuple(np.broadcast_to(kwargs.get("strides", 1), 2))
    d = tuple(np.broadcast_to(kwargs.get("dilation_rate", 1), 2))
    bias = weights[1] if kwargs.get("use_bias", True) else None
    expected = conv_nhwc(x, weights[0], bias, s, kwargs.get("padding", "valid"), d,
                         kwargs.get("groups", 1))  # fmt: skip
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-4)
    assert layer.compute_output_shape((None, *shape[1:])) == (None, *y.shape[1:])


def test_set_weights_from_keras_layout_and_channels_first():
    kernel = RNG.standard_normal((3, 3, 2, 5)).astype(np.float32)
    bias = RNG.standard_normal(5).astype(np.float32)
    x = RNG.standard_normal((2, 6, 6, 2))
    last = layers.Conv2D(5, 3)
    last.build((None, 6, 6, 2))
    last.set_weights([kernel, bias])
    first = layers.Conv2D(5, 3, data_format="channels_first")
    first.build((None, 2, 6, 6))
    first.set_weights([kernel, bias])
    expected = conv_nhwc(x, kernel, bias, (1, 1), "valid")
    np.testing.assert_allclose(_run(last, x), expected, rtol=1e-4, atol=1e-4)
    y = _run(first, x.transpose(0, 3, 1, 2))
    np.testing.assert_allclose(y.transpose(0, 2, 3, 1), expected, rtol=1e-4, atol=1e-4)


def test_conv1d_causal_sees_only_the_past():
    layer = layers.Conv1D(1, 3, padding="causal", use_bias=False)
    x = np.zeros((1, 6, 1), np.float32)
    layer(x)
    layer.set_weights([np.ones((3, 1, 1), np.float32)])
    x[0, 3, 0] = 1.0  # an impulse at t = 3 reaches t = 3, 4, 5 only
    assert _run(layer, x).ravel().tolist() == [0, 0, 0, 1, 1, 1]
    same = layers.Conv1D(2, 4, strides=2, padding="same")
    assert same(x).shape == (1, 3, 2)


def _transpose_reference(x, kernel, strides, out_size, pads):
    """TensorFlow's conv2d_transpose: every input pixel adds kernel[a, b, :, c] * x at
    (i*s + a - pad_top, j*s + b - pad_left) of the output."""
    n, h, w, cin = x.shape
    kh, kw, cout, _ = kernel.shape
    big = np.zeros((n, out_size[0] + kh + strides[0] * h, out_size[1] + kw + strides[1] * w, cout))
    for i in range(h):
        for j in range(w):
            contribution = np.einsum("nc,abdc->nabd", x[:, i, j], kernel)
            big[:, i * strides[0] : i * strides[0] + kh, j * strides[1] : j * strides[1] + kw] += (
                contribution
            )
    return big[:, pads[0] : pads[0] + out_size[0], pads[1] : pads[1] + out_size[1]]


@pytest.mark.parametrize(
    "kwargs, expected_size",
    [
        ({"kernel_size": 3, "strides": 2, "padding": "same"}, (10, 12)),
        ({"kernel_size": 3, "strides": 2, "padding": "valid"}, (11, 13)),
        ({"kernel_size": 2, "strides": 2, "padding": "valid"}, (10, 12)),
        ({"kernel_size": 3, "strides": 2, "padding": "same", "output_padding": 0}, (9, 11)),
    ],
)
def test_conv2d_transpose_sizes_and_values(kwargs, expected_size):
    x = RNG.standard_normal((2, 5, 6, 3))
    layer = layers.Conv2DTranspose(4, **kwargs)
    y = _run(layer, x)
    assert y.shape == (2, *expected_size, 4)
    kernel, bias = layer.get_weights()
    assert kernel.shape == (kwargs["kernel_size"],) * 2 + (4, 3)  # (kh, kw, out, in)
    k, s = kwargs["kernel_size"], kwargs["strides"]
    pads = [0, 0]
    if kwargs["padding"] == "same":
        pads = [same_pads(n, k, s)[0] for n in expected_size]
    expected = _transpose_reference(x, kernel, (s, s), expected_size, pads) + bias
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-4)
    assert layer.compute_output_shape((None, 5, 6, 3)) == (None, *expected_size, 4)


def test_depthwise_and_separable_are_keras_formulas():
    x = RNG.standard_normal((2, 6, 5, 3))
    depthwise = layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same")
    y = _run(depthwise, x)
    kernel, bias = depthwise.get_weights()
    assert kernel.shape == (3, 3, 3, 2) and bias.shape == (6,)
    expected = np.concatenate(
        [conv_nhwc(x[..., c : c + 1], kernel[:, :, c : c + 1, :], None, (1, 1), "same")
         for c in range(3)], axis=-1) + bias  # channel c * multiplier + m  # fmt: skip
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-4)
    separable = layers.SeparableConv2D(4, 3, depth_multiplier=2)
    y = _run(separable, x)
    dk, pk, b = separable.get_weights()
    assert (dk.shape, pk.shape, b.shape) == ((3, 3, 3, 2), (1, 1, 6, 4), (4,))
    mid = np.concatenate([conv_nhwc(x[..., c : c + 1], dk[:, :, c : c + 1, :], None, (1, 1),
                                    "valid") for c in range(3)], axis=-1)  # fmt: skip
    np.testing.assert_allclose(y, mid @ pk[0, 0] + b, rtol=1e-4, atol=1e-4)
    assert separable.count_params() == 3 * 3 * 3 * 2 + 6 * 4 + 4


def test_summary_counts_and_shapes_are_keras_ones():
    from deepling import keras

    keras.backend.clear_session()  # names count from "conv2d" again
    model = keras.Sequential([
        layers.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, 3, activation="relu"),
        layers.MaxPooling2D(),
        layers.Conv2D(64, 3, activation="relu", padding="same"),
        layers.GlobalAveragePooling2D(),
        layers.Dense(10),
    ])  # fmt: skip
    shapes = [(None, 26, 26, 32), (None, 13, 13, 32), (None, 13, 13, 64), (None, 64), (None, 10)]
    assert [lay.compute_output_shape(s) for lay, s in zip(
        model.layers, [(None, 28, 28, 1)] + shapes[:-1])] == shapes  # fmt: skip
    assert model.count_params() == 320 + 18496 + 650
    assert [lay.name for lay in model.layers[:2]] == ["conv2d", "max_pooling2d"]
    printed = []
    model.summary(print_fn=printed.append)
    text = "\n".join(printed)
    for row in (
        "conv2d (Conv2D)",
        "(None, 26, 26, 32)",
        "320",
        "max_pooling2d (MaxPooling2D)",
        "(None, 13, 13, 32)",
        "18,496",
        "(GlobalAveragePooling2D)",  # Keras 3 wraps a long name onto the next line
        "global_average_pooling2d",
        "Total params: 19,466",
    ):
        assert row in text, f"{row!r} not in\n{text}"


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: layers.Conv2D(4, 3)(np.zeros((2, 28, 28), "f4")),
         r'Input 0 of layer "conv2d\w*" is incompatible with the layer: expected min_ndim=4, '
         r"found ndim=3. Full shape received: \(None, 28, 28\)"),
        (lambda: layers.Conv2D(4, 5)(np.zeros((2, 3, 3, 1), "f4")),
         r"Computed output size would be negative. Received `inputs shape=\(None, 3, 3, 1\)`, "
         r"`kernel shape=\(5, 5, 1, 4\)`"),
        (lambda: layers.Conv2D(4, 3, strides=2, dilation_rate=2),
         "`strides > 1` not supported in conjunction with `dilation_rate > 1`"),
        (lambda: layers.Conv2D(0, 3), "Invalid value for argument `filters`"),
        (lambda: layers.Conv2D(4, 3, padding="full"), "The `padding` argument must be one of"),
        (lambda: layers.Conv2D(4, 3, data_format="NHWC"), "The `data_format` argument must be"),
        (lambda: layers.Conv2D(4, (3, 3, 3)), "The `kernel_size` argument must be a tuple of 2"),
        (lambda: layers.Conv2D(4, 3, groups=3)(np.zeros((1, 5, 5, 4), "f4")),
         "The number of filters must be evenly divisible by the number of groups"),
    ],
)  # fmt: skip
def test_keras_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_wrong_channels_after_build_is_keras_error_and_changes_nothing():
    layer = layers.Conv2D(4, 3)
    layer(np.zeros((1, 6, 6, 1), "f4"))
    before = [w.copy() for w in layer.get_weights()]
    with pytest.raises(ValueError, match=r"expected axis -1 of input shape to have value 1, but "
                       r"received input with shape \(None, 6, 6, 3\)"):  # fmt: skip
        layer(np.zeros((1, 6, 6, 3), "f4"))
    for a, b in zip(before, layer.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_a_keras_cnn_learns():
    from deepling import keras

    keras.utils.set_random_seed(0)
    x = RNG.random((64, 8, 8, 1)).astype(np.float32)
    y = (x[:, :4].mean(axis=(1, 2, 3)) > x[:, 4:].mean(axis=(1, 2, 3))).astype(np.int64)
    model = keras.Sequential([
        layers.Input(shape=(8, 8, 1)), layers.Conv2D(4, 3, activation="relu", padding="same"),
        layers.MaxPooling2D(), layers.Flatten(), layers.Dense(2, activation="softmax"),
    ])  # fmt: skip
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])  # fmt: skip
    history = model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert history.history["accuracy"][-1] > 0.9
