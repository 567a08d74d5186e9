"""GradientTape semantics as in TensorFlow 2: what it watches, what it returns, when it works."""

import warnings

import numpy as np
import pytest

import deepling.tf as tf


def _no_warnings():
    return warnings.catch_warnings(record=True)


def test_sources_keep_their_structure():
    w, b = tf.Variable(3.0), tf.Variable(-1.0)
    with tf.GradientTape(persistent=True) as tape:
        z = w * w * b
    as_list = tape.gradient(z, [w, b])
    as_tuple = tape.gradient(z, (w, b))
    single = tape.gradient(z, w)
    as_dict = tape.gradient(z, {"w": w, "b": b})
    assert isinstance(as_list, list) and [float(g) for g in as_list] == [-6.0, 9.0]
    assert isinstance(as_tuple, tuple) and [float(g) for g in as_tuple] == [-6.0, 9.0]
    assert isinstance(single, tf.Tensor) and float(single) == -6.0
    assert set(as_dict) == {"w", "b"} and float(as_dict["b"]) == 9.0


def test_unwatched_constant_gives_none_and_a_warning_saying_why():
    c = tf.constant(3.0)
    with tf.GradientTape() as tape:
        y = c * c
    with pytest.warns(UserWarning, match="not watched.*tape.watch"):
        g = tape.gradient(y, c)
    assert g is None


def test_watch_makes_a_constant_differentiable_and_only_inside_the_tape():
    c = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(c)
        y = c * c
    assert float(tape.gradient(y, c)) == 6.0
    assert not c.requires_grad  # after the block it is a constant again
    assert not (c * c).requires_grad


def test_unwatched_source_among_watched_ones():
    w, c = tf.Variable(2.0), tf.constant(5.0)
    with tf.GradientTape() as tape:
        y = w * c
    with pytest.warns(UserWarning, match="source 1"):
        gw, gc = tape.gradient(y, [w, c])
    assert float(gw) == 5.0 and gc is None


def test_unconnected_gradients_zero():
    w, v = tf.Variable([1.0, 2.0]), tf.Variable(7.0)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(w * 3.0)
    with _no_warnings() as caught:
        gw, gv = tape.gradient(y, [w, v], unconnected_gradients="zero")
    assert not caught
    assert gw.tolist() == [3.0, 3.0] and gv.numpy() == 0.0 and gv.dtype == np.float32


def test_operations_before_the_block_are_constants():
    w = tf.Variable(2.0)
    y = w * 3.0  # recorded before the tape opened: a constant to it, as in TF
    with tf.GradientTape(persistent=True) as tape:
        z = y * w
    assert float(tape.gradient(z, w)) == 6.0  # d(y w)/dw with y fixed; not 12
    with pytest.warns(UserWarning, match="not connected"):
        assert tape.gradient(z, y) is None  # TF: y was not watched


def test_intermediate_tensor_recorded_inside_is_a_source():
    w = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = w * 3.0
        z = y * y
    assert float(tape.gradient(z, y)) == 12.0


def test_operations_after_the_block_are_not_recorded():
    w = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = w * w
    z = y * 10.0  # after the block
    with pytest.warns(UserWarning):
        assert tape.gradient(z, w) is None


def test_non_persistent_tape_refuses_a_second_gradient():
    w = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = w * w
    assert float(tape.gradient(y, w)) == 4.0
    with pytest.raises(RuntimeError, match="persistent"):
        tape.gradient(y, w)


def test_persistent_tape_gives_gradients_twice():
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = y * y
    assert float(tape.gradient(z, x)) == 108.0  # 4 x^3
    assert float(tape.gradient(y, x)) == 6.0
    assert float(tape.gradient(z, x)) == 108.0


def test_non_scalar_target_is_summed():
    w = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        y = w * w  # shape (3,)
    assert tape.gradient(y, w).tolist() == [2.0, 4.0, 6.0]


def test_list_of_targets_is_summed():
    w = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        a, b = w * w, w * 3.0
    assert float(tape.gradient([a, b], w)) == 7.0


def test_output_gradients_weight_the_target():
    w = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = w * w
    g = tape.gradient(y, w, output_gradients=tf.constant([10.0, -1.0]))
    assert g.tolist() == [20.0, -4.0]


def test_gradient_inside_the_block_works():
    w = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = w * w * w
        g = tape.gradient(y, w)
    assert float(g) == 12.0


def test_gradient_does_not_touch_grad():
    w = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = w * w
    tape.gradient(y, w)
    assert w.grad is None


def test_trainable_false_is_not_watched_until_watch():
    v = tf.Variable(2.0, trainable=False)
    with tf.GradientTape() as tape:
        y = v * v
    with pytest.warns(UserWarning):
        assert tape.gradient(y, v) is None
    with tf.GradientTape() as tape:
        tape.watch(v)
        y = v * v
    assert float(tape.gradient(y, v)) == 4.0


def test_watch_accessed_variables_false_watches_only_what_is_asked():
    w, b = tf.Variable(2.0), tf.Variable(1.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(w)
        y = w * b
    with pytest.warns(UserWarning, match="source 1"):
        gw, gb = tape.gradient(y, [w, b])
    assert float(gw) == 1.0 and gb is None


def test_watch_and_gradient_reject_python_values():
    with tf.GradientTape() as tape:
        with pytest.raises(TypeError, match="tape.watch argument must be a Tensor"):
            tape.watch(3.0)
    w = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        y = w * 2.0
    with pytest.raises(TypeError, match="source 0 must be a Tensor.*list"):
        tape.gradient(y, [[w]])


def test_watching_an_integer_tensor_is_refused():
    with tf.GradientTape() as tape:
        with pytest.raises(RuntimeError, match="floating point"):
            tape.watch(tf.constant([1, 2]))


def test_tape_on_a_training_step_matches_the_formula():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    w = tf.Variable([[0.5], [-1.0]])
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(tf.matmul(x, w)))
    g = tape.gradient(loss, w).numpy()
    xn, wn = x.numpy().astype(np.float64), w.numpy().astype(np.float64)
    np.testing.assert_allclose(g, 2 * xn.T @ (xn @ wn) / 2, rtol=1e-6)
