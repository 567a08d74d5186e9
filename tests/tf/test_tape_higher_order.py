"""Higher orders with GradientTape, as TensorFlow 2 computes them: nested tapes (second and
third derivatives), tape.jacobian and tape.batch_jacobian against Jacobians written out in
NumPy, persistent and non-persistent tapes, and Jacobians of a gradient taken inside an outer
tape (Hessians, per-sample Hessians)."""

import warnings

import numpy as np
import pytest

import deepling.tf as tf

RNG = np.random.default_rng(0)


def _np(t):
    return np.asarray(t.numpy(), dtype=np.float64)


# --- nested tapes ---
def test_second_and_third_derivatives_of_x_to_the_fourth():
    x = tf.Variable(2.0)
    with tf.GradientTape() as t3:
        with tf.GradientTape() as t2:
            with tf.GradientTape() as t1:
                y = x**4
            dy = t1.gradient(y, x)  # 4 x^3, recorded by t2 and t3
        d2y = t2.gradient(dy, x)  # 12 x^2, recorded by t3
    d3y = t3.gradient(d2y, x)  # 24 x
    assert [float(dy), float(d2y), float(d3y)] == [32.0, 48.0, 48.0]


def test_nested_tapes_on_a_watched_constant():
    x = tf.constant([1.0, -2.0, 0.5])
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.reduce_sum(tf.sin(x) * x)
        dy = inner.gradient(y, x)  # cos(x) x + sin(x)
    d2y = outer.gradient(dy, x)  # the sum over rows of the Hessian: 2 cos(x) - x sin(x)
    v = np.array([1.0, -2.0, 0.5])
    np.testing.assert_allclose(_np(dy), np.cos(v) * v + np.sin(v), rtol=1e-6)
    np.testing.assert_allclose(_np(d2y), 2 * np.cos(v) - v * np.sin(v), rtol=1e-5, atol=1e-6)


def _network():
    """u(x) = w2 . tanh(w1 x + b1) + b2 on a scalar x, with its weights as NumPy arrays."""
    w1, b1, w2 = (RNG.standard_normal(8).astype(np.float32) for _ in range(3))
    params = [tf.Variable(w1), tf.Variable(b1), tf.Variable(w2), tf.Variable(0.3)]

    def u(x):
        return tf.reduce_sum(params[2] * tf.tanh(params[0] * x + params[1])) + params[3]

    return u, params, (w1.astype(float), b1.astype(float), w2.astype(float))


def test_derivatives_of_a_small_network_in_its_input_up_to_the_third():
    u, _, (w1, b1, w2) = _network()
    x = tf.Variable(0.4)
    with tf.GradientTape() as t3:
        with tf.GradientTape() as t2:
            with tf.GradientTape() as t1:
                y = u(x)
            d1 = t1.gradient(y, x)
        d2 = t2.gradient(d1, x)
    d3 = t3.gradient(d2, x)
    t = np.tanh(w1 * 0.4 + b1)
    expected = [  # tanh' = 1 - t^2, tanh'' = -2 t (1 - t^2), tanh''' = (1 - t^2)(6 t^2 - 2)
        np.sum(w2 * w1 * (1 - t**2)),
        np.sum(w2 * w1**2 * -2 * t * (1 - t**2)),
        np.sum(w2 * w1**3 * (1 - t**2) * (6 * t**2 - 2)),
    ]
    np.testing.assert_allclose([float(d1), float(d2), float(d3)], expected, rtol=1e-4)


def test_gradient_of_the_input_gradient_with_respect_to_the_weights():
    u, params, (w1, b1, w2) = _network()
    x = tf.Variable(-0.7)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = u(x)
        du = inner.gradient(y, x)  # sum w2 w1 (1 - t^2)
    g_w1, g_b1, g_w2, g_b2 = outer.gradient(du, params, unconnected_gradients="zero")
    t = np.tanh(w1 * -0.7 + b1)
    s = 1 - t**2
    np.testing.assert_allclose(_np(g_w2), w1 * s, rtol=1e-5)
    np.testing.assert_allclose(_np(g_b1), w2 * w1 * -2 * t * s, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(_np(g_w1), w2 * s + w2 * w1 * -0.7 * -2 * t * s, rtol=1e-4)
    assert float(g_b2) == 0.0  # du does not depend on the output bias


def test_a_gradient_taken_after_the_outer_block_is_not_recorded():
    x = tf.Variable(3.0)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = x**3
    dy = inner.gradient(y, x)  # outside `outer`: a constant to it, as in TensorFlow
    assert float(dy) == 27.0
    with pytest.warns(UserWarning, match="not connected"):
        assert outer.gradient(dy, x) is None


# --- tape.jacobian and tape.batch_jacobian ---
def test_jacobian_of_a_vector_function():
    a = RNG.standard_normal((4, 3)).astype(np.float32)
    x = tf.Variable(RNG.standard_normal(3).astype(np.float32))
    with tf.GradientTape() as tape:
        y = tf.tanh(tf.reduce_sum(tf.constant(a) * x, axis=1))  # tanh(a x): (4,)
    jac = tape.jacobian(y, x)
    t = np.tanh(a.astype(float) @ _np(x))
    assert tuple(jac.shape) == (4, 3)
    np.testing.assert_allclose(_np(jac), (1 - t**2)[:, None] * a, rtol=1e-5, atol=1e-6)


def test_jacobian_shapes_follow_target_and_source():
    w = tf.Variable(RNG.standard_normal((2, 3)).astype(np.float32))
    b = tf.Variable(np.float32(0.5))
    c = tf.Variable(np.ones(2, np.float32))
    with tf.GradientTape(persistent=True) as tape:
        y = tf.reduce_sum(w * w, axis=1) * b  # (2,)
    with pytest.warns(UserWarning, match="source 2 .* not connected"):
        jw, jb, jc = tape.jacobian(y, [w, b, c])
    assert tuple(jw.shape) == (2, 2, 3) and tuple(jb.shape) == (2,) and jc is None
    expected = np.zeros((2, 2, 3))
    for i in range(2):
        expected[i, i] = 2 * _np(w)[i] * 0.5
    np.testing.assert_allclose(_np(jw), expected, rtol=1e-6)
    np.testing.assert_allclose(_np(jb), (_np(w) ** 2).sum(1), rtol=1e-6)
    zero = tape.jacobian(y, c, unconnected_gradients="zero")
    assert tuple(zero.shape) == (2, 2) and not _np(zero).any()


def test_batch_jacobian_is_the_per_sample_jacobian():
    w = RNG.standard_normal((3, 4)).astype(np.float32)
    x = tf.constant(RNG.standard_normal((5, 3)).astype(np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.tanh(tf.matmul(x, tf.constant(w)))  # (5, 4); samples do not interact
    jac = tape.batch_jacobian(y, x)
    t = np.tanh(_np(x) @ w)
    expected = (1 - t**2)[:, :, None] * w.T[None].astype(float)  # (5, 4, 3)
    assert tuple(jac.shape) == (5, 4, 3)
    np.testing.assert_allclose(_np(jac), expected, rtol=1e-5, atol=1e-6)


def test_batch_jacobian_of_a_matrix_valued_target_and_a_wrong_batch():
    x = tf.constant(RNG.standard_normal((3, 2)).astype(np.float32))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x[:, :, None] * x[:, None, :]  # (3, 2, 2): outer product per sample
    jac = tape.batch_jacobian(y, x)
    assert tuple(jac.shape) == (3, 2, 2, 2)
    v, eye = _np(x), np.eye(2)
    expected = eye[None, :, None, :] * v[:, None, :, None] + v[:, :, None, None] * eye
    np.testing.assert_allclose(_np(jac), expected, rtol=1e-6)
    with pytest.raises(ValueError, match="first dimension"):
        tape.batch_jacobian(y, tf.constant(np.ones((2, 2), np.float32)))


# --- persistent and non-persistent tapes ---
def test_a_non_persistent_tape_gives_one_set_of_gradients():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = x * x
    np.testing.assert_allclose(_np(tape.jacobian(y, x)), np.diag([2.0, 4.0]))
    with pytest.raises(RuntimeError, match="persistent"):
        tape.gradient(y, x)


def test_a_persistent_tape_serves_gradient_jacobian_and_batch_jacobian():
    x = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape(persistent=True) as tape:
        y = x**2
        s = tf.reduce_sum(y)
    for _ in range(2):
        np.testing.assert_allclose(_np(tape.gradient(s, x)), 2 * _np(x))
    np.testing.assert_allclose(_np(tape.jacobian(s, x)), 2 * _np(x))
    per_sample = tape.batch_jacobian(y, x)
    np.testing.assert_allclose(_np(per_sample), [np.diag([2.0, 4.0]), np.diag([6.0, 8.0])])


# --- Jacobians of a gradient: Hessians ---
def _hessian_by_hand(v):
    """f(x) = sum(x^3) + x0 x1 x2: H = diag(6x) plus the mixed terms."""
    h = np.diag(6 * v)
    h[0, 1] = h[1, 0] = v[2]
    h[0, 2] = h[2, 0] = v[1]
    h[1, 2] = h[2, 1] = v[0]
    return h


def test_jacobian_of_a_gradient_computed_inside_an_outer_tape_is_the_hessian():
    x = tf.Variable([0.5, -1.0, 2.0])
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            f = tf.reduce_sum(x**3) + x[0] * x[1] * x[2]
        g = inner.gradient(f, x)
    hessian = outer.jacobian(g, x)
    np.testing.assert_allclose(_np(hessian), _hessian_by_hand(_np(x)), rtol=1e-6)


def test_batch_jacobian_of_a_per_sample_gradient_gives_per_sample_hessians():
    x = tf.constant(RNG.uniform(-1, 1, (4, 3)).astype(np.float32))
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            f = tf.reduce_sum(x**3, axis=1) + x[:, 0] * x[:, 1] * x[:, 2]  # one f per sample
        g = inner.gradient(f, x)  # (4, 3): row b is the gradient of f[b]
    hessians = outer.batch_jacobian(g, x)
    assert tuple(hessians.shape) == (4, 3, 3)
    for b, v in enumerate(_np(x)):
        np.testing.assert_allclose(_np(hessians)[b], _hessian_by_hand(v), rtol=1e-5, atol=1e-6)


def test_no_warning_for_sources_that_are_connected():
    x = tf.Variable([1.0, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with tf.GradientTape() as outer:
            with tf.GradientTape() as inner:
                y = tf.reduce_sum(tf.exp(x))
            g = inner.gradient(y, x)
        np.testing.assert_allclose(_np(outer.jacobian(g, x)), np.diag(np.exp([1.0, 2.0])), 1e-6)
