"""keras.ops as rows over the core (against NumPy) and keras.random's seeds."""

import numpy as np
import pytest

from deepling import keras
from deepling.keras import ops

A = np.random.default_rng(0).normal(size=(3, 4)).astype(np.float32)
B = np.random.default_rng(1).normal(size=(4, 2)).astype(np.float32)


@pytest.mark.parametrize(
    "ours, numpy",
    [
        (lambda: ops.mean(A, axis=1), lambda: A.mean(1)),
        (lambda: ops.sum(A, axis=(0, 1), keepdims=True), lambda: A.sum((0, 1), keepdims=True)),
        (lambda: ops.max(A, axis=0), lambda: A.max(0)),
        (lambda: ops.min(A), lambda: A.min()),
        (lambda: ops.std(A, axis=0), lambda: A.std(0)),
        (lambda: ops.var(A), lambda: A.var()),
        (lambda: ops.argmax(A), lambda: A.argmax()),
        (lambda: ops.argmin(A, axis=1), lambda: A.argmin(1)),
        (lambda: ops.matmul(A, B), lambda: A @ B),
        (lambda: ops.dot(A, B), lambda: A.dot(B)),
        (lambda: ops.tensordot(A, B, axes=1), lambda: np.tensordot(A, B, axes=1)),
        (lambda: ops.transpose(A), lambda: A.T),
        (lambda: ops.reshape(A, (2, -1)), lambda: A.reshape(2, -1)),
        (lambda: ops.expand_dims(A, 0), lambda: A[None]),
        (lambda: ops.squeeze(A[None], axis=0), lambda: A),
        (lambda: ops.concatenate([A, A], axis=1), lambda: np.concatenate([A, A], 1)),
        (lambda: ops.stack([A, A]), lambda: np.stack([A, A])),
        (lambda: ops.split(A, [1, 3], axis=1)[1], lambda: np.split(A, [1, 3], axis=1)[1]),
        (lambda: ops.pad(A, ((1, 0), (0, 2))), lambda: np.pad(A, ((1, 0), (0, 2)))),
        (lambda: ops.take(A, [2, 0], axis=1), lambda: np.take(A, [2, 0], axis=1)),
        (lambda: ops.take(A, [5]), lambda: np.take(A, [5])),
        (
            lambda: ops.take_along_axis(A, np.argsort(A, 1), axis=1),
            lambda: np.take_along_axis(A, np.argsort(A, 1), axis=1),
        ),
        (lambda: ops.where(A > 0, A, 0.0), lambda: np.where(A > 0, A, 0.0)),
        (lambda: ops.clip(A, -0.5, 0.5), lambda: np.clip(A, -0.5, 0.5)),
        (lambda: ops.power(np.abs(A), 0.5), lambda: np.abs(A) ** 0.5),
        (
            lambda: ops.average(A, axis=1, weights=np.arange(4.0)),
            lambda: np.average(A, 1, np.arange(4.0)),
        ),
        (lambda: ops.any(A > 1, axis=1), lambda: (A > 1).any(1)),
        (lambda: ops.all(A > -3), lambda: (A > -3).all()),
        (lambda: ops.count_nonzero(A > 0), lambda: np.count_nonzero(A > 0)),
        (lambda: ops.softmax(A), lambda: np.exp(A) / np.exp(A).sum(-1, keepdims=True)),
        (lambda: ops.relu6(A * 5), lambda: np.clip(A * 5, 0, 6)),
        (lambda: ops.leaky_relu(A), lambda: np.where(A > 0, A, 0.2 * A)),
        (lambda: ops.one_hot([0, 2], 3), lambda: np.eye(3)[[0, 2]]),
        (lambda: ops.arange(2, 7, 2), lambda: np.arange(2, 7, 2)),
        (lambda: ops.linspace(0, 1, 5), lambda: np.linspace(0, 1, 5)),
        (lambda: ops.eye(2, 3), lambda: np.eye(2, 3)),
        (lambda: ops.full((2,), 7), lambda: np.full(2, 7)),
        (lambda: ops.logsumexp(A, axis=0), lambda: np.log(np.exp(A).sum(0))),
    ],
)
def test_ops_match_numpy(ours, numpy):
    np.testing.assert_allclose(ops.convert_to_numpy(ours()), numpy(), rtol=1e-5, atol=1e-6)


def test_ops_dtypes_shapes_and_gradients():
    assert ops.convert_to_tensor([1, 2]).dtype == np.int32
    assert ops.arange(3).dtype == np.int32 and ops.arange(3.0).dtype == np.float32
    assert ops.mean([1, 2]).dtype == np.float32 and ops.shape(A) == (3, 4)
    x = keras.Variable(A, name="x")
    from deepling import grad

    (g,) = grad(ops.sum(ops.square(x)), [x])
    np.testing.assert_allclose(g.numpy(), 2 * A, rtol=1e-6)
    assert not ops.stop_gradient(x).requires_grad
    bce = ops.binary_crossentropy(np.array([1.0, 0.0]), np.array([0.9, 0.2]))
    np.testing.assert_allclose(bce.numpy(), [-np.log(0.9), -np.log(0.8)], rtol=1e-5)
    scce = ops.sparse_categorical_crossentropy(np.array([1]), np.array([[1.0, 3.0]]), True)
    np.testing.assert_allclose(scce.numpy(), [np.log(1 + np.exp(-2.0))], rtol=1e-5)


def test_random_seeds():
    a = keras.random.normal((3,), seed=1)
    assert (
        a.dtype == np.float32
        and a.numpy().tolist() == keras.random.normal((3,), seed=1).numpy().tolist()
    )
    gen = keras.random.SeedGenerator(7)
    first, second = keras.random.uniform((3,), seed=gen), keras.random.uniform((3,), seed=gen)
    assert first.numpy().tolist() != second.numpy().tolist()
    again = keras.random.SeedGenerator(7)
    assert keras.random.uniform((3,), seed=again).numpy().tolist() == first.numpy().tolist()
    keras.utils.set_random_seed(3)
    c = keras.random.normal((2,))
    keras.utils.set_random_seed(3)
    assert keras.random.normal((2,)).numpy().tolist() == c.numpy().tolist()
    t = keras.random.truncated_normal((1000,), stddev=2.0, seed=0)
    assert np.abs(t.numpy()).max() <= 4.0
    ints = keras.random.randint((100,), 0, 5, seed=0)
    assert ints.dtype == np.int32 and set(ints.numpy().tolist()) <= set(range(5))
    assert sorted(keras.random.shuffle(np.arange(6), seed=0).numpy().tolist()) == list(range(6))
    draws = keras.random.categorical(np.log([[0.2, 0.8]]), 2000, seed=0)
    assert 0.75 < draws.numpy().mean() < 0.85
    dropped = keras.random.dropout(np.ones(1000, np.float32), 0.5, seed=0).numpy()
    assert set(dropped.tolist()) == {0.0, 2.0}
    with pytest.raises(ValueError, match="seed"):
        keras.random.normal((2,), seed="x")
