"""TF's raw ops as rows over the core: values against PyTorch/NumPy, first and second order
gradients through the op harness (the compositions are differentiated by the core's rules)."""

import numpy as np
import pytest

import deepling.tf as tf
from tests.helpers import HAS_TORCH, Case, op_tests

if HAS_TORCH:
    import torch
    import torch.nn.functional as F


def _ints(*shape, high):
    return lambda rng: rng.integers(0, high, shape)


def _with(index):
    """Inputs: a float array of `shape` and the fixed integer `index`."""
    return lambda shape: lambda rng: [rng.uniform(-2, 2, shape), np.asarray(index)]


CASES = [
    Case(lambda p, i: tf.gather(p, i), make_inputs=_with([2, 0, 2])((3, 4)),
         torch=lambda p, i: p[i], name="gather axis 0"),
    Case(lambda p, i: tf.gather(p, i, axis=1), make_inputs=_with([[1, 0], [3, 3]])((2, 4)),
         torch=lambda p, i: p[:, i], name="gather axis 1, 2-d indices"),
    Case(lambda p, i: tf.gather(p, i, axis=1, batch_dims=1),
         make_inputs=_with([[1, 0], [2, 2]])((2, 3, 2)),
         torch=lambda p, i: p[torch.arange(2)[:, None], i], name="gather batch_dims=1"),
    Case(lambda p, i: tf.gather_nd(p, i), make_inputs=_with([[0, 1], [2, 3], [0, 1]])((3, 4, 2)),
         torch=lambda p, i: p[i[:, 0], i[:, 1]], name="gather_nd slices"),
    Case(lambda p, i: tf.gather_nd(p, i), make_inputs=_with([[1], [0]])((2, 3)),
         torch=lambda p, i: p[i[:, 0]], name="gather_nd rows"),
    Case(lambda a, b: tf.tensordot(a, b, 1), [(2, 3), (3, 4)],
         torch=lambda a, b: torch.tensordot(a, b, 1), name="tensordot 1"),
    Case(lambda a, b: tf.tensordot(a, b, [[0, 2], [2, 0]]), [(2, 3, 4), (4, 5, 2)],
         torch=lambda a, b: torch.tensordot(a, b, ([0, 2], [2, 0])), name="tensordot axes"),
    Case(lambda a, b: tf.tensordot(a, b, 0), [(2,), (3,)],
         torch=lambda a, b: torch.tensordot(a, b, 0), name="tensordot outer"),
    Case(lambda t: tf.clip_by_norm(t, 1.5), [(3, 4)],
         torch=lambda t: t * 1.5 / torch.clamp(t.norm(), min=1.5), name="clip_by_norm"),
    Case(lambda t: tf.clip_by_norm(t, 1.0, axes=[1]), [(3, 4)],
         torch=lambda t: t / torch.clamp(t.norm(dim=1, keepdim=True), min=1.0),
         name="clip_by_norm axes"),
    Case(lambda t: tf.clip_by_value(t, -0.5, 0.7), [(3, 4)],
         torch=lambda t: torch.clamp(t, -0.5, 0.7), name="clip_by_value"),
    Case(lambda a, b: tf.clip_by_global_norm([a, b], 1.0)[0][1], [(3,), (2, 2)],
         torch=lambda a, b: b / torch.clamp(torch.sqrt((a * a).sum() + (b * b).sum()), min=1.0),
         name="clip_by_global_norm"),
    Case(lambda y, x: tf.nn.softmax_cross_entropy_with_logits(y, x), [(3, 4), (3, 4)],
         torch=lambda y, x: -(y * F.log_softmax(x, -1)).sum(-1), low=0.0, high=1.0,
         name="softmax_cross_entropy_with_logits"),
    Case(lambda x, y: tf.nn.sparse_softmax_cross_entropy_with_logits(y, x),
         make_inputs=_with([2, 0, 1])((3, 4)),
         torch=lambda x, y: F.cross_entropy(x, y, reduction="none"),
         name="sparse_softmax_cross_entropy_with_logits"),
    Case(lambda y, x: tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=x),
         [(3, 2), (3, 2)], low=0.0, high=1.0,
         torch=lambda y, x: F.binary_cross_entropy_with_logits(x, y, reduction="none"),
         name="sigmoid_cross_entropy_with_logits"),
    Case(lambda x: tf.math.l2_normalize(x, axis=1), [(3, 4)],
         torch=lambda x: F.normalize(x, dim=1), name="l2_normalize"),
    Case(lambda x: tf.math.reduce_std(x, axis=0), [(4, 3)],
         torch=lambda x: torch.std(x, 0, correction=0), name="reduce_std"),
    Case(lambda x: tf.math.reduce_variance(x), [(4, 3)],
         torch=lambda x: torch.var(x, correction=0), name="reduce_variance"),
    Case(lambda x: tf.nn.moments(x, axes=[0])[1], [(5, 3)],
         torch=lambda x: torch.var(x, 0, correction=0), name="moments variance"),
    Case(lambda x: tf.nn.selu(x), [(3, 4)], torch="selu"),
    Case(lambda x: tf.nn.relu6(x * 4), [(3, 4)], torch=lambda x: F.relu6(x * 4), name="relu6"),
    Case(lambda x: tf.nn.leaky_relu(x), [(3, 4)],
         torch=lambda x: F.leaky_relu(x, 0.2), name="leaky_relu alpha 0.2"),
    Case(lambda x: tf.nn.gelu(x, approximate=True), [(3, 4)],
         torch=lambda x: F.gelu(x, approximate="tanh"), name="gelu approximate"),
    Case(lambda x: tf.nn.silu(x), [(3, 4)], torch=lambda x: F.silu(x), name="silu"),
    Case(lambda x: tf.math.log_sigmoid(x), [(3, 4)], torch=lambda x: F.logsigmoid(x),
         name="log_sigmoid"),
    Case(lambda x: tf.nn.l2_loss(x), [(3, 4)], torch=lambda x: (x * x).sum() / 2,
         name="l2_loss"),
    Case(lambda x: tf.math.rsqrt(x), [(3,)], low=0.5, torch="rsqrt"),
    Case(lambda a, b: tf.math.squared_difference(a, b), [(3, 1), (4,)],
         torch=lambda a, b: (a - b) ** 2, name="squared_difference"),
    Case(lambda a, b: tf.math.divide_no_nan(a, b), make_inputs=lambda rng: [
        rng.uniform(-2, 2, 4), np.array([0.8, 1.5, -0.7, 1.2])],
         torch=lambda a, b: torch.where(b == 0, 0.0, a / torch.where(b == 0, 1.0, b)),
         name="divide_no_nan"),
    Case(lambda x: tf.pad(x, [[1, 0], [2, 1]], constant_values=3.0), [(2, 3)],
         torch=lambda x: F.pad(x, (2, 1, 1, 0), value=3.0), name="pad"),
    Case(lambda x: tf.stack(tf.unstack(x, axis=1), axis=0), [(2, 3)],
         torch=lambda x: x.T, name="unstack"),
    Case(lambda x: tf.concat(tf.split(x, [1, -1], axis=1)[::-1], 1), [(2, 3)],
         torch=lambda x: torch.cat([x[:, 1:], x[:, :1]], 1), name="split sizes"),
    Case(lambda x: tf.squeeze(tf.expand_dims(x, -1), axis=[2]), [(2, 3)],
         torch=lambda x: x, name="expand_dims squeeze"),
    Case(lambda x: tf.identity(x), [()], torch=lambda x: x.clone(), name="identity 0-d"),
    Case(lambda x: tf.linalg.matvec(x, x[0]), [(3, 3)],
         torch=lambda x: torch.mv(x, x[0]), name="matvec"),
    Case(lambda a, b: tf.matmul(a, b, transpose_b=True), [(2, 3), (4, 3)],
         torch=lambda a, b: a @ b.T, name="matmul transpose_b"),
    Case(lambda x: tf.boolean_mask(x, np.array([True, False, True])), [(3, 2)],
         torch=lambda x: x[[0, 2]], name="boolean_mask"),
    Case(lambda x: tf.where(x > 0, x, x * x), [(3, 4)],
         torch=lambda x: torch.where(x > 0, x, x * x), name="where"),
]  # fmt: skip

test_composed_rows = op_tests(CASES)


def test_shape_size_rank_fill_eye_linspace_one_hot():
    x = tf.zeros([2, 3])
    assert tf.shape(x).numpy().tolist() == [2, 3] and tf.shape(x).dtype == np.int32
    assert int(tf.size(x)) == 6 and int(tf.rank(x)) == 2
    assert tf.fill([2], 7).numpy().tolist() == [7, 7] and tf.fill([2], 7).dtype == np.int32
    assert tf.eye(2, 3).numpy().tolist() == [[1, 0, 0], [0, 1, 0]]
    assert tf.eye(2, batch_shape=[3]).shape == (3, 2, 2)
    assert tf.linspace(0.0, 1.0, 5).numpy().tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    hot = tf.one_hot([0, 3, -1], 3)
    assert hot.dtype == np.float32 and hot.numpy().tolist() == [[1, 0, 0], [0, 0, 0], [0, 0, 0]]
    assert tf.one_hot([1], 2, on_value=5, off_value=-1).numpy().tolist() == [[-1, 5]]
    assert tf.one_hot([1, 0], 2, axis=0).numpy().tolist() == [[0, 1], [1, 0]]


def test_reductions_on_bools_and_counts():
    b = tf.constant([[True, False], [False, False]])
    assert tf.reduce_any(b, axis=1).numpy().tolist() == [True, False]
    assert not bool(tf.reduce_all(b)) and bool(tf.reduce_any(b))
    assert int(tf.math.count_nonzero([0, 3, 0, 1])) == 2
    assert tf.reduce_sum([[1, 2], [3, 4]]).dtype == np.int32
    with pytest.raises(TypeError, match="bool"):
        tf.reduce_any([1, 0])


def test_divide_no_nan_at_zero_gives_zero_and_no_nan_gradient():
    x, y = tf.Variable([1.0, 2.0]), tf.Variable([0.0, 4.0])
    with tf.GradientTape() as tape:
        z = tf.math.divide_no_nan(x, y)
    gx, gy = tape.gradient(z, [x, y])
    assert z.numpy().tolist() == [0.0, 0.5]
    assert gx.numpy().tolist() == [0.0, 0.25] and gy.numpy().tolist() == [0.0, -0.125]


def test_where_one_argument_waits_for_nonzero():
    with pytest.raises(NotImplementedError, match="x and y"):
        tf.where([True, False])


def test_confusion_matrix_and_in_top_k():
    cm = tf.math.confusion_matrix([1, 2, 4], [2, 2, 4])
    assert cm.dtype == np.int32 and cm.shape == (5, 5)
    assert cm.numpy()[1, 2] == 1 and cm.numpy()[2, 2] == 1 and cm.numpy()[4, 4] == 1
    weighted = tf.math.confusion_matrix([0, 1], [0, 0], num_classes=2, weights=[2, 3])
    assert weighted.numpy().tolist() == [[2, 0], [3, 0]]
    preds = [[0.1, 0.5, 0.5], [0.9, 0.05, 0.05]]
    assert tf.math.in_top_k([2, 1], preds, 1).numpy().tolist() == [True, False]


def test_random_draws():
    z = tf.random.truncated_normal([2000], stddev=2.0, seed=1)
    assert np.abs(z.numpy()).max() <= 4.0 and abs(float(tf.reduce_mean(z))) < 0.15
    s = tf.random.shuffle(tf.range(10), seed=3)
    assert sorted(s.numpy().tolist()) == list(range(10))
    draws = tf.random.categorical(tf.math.log([[0.1, 0.9]]), 4000, seed=2)
    assert draws.shape == (1, 4000) and draws.dtype == np.int64
    assert 0.87 < draws.numpy().mean() < 0.93


def test_argmax_cast_and_stop_gradient():
    assert tf.argmax([[1, 5], [7, 2]]).numpy().tolist() == [1, 0]
    assert tf.cast([1.7, -1.7], tf.int32).numpy().tolist() == [1, -1]
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = x * tf.stop_gradient(x)
    assert float(tape.gradient(y, x)) == 3.0


@pytest.mark.filterwarnings("ignore:overflow encountered in exp:RuntimeWarning")
def test_custom_gradient_first_and_second_order():
    @tf.custom_gradient
    def log1pexp(x):
        e = tf.exp(x)

        def grad(upstream):
            return upstream * (1 - 1 / (1 + tf.exp(x)))

        return tf.math.log(1 + e), grad

    x = tf.constant(100.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = log1pexp(x)
    assert float(tape.gradient(y, x)) == 1.0  # the stable formula, not inf / inf
    x = tf.Variable(0.5)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = log1pexp(x)
        dy = inner.gradient(y, x)
    s = 1 / (1 + np.exp(-0.5))
    assert np.isclose(float(dy), s) and np.isclose(float(outer.gradient(dy, x)), s * (1 - s))


def test_custom_gradient_with_variables():
    w = tf.Variable(2.0)

    @tf.custom_gradient
    def scaled(x):
        def grad(upstream, variables=None):
            return upstream * 100.0, [upstream * 7.0]

        return x * w, grad

    x = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        y = scaled(x)
    gx, gw = tape.gradient(y, [x, w])
    assert float(gx) == 100.0 and float(gw) == 7.0
