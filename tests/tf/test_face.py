"""deepling.tf's names, defaults and argument orders, checked against NumPy and TF's docs."""

import numpy as np
import pytest

import deepling.tf as tf

A = np.array([[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]], dtype=np.float32)


PROMISED = [
    "GradientTape",
    "Tensor",
    "Variable",
    "abs",
    "add",
    "argmax",
    "argmin",
    "bool",
    "cast",
    "concat",
    "constant",
    "convert_to_tensor",
    "cos",
    "divide",
    "double",
    "equal",
    "exp",
    "float16",
    "float32",
    "float64",
    "greater",
    "half",
    "int8",
    "int16",
    "int32",
    "int64",
    "less",
    "log",
    "math",
    "matmul",
    "maximum",
    "minimum",
    "multiply",
    "negative",
    "nn",
    "not_equal",
    "ones",
    "ones_like",
    "pow",
    "random",
    "range",
    "reduce_logsumexp",
    "reduce_max",
    "reduce_mean",
    "reduce_min",
    "reduce_prod",
    "reduce_sum",
    "reshape",
    "sigmoid",
    "sin",
    "sqrt",
    "square",
    "stack",
    "subtract",
    "tanh",
    "transpose",
    "uint8",
    "zeros",
    "zeros_like",
]


def test_every_promised_name_imports():
    namespace = {}
    exec("from deepling.tf import " + ", ".join(PROMISED), namespace)
    assert all(namespace[n] is getattr(tf, n) for n in PROMISED)


def test_promised_names_are_the_core_ones():
    # one Tensor type underneath: the face's classes only change how results print
    import deepling
    from deepling.tape import GradientTape as CoreTape

    assert issubclass(tf.GradientTape, CoreTape) and issubclass(tf.Tensor, deepling.Tensor)
    assert tf.Tensor.__slots__ == () and isinstance(deepling.ones(2), tf.Tensor)
    assert issubclass(tf.Variable, tf.Tensor)
    assert [tf.float16, tf.half, tf.float32, tf.float64, tf.double] == [np.float16] * 2 + [
        np.float32
    ] + [np.float64] * 2
    assert [tf.int8, tf.int16, tf.int32, tf.int64, tf.uint8, tf.bool] == [
        np.int8,
        np.int16,
        np.int32,
        np.int64,
        np.uint8,
        np.bool_,
    ]
    assert tf.math.reduce_mean is tf.reduce_mean and tf.math.square is tf.square
    assert tf.nn.sigmoid is tf.sigmoid and tf.random.set_seed.__module__ == "deepling.tf.random"


def test_missing_name_raises_attribute_error():
    with pytest.raises(AttributeError, match="deepling.tf.*no_such_name"):
        tf.no_such_name  # noqa: B018


# --- tf.Variable ---
def test_variable_dtypes_follow_tf():
    assert tf.Variable(2.0).dtype == np.float32 and tf.Variable(2.0).requires_grad
    assert tf.Variable([1, 2]).dtype == np.int32  # Python ints are int32 in TF
    assert not tf.Variable([1, 2]).requires_grad  # trainable, but a tape never watches ints
    assert tf.Variable(np.arange(3)).dtype == np.int64  # arrays keep theirs
    assert tf.Variable(1, dtype=tf.float64).dtype == np.float64
    assert tf.Variable(lambda: [1.0, 2.0]).shape == (2,)


def test_variable_name_trainable_and_repr():
    v = tf.Variable(2.0)
    assert v.name == "Variable:0" and v.trainable
    assert repr(v) == "<tf.Variable 'Variable:0' shape=() dtype=float32, numpy=2.0>"
    w = tf.Variable([[1.0], [2.0]], name="w", trainable=False)
    assert w.name == "w:0" and not w.trainable and not w.requires_grad
    assert repr(w) == (
        "<tf.Variable 'w:0' shape=(2, 1) dtype=float32, numpy=\n"
        "array([[1.],\n       [2.]], dtype=float32)>"
    )


def test_assign_methods_update_in_place_and_return_the_variable():
    v = tf.Variable([1.0, 2.0])
    data = v._data
    assert v.assign([5.0, 6.0]) is v and v.numpy().tolist() == [5.0, 6.0]
    assert v.assign_add(tf.constant([1.0, 1.0])) is v and v.numpy().tolist() == [6.0, 7.0]
    assert v.assign_sub(np.array([0.5, 0.5])) is v and v.numpy().tolist() == [5.5, 6.5]
    assert v._data is data and v.dtype == np.float32
    assert v.grad_fn is None and v.requires_grad  # no graph recorded, still a leaf


ASSIGNS = [
    ("assign", [5.0, 6.0], [5.0, 6.0]),
    ("assign_add", [1.0, 1.0], [2.0, 3.0]),
    ("assign_sub", [0.5, 0.5], [0.5, 1.5]),
]


@pytest.mark.parametrize("method, value, expected", ASSIGNS)
def test_assign_with_read_value_false_returns_none_and_still_assigns(method, value, expected):
    v = tf.Variable([1.0, 2.0])
    assert getattr(v, method)(value, read_value=False) is None
    assert v.numpy().tolist() == expected
    w = tf.Variable([1.0, 2.0])
    assert getattr(w, method)(value) is w and w.numpy().tolist() == expected


def test_assign_refuses_wrong_shape_or_dtype_and_keeps_the_value():
    v = tf.Variable([1.0, 2.0])
    with pytest.raises(ValueError, match=r"shape mismatch.*\(2,\).*\(3,\)"):
        v.assign([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="assign_sub"):
        v.assign_sub(1.0)
    i = tf.Variable([1, 2])
    with pytest.raises(TypeError, match="float32.*int32"):
        i.assign_add(tf.constant([0.5, 0.5]))
    assert v.numpy().tolist() == [1.0, 2.0] and i.numpy().tolist() == [1, 2]


def test_numpy_of_a_variable_is_a_snapshot():
    v = tf.Variable(1.0)
    before = v.numpy()
    v.assign(3.0)
    assert before == 1.0 and v.numpy() == 3.0


def test_arithmetic_on_variables_gives_tensors():
    v = tf.Variable([1.0, 2.0])
    y = v * 2 + 1
    assert type(y) is tf.Tensor and y.tolist() == [3.0, 5.0] and y.requires_grad


# --- tf.constant, tf.convert_to_tensor ---
def test_constant_dtypes_and_copy():
    assert tf.constant(1.5).dtype == np.float32 and tf.constant([1, 2]).dtype == np.int32
    assert tf.constant([1, 2], dtype=tf.float32).dtype == np.float32
    a = np.zeros(2)
    c = tf.constant(a)
    a[0] = 9
    assert c.dtype == np.float64 and c.tolist() == [0.0, 0.0]


def test_constant_shape_fills_or_reshapes():
    assert tf.constant(0.5, shape=(2, 2)).tolist() == [[0.5, 0.5], [0.5, 0.5]]
    assert tf.constant([1, 2, 3, 4], shape=[2, 2]).tolist() == [[1, 2], [3, 4]]
    with pytest.raises(TypeError, match="3 elements"):
        tf.constant([1, 2], shape=(3,))


def test_convert_to_tensor():
    t = tf.constant([1.0])
    assert tf.convert_to_tensor(t) is t
    assert tf.convert_to_tensor([1, 2]).dtype == np.int32
    assert tf.convert_to_tensor([1, 2], dtype=tf.float32).dtype == np.float32
    assert tf.convert_to_tensor([1, 2], dtype_hint=tf.float32).dtype == np.float32
    with pytest.raises(ValueError, match="requested dtype int32 for Tensor with dtype float32"):
        tf.convert_to_tensor(t, dtype=tf.int32)


# --- reductions ---
@pytest.mark.parametrize("axis", [None, 0, 1, -1, [0, 1]])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions_match_numpy(axis, keepdims):
    ax = tuple(axis) if isinstance(axis, list) else axis
    for fn, ref in [
        (tf.reduce_sum, np.sum),
        (tf.reduce_mean, np.mean),
        (tf.reduce_max, np.max),
        (tf.reduce_min, np.min),
    ]:
        out = fn(A, axis=axis, keepdims=keepdims)
        expected = ref(A, axis=ax, keepdims=keepdims)
        assert out.shape == expected.shape, fn.__name__
        np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6)


def test_prod_and_logsumexp():
    np.testing.assert_allclose(tf.reduce_prod(A, 1).numpy(), A.prod(1))
    expected = np.log(np.exp(A).sum(0))
    np.testing.assert_allclose(tf.reduce_logsumexp(A, 0).numpy(), expected, rtol=1e-6)


def test_reduce_max_is_values_only_and_splits_gradient_among_ties():
    x = tf.Variable([[1.0, 5.0, 5.0], [2.0, 0.0, -1.0]])
    with tf.GradientTape() as tape:
        y = tf.reduce_max(x, axis=1)
    assert isinstance(y, tf.Tensor) and y.tolist() == [5.0, 2.0]
    assert tape.gradient(y, x).tolist() == [[0.0, 0.5, 0.5], [1.0, 0.0, 0.0]]


def test_reduce_mean_of_integers_truncates_like_tf():
    assert tf.reduce_mean([1, 2]).tolist() == 1 and tf.reduce_mean([1, 2]).dtype == np.int32
    assert tf.reduce_mean(tf.constant([[1, 2], [4, 4]]), axis=1).tolist() == [1, 4]


# --- elementwise, matrices, shapes ---
def test_elementwise_match_numpy():
    pos = np.abs(A) + 0.5
    for fn, ref, x in [
        (tf.square, np.square, A),
        (tf.sqrt, np.sqrt, pos),
        (tf.exp, np.exp, A),
        (tf.log, np.log, pos),
        (tf.abs, np.abs, A),
        (tf.negative, np.negative, A),
        (tf.sin, np.sin, A),
        (tf.cos, np.cos, A),
        (tf.tanh, np.tanh, A),
        (tf.sigmoid, lambda a: 1 / (1 + np.exp(-a)), A),
    ]:
        np.testing.assert_allclose(fn(x).numpy(), ref(x), rtol=1e-6, err_msg=fn.__name__)
    for fn, ref in [
        (tf.add, np.add),
        (tf.subtract, np.subtract),
        (tf.multiply, np.multiply),
        (tf.divide, np.divide),
        (tf.maximum, np.maximum),
        (tf.minimum, np.minimum),
        (tf.equal, np.equal),
        (tf.not_equal, np.not_equal),
        (tf.greater, np.greater),
        (tf.less, np.less),
    ]:
        np.testing.assert_allclose(fn(A, A[0]).numpy(), ref(A, A[0]), err_msg=fn.__name__)
    np.testing.assert_allclose(tf.pow(pos, 2.0).numpy(), pos**2, rtol=1e-6)


def test_matmul_with_transposes():
    b = A[:, :2]
    np.testing.assert_allclose(tf.matmul(A, A, transpose_b=True).numpy(), A @ A.T)
    np.testing.assert_allclose(tf.matmul(A, b, transpose_a=True).numpy(), A.T @ b)


def test_reshape_transpose_concat_stack():
    assert tf.reshape(A, [3, -1]).shape == (3, 2)
    assert tf.transpose(A).tolist() == A.T.tolist()
    x = tf.zeros([2, 3, 4])
    assert tf.transpose(x).shape == (4, 3, 2) and tf.transpose(x, perm=[0, 2, 1]).shape == (2, 4, 3)
    assert tf.concat([A, A], 0).shape == (4, 3) and tf.concat([A, A], axis=-1).shape == (2, 6)
    assert tf.stack([A, A]).shape == (2, 2, 3) and tf.stack([A, A], axis=1).shape == (2, 2, 3)
    assert tf.stack([A[0], A[1]], axis=1).tolist() == A.T.tolist()


def test_cast_and_filled_tensors():
    assert tf.cast([1.7, -1.7], tf.int32).tolist() == [1, -1]
    assert tf.cast(tf.constant([1, 0]), tf.bool).tolist() == [True, False]
    assert tf.zeros([2, 3]).dtype == np.float32 and tf.ones(3).tolist() == [1.0, 1.0, 1.0]
    assert tf.zeros((2,), dtype=tf.int64).dtype == np.int64
    assert tf.zeros_like(tf.constant([1, 2])).dtype == np.int32
    assert tf.ones_like(A, dtype=tf.float64).dtype == np.float64 and tf.ones_like(A).shape == (2, 3)


def test_range_dtypes():
    assert tf.range(5).tolist() == [0, 1, 2, 3, 4] and tf.range(5).dtype == np.int32
    assert tf.range(1, 10, 4).tolist() == [1, 5, 9]
    assert tf.range(0.0, 1.0, 0.25).dtype == np.float32 and tf.range(0.0, 1.0, 0.25).shape == (4,)
    assert tf.range(3, dtype=tf.float64).dtype == np.float64


def test_argmax_defaults_to_axis_0_and_int64():
    x = [[1.0, 9.0, 2.0], [7.0, 0.0, 3.0]]
    assert tf.argmax(x).tolist() == [1, 0, 1] and tf.argmax(x).dtype == np.int64
    assert tf.argmax(x, axis=1).tolist() == [1, 0]
    assert tf.argmax(x, 1, output_type=tf.int32).dtype == np.int32
    assert tf.argmin(x).tolist() == [0, 1, 0]


# --- tf.random ---
def test_set_seed_makes_draws_repeat():
    tf.random.set_seed(7)
    a = tf.random.normal([3]).tolist() + tf.random.uniform([2]).tolist()
    tf.random.set_seed(7)
    b = tf.random.normal([3]).tolist() + tf.random.uniform([2]).tolist()
    assert a == b


def test_normal_and_uniform_parameters():
    tf.random.set_seed(0)
    n = tf.random.normal((4000,), mean=3.0, stddev=0.5)
    assert n.dtype == np.float32 and n.shape == (4000,)
    assert abs(float(n.numpy().mean()) - 3.0) < 0.05 and abs(float(n.numpy().std()) - 0.5) < 0.05
    u = tf.random.uniform([1000])
    assert u.dtype == np.float32 and 0 <= u.numpy().min() and u.numpy().max() < 1
    u = tf.random.uniform([1000], minval=-2, maxval=-1, dtype=tf.float64)
    assert u.dtype == np.float64 and -2 <= u.numpy().min() and u.numpy().max() < -1
    i = tf.random.uniform([100], minval=0, maxval=3, dtype=tf.int32)
    assert i.dtype == np.int32 and set(i.tolist()) == {0, 1, 2}
    with pytest.raises(ValueError, match="maxval"):
        tf.random.uniform([2], dtype=tf.int32)


# --- tf.nn ---
def test_nn_activations():
    assert tf.nn.relu([-1.0, 0.0, 2.0]).tolist() == [0.0, 0.0, 2.0]
    s = tf.nn.softmax(A)  # the last axis by default
    np.testing.assert_allclose(s.numpy().sum(-1), [1.0, 1.0], rtol=1e-6)
    e = np.exp(A - A.max(-1, keepdims=True))
    np.testing.assert_allclose(s.numpy(), e / e.sum(-1, keepdims=True), rtol=1e-6)
    np.testing.assert_allclose(tf.nn.softmax(A, axis=0).numpy().sum(0), [1.0] * 3, rtol=1e-6)
    np.testing.assert_allclose(tf.nn.log_softmax(A).numpy(), np.log(s.numpy()), rtol=1e-5)
