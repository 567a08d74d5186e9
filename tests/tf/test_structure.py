"""TF 2's program structure: housekeeping names, TF's printing, tf.Variable's details,
tf.Module, tf.function, tf.name_scope and tape options."""

import io
import logging
import sys
import warnings

import numpy as np
import pytest

import deepling
import deepling.tf as tf


def test_housekeeping_names():
    assert tf.__version__ == "2.21.0" and tf.version.VERSION == "2.21.0"
    assert tf.config.list_physical_devices("GPU") == []
    assert [d.device_type for d in tf.config.list_physical_devices()] == ["CPU"]
    assert tf.executing_eagerly() is True
    assert isinstance(tf.get_logger(), logging.Logger) and tf.get_logger().name == "tensorflow"
    tf.config.run_functions_eagerly(True)
    assert tf.config.functions_run_eagerly()
    tf.config.run_functions_eagerly(False)
    tf.random.set_seed(3)
    a = tf.random.normal([2])
    tf.random.set_seed(3)
    assert tf.random.normal([2]).numpy().tolist() == a.numpy().tolist()
    from deepling.tf import keras

    keras.backend.clear_session()
    keras.utils.set_random_seed(1)


def test_seed000_printing():
    w = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        z = 2 * w**2 + 5
    assert repr(tape.gradient(z, [w])) == "[<tf.Tensor: shape=(), dtype=float32, numpy=8.0>]"
    assert repr(w) == "<tf.Variable 'Variable:0' shape=() dtype=float32, numpy=2.0>"


def test_tensor_str_and_repr_as_tf():
    assert str(tf.math.add(1, 2)) == "tf.Tensor(3, shape=(), dtype=int32)"
    assert str(tf.constant([4, 6])) == "tf.Tensor([4 6], shape=(2,), dtype=int32)"
    assert str(tf.ones([2, 2])) == "tf.Tensor(\n[[1. 1.]\n [1. 1.]], shape=(2, 2), dtype=float32)"
    assert repr(tf.constant([1, 2])) == (
        "<tf.Tensor: shape=(2,), dtype=int32, numpy=array([1, 2], dtype=int32)>"
    )
    x = tf.constant([[1.0, 2.0]])
    assert type(x + 1) is tf.Tensor and type(-x) is tf.Tensor and type(x[0]) is tf.Tensor
    assert type(x @ tf.transpose(x)) is tf.Tensor and type(2 * x) is tf.Tensor
    assert repr(x.shape) == "TensorShape([1, 2])" and x.shape.as_list() == [1, 2]
    assert x.shape.rank == 2 and x.shape.num_elements() == 2 and x.shape == (1, 2)


def test_one_tensor_type_underneath():
    t = deepling.tensor([1.0, 2.0])
    assert isinstance(t, tf.Tensor) and tf.is_tensor(t)
    assert repr(t).startswith("tensor(")  # the PyTorch face keeps its own printing
    y = tf.reduce_sum(t)
    assert isinstance(y, deepling.Tensor) and repr(y).startswith("<tf.Tensor")


def test_tensors_are_immutable_and_inplace_operators_make_new_ones():
    x = tf.constant([1.0, 2.0])
    y = x
    y += 1
    assert x.numpy().tolist() == [1.0, 2.0] and y.numpy().tolist() == [2.0, 3.0]
    with pytest.raises(TypeError, match="item assignment"):
        x[0] = 5.0


def test_variable_api_details():
    v = tf.Variable([1.0, 2.0], name="v", trainable=False, dtype=tf.float64)
    assert v.shape == tf.TensorShape([2]) and v.dtype == np.float64 and v.name == "v:0"
    assert not v.trainable and v.value().numpy().tolist() == [1.0, 2.0]
    snapshot = v.read_value()
    assert v.assign([3.0, 4.0]) is v and v.assign_add([1.0, 1.0]) is v
    assert v.assign_sub([1.0, 1.0], read_value=False) is None
    assert snapshot.numpy().tolist() == [1.0, 2.0] and v.numpy().tolist() == [3.0, 4.0]
    with pytest.raises(RuntimeError, match="assign_add"):
        v += 1
    w = tf.Variable([1.0], validate_shape=False, shape=tf.TensorShape([None]))
    w.assign([1.0, 2.0, 3.0])
    assert w.shape == (3,)
    c = tf.Variable(5.0, constraint=lambda x: tf.clip_by_value(x, 0, 1))
    assert callable(c.constraint)
    with pytest.raises(NotImplementedError, match="synchronization"):
        tf.Variable(1.0, synchronization="ON_READ")


def test_name_scopes_name_variables():
    with tf.name_scope("outer") as scope:
        with tf.name_scope("inner"):
            v = tf.Variable(1.0, name="w")
    assert scope == "outer/" and v.name == "outer/inner/w:0"
    assert tf.Variable(1.0).name == "Variable:0"


class Dense(tf.Module):
    def __init__(self, n_in, n_out, name=None):
        super().__init__(name=name)
        self.w = tf.Variable(tf.random.normal([n_in, n_out]), name="w")
        self.b = tf.Variable(tf.zeros([n_out]), name="b")

    def __call__(self, x):
        return tf.nn.relu(tf.matmul(x, self.w) + self.b)


class Net(tf.Module):
    def __init__(self):
        super().__init__()
        self.layers = [Dense(3, 4), Dense(4, 2)]
        self.scale = tf.Variable(1.0, trainable=False)
        self.table = {"z": tf.Variable(0.0), "a": tf.Variable(1.0)}

    @tf.Module.with_name_scope
    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        if not hasattr(self, "late"):
            self.late = tf.Variable(2.0, name="late")
        return x * self.scale


def test_module_collects_variables_and_submodules_in_tf_order():
    net = Net()
    assert net.name == "net" and Dense(1, 1).name == "dense"
    assert len(net.variables) == 7 and len(net.trainable_variables) == 6
    assert net.non_trainable_variables == (net.scale,)
    # sorted attribute names: layers, scale, table (its keys sorted); then the submodules
    assert net.variables[:3] == (net.scale, net.table["a"], net.table["z"])
    assert net.submodules == tuple(net.layers)
    net(tf.ones([1, 3]))
    assert net.late.name == "net/late:0" and net.late in net.trainable_variables


def test_module_sees_keras_layers_and_rejects_bad_names():
    from deepling import keras

    class Holder(tf.Module):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(2)
            self.dense(np.zeros((1, 3), np.float32))

    h = Holder()
    assert len(h.trainable_variables) == 2 and h.submodules == (h.dense,)
    with pytest.raises(ValueError, match="valid module name"):
        tf.Module(name="bad name")


def test_tf_function_runs_eagerly_with_the_same_results():
    calls = []

    @tf.function
    def f(x, y):
        calls.append(1)
        return x * y + 1

    assert float(f(tf.constant(2.0), 3.0)) == 7.0 and len(calls) == 1
    assert type(f(tf.constant(2.0), 3.0)) is tf.Tensor and f.python_function.__name__ == "f"

    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)], reduce_retracing=True,
                 jit_compile=True)  # fmt: skip
    def g(x):
        return tf.reduce_sum(x), 3

    total, three = g([1, 2])
    assert float(total) == 3.0 and type(three) is tf.Tensor and int(three) == 3
    with pytest.raises(TypeError, match="does not match"):
        g(tf.zeros([2, 2]))
    square = tf.function(lambda x: x * x)
    assert float(square(3.0)) == 9.0


def test_tf_function_on_methods_and_with_a_tape():
    class Model(tf.Module):
        def __init__(self):
            super().__init__()
            self.w = tf.Variable(2.0)

        @tf.function
        def __call__(self, x):
            return self.w * x

    m = Model()
    with tf.GradientTape() as tape:
        y = m(tf.constant(3.0))
    assert float(tape.gradient(y, m.w)) == 3.0


def test_tape_options():
    w, u = tf.Variable(2.0), tf.Variable(5.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(w)
        y = w * u
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gw, gu = tape.gradient(y, [w, u])
    assert float(gw) == 5.0 and gu is None
    with tf.GradientTape() as tape:
        y = w * 3.0
    zero = tape.gradient(y, u, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    assert type(zero) is tf.Tensor and float(zero) == 0.0


def test_tf_print():
    out = io.StringIO()
    tf.print(tf.constant([1.5, 2.0]), "x", tf.range(10), output_stream=out)
    assert out.getvalue() == "[1.5 2] x [0 1 2 ... 7 8 9]\n"
    out = io.StringIO()
    tf.print(tf.constant([[1, 2], [3, 4]]), output_stream=out)
    assert out.getvalue() == "[[1 2]\n [3 4]]\n"
    err = io.StringIO()
    sys.stderr, saved = err, sys.stderr
    try:
        tf.print(tf.constant(3.0))
    finally:
        sys.stderr = saved
    assert err.getvalue() == "3\n"
