"""`.numpy()` is PyTorch's in the PyTorch face (a tensor that requires grad must be detached)
and TensorFlow's in the TF and Keras faces (it works on anything): the leaves a tensor was
computed from decide. And matmul/linear refuse mixed dtypes in the PyTorch face, while Keras's
layers cast their inputs as Keras does."""

import numpy as np
import pytest

import deepling as dl
import deepling.tf as tf
from deepling import keras


def test_pytorch_tensors_need_detach():
    w = dl.nn.Parameter(dl.ones(2))
    for t in (w, w * 3, dl.nn.Linear(2, 1)(dl.ones(1, 2))):
        with pytest.raises(RuntimeError, match=r"Use tensor.detach\(\).numpy\(\) instead"):
            t.numpy()
        assert isinstance(t.detach().numpy(), np.ndarray)


def test_tensorflow_tensors_and_variables_give_numpy_anything():
    w, b = tf.Variable(2.0), tf.Variable([1.0, -1.0])
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = w * x + b
        loss = tf.reduce_mean(tf.square(y))
    assert y.numpy().tolist() == [3.0, 3.0] and float(loss.numpy()) == 9.0
    grads = tape.gradient(loss, [w, b])
    assert loss.numpy() == 9.0 and w.numpy() == 2.0  # after the walk too
    assert grads[1].numpy().shape == (2,)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            z = tf.reduce_sum(x * x * x)
        dz = inner.gradient(z, x)  # recorded for `outer`: requires grad, still TF's numpy
    assert dz.numpy().tolist() == [3.0, 12.0]
    assert outer.gradient(dz, x).numpy().tolist() == [6.0, 12.0]


def test_keras_outputs_and_weights_give_numpy_and_keras_casts_inputs():
    model = keras.Sequential([keras.layers.Dense(3, input_shape=(2,)), keras.layers.Dense(1)])
    out = model(np.ones((4, 2), np.float64))  # float64 in: Keras casts to the layer's float32
    assert out.numpy().shape == (4, 1) and out.numpy().dtype == np.float32
    assert model.layers[0].kernel.numpy().shape == (2, 3)
    assert model(np.ones((1, 2), np.int64)).numpy().dtype == np.float32


def test_pytorch_layers_refuse_other_dtypes_and_say_how_to_fix():
    layer = dl.nn.Linear(2, 1)
    for x, name in [(np.ones((1, 2)), "Double"), (np.ones((1, 2), np.int64), "Long")]:
        with pytest.raises(RuntimeError, match=rf"but got {name} and Float\. .*\.float\(\)"):
            layer(dl.from_numpy(x))
    assert layer(dl.from_numpy(np.ones((1, 2))).float()).shape == (1, 1)
