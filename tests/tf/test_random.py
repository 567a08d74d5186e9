"""tf.random's two-level seeds (deepling/tf/random.py): an op-level `seed` gives a stream of
its own that moves on from call to call and starts again at `tf.random.set_seed`."""

import numpy as np
import pytest

import deepling.tf as tf

DRAWS = {
    "normal": lambda **kw: tf.random.normal([3], **kw),
    "uniform": lambda **kw: tf.random.uniform([3], **kw),
    "uniform_int": lambda **kw: tf.random.uniform([8], maxval=1000, dtype=tf.int32, **kw),
}


def _two(draw, **kw):
    return [draw(**kw).tolist() for _ in range(2)]


@pytest.mark.parametrize("draw", DRAWS.values(), ids=DRAWS)
def test_op_seed_stream_moves_on_and_restarts_at_set_seed(draw):
    tf.random.set_seed(5)
    first, second = _two(draw, seed=1)
    assert first != second
    tf.random.set_seed(5)
    assert _two(draw, seed=1) == [first, second]


@pytest.mark.parametrize("draw", DRAWS.values(), ids=DRAWS)
def test_two_op_seeds_give_two_streams(draw):
    tf.random.set_seed(5)
    assert _two(draw, seed=1) != _two(draw, seed=2)
    tf.random.set_seed(5)
    a = draw(seed=1).tolist()
    tf.random.set_seed(6)
    assert draw(seed=1).tolist() != a  # the global seed is part of the stream's key


@pytest.mark.parametrize("draw", DRAWS.values(), ids=DRAWS)
def test_without_op_seed_draws_come_from_the_global_generator(draw):
    tf.random.set_seed(5)
    expected = _two(draw)
    assert expected[0] != expected[1]
    tf.random.set_seed(5)
    assert _two(draw) == expected
    tf.random.set_seed(5)
    seeded = draw(seed=1).tolist()  # an op-seeded draw leaves the global generator alone
    assert seeded != expected[0] and _two(draw) == expected


def test_op_seed_draws_keep_their_range_and_dtype():
    tf.random.set_seed(0)
    u = tf.random.uniform([500], minval=-2.0, maxval=-1.0, seed=3)
    assert u.dtype == np.float32 and u.numpy().min() >= -2 and u.numpy().max() < -1
    i = tf.random.uniform([500], maxval=3, dtype=tf.int64, seed=3)
    assert i.dtype == np.int64 and set(i.tolist()) == {0, 1, 2}
    n = tf.random.normal([4000], mean=3.0, stddev=0.5, seed=3).numpy()
    assert abs(n.mean() - 3.0) < 0.05 and abs(n.std() - 0.5) < 0.05


def test_each_op_has_its_own_stream_under_one_op_seed():
    """TF keeps one kernel (and counter) per op and its arguments: normal(seed=1) does not
    move the stream of uniform(seed=1), nor a float64 uniform that of a float32 one."""
    tf.random.set_seed(5)
    expected = tf.random.uniform([3], seed=1).tolist()
    tf.random.set_seed(5)
    tf.random.normal([3], seed=1)
    tf.random.uniform([3], seed=1, dtype=tf.float64)
    assert tf.random.uniform([3], seed=1).tolist() == expected
