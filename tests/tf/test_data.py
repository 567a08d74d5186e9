"""tf.data.Dataset: ordering, dtypes, TF's buffered shuffle, batching remainders, repeat/take
combinations, cardinality and element_spec, on both the index path (data in arrays) and the
element path (after a map)."""

import numpy as np
import pytest

import deepling.tf as tf
from deepling.utils.data import DataLoader, IterableDataset


def plain(v):
    if isinstance(v, tuple):
        return tuple(plain(x) for x in v)
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    return np.asarray(v).tolist()


def values(ds):
    return [plain(v) for v in ds.as_numpy_iterator()]


def test_a_dataset_is_a_utils_data_iterable_dataset():
    ds = tf.data.Dataset.range(5)
    assert isinstance(ds, IterableDataset)
    assert [t.numpy().item() for t in DataLoader(ds, batch_size=None)] == [0, 1, 2, 3, 4]


def test_from_tensor_slices_keeps_order_structure_and_tf_dtypes():
    ds = tf.data.Dataset.from_tensor_slices(([1.0, 2.0], [3, 4]))
    (x, y), _ = list(ds)
    assert isinstance(x, tf.Tensor) and x.dtype == np.float32 and y.dtype == np.int32
    assert values(ds) == [(1.0, 3), (2.0, 4)]
    d = tf.data.Dataset.from_tensor_slices({"b": np.arange(2.0), "a": [[1, 2], [3, 4]]})
    first = next(iter(d))
    assert set(first) == {"a", "b"} and first["b"].dtype == np.float64
    assert first["a"].numpy().tolist() == [1, 2]
    assert tf.data.Dataset.range(3).element_spec == tf.TensorSpec((), tf.int64)


def test_from_tensor_slices_rejects_unequal_rows_and_scalars():
    with pytest.raises(ValueError, match="Dimensions 3 and 2 are not compatible"):
        tf.data.Dataset.from_tensor_slices((np.zeros(3), np.zeros(2)))
    with pytest.raises(ValueError, match="rank >= 1"):
        tf.data.Dataset.from_tensor_slices(1.0)


def test_from_tensors_range_zip_enumerate_concatenate():
    assert values(tf.data.Dataset.from_tensors([1, 2])) == [[1, 2]]
    assert values(tf.data.Dataset.range(2, 8, 3)) == [2, 5]
    z = tf.data.Dataset.zip((tf.data.Dataset.range(3), tf.data.Dataset.range(10, 12)))
    assert values(z) == [(0, 10), (1, 11)] and len(z) == 2
    e = tf.data.Dataset.from_tensor_slices([5, 6]).enumerate(start=1)
    assert values(e) == [(1, 5), (2, 6)]
    c = tf.data.Dataset.range(2).concatenate(tf.data.Dataset.range(5, 6))
    assert values(c) == [0, 1, 5] and len(c) == 3


@pytest.mark.parametrize("mapped", [False, True])
def test_batch_remainders(mapped):
    ds = tf.data.Dataset.range(10)
    ds = ds.map(lambda x: x) if mapped else ds
    kept = ds.batch(4)
    assert [len(b) for b in values(kept)] == [4, 4, 2] and len(kept) == 3
    dropped = ds.batch(4, drop_remainder=True)
    assert [len(b) for b in values(dropped)] == [4, 4] and len(dropped) == 2
    assert dropped.element_spec == tf.TensorSpec((4,), tf.int64)
    assert kept.element_spec == tf.TensorSpec((None,), tf.int64)
    assert values(ds.batch(4).unbatch()) == list(range(10))


@pytest.mark.parametrize("mapped", [False, True])
def test_repeat_take_skip_combinations(mapped):
    ds = tf.data.Dataset.range(5)
    ds = ds.map(lambda x: x) if mapped else ds
    assert values(ds.repeat(2)) == [0, 1, 2, 3, 4] * 2
    assert values(ds.repeat().take(12)) == ([0, 1, 2, 3, 4] * 3)[:12]
    assert values(ds.take(3).repeat(2)) == [0, 1, 2, 0, 1, 2]
    assert values(ds.skip(3).repeat(2)) == [3, 4, 3, 4]
    assert values(ds.repeat(2).skip(3).take(4)) == [3, 4, 0, 1]
    assert values(ds.repeat(2).batch(4)) == [[0, 1, 2, 3], [4, 0, 1, 2], [3, 4]]
    assert values(ds.take(-1)) == [0, 1, 2, 3, 4] and values(ds.skip(-1)) == []


def test_cardinality_and_len():
    ds = tf.data.Dataset.range(10)
    assert int(ds.repeat().cardinality()) == tf.data.INFINITE_CARDINALITY
    assert int(ds.filter(lambda x: x > 2).cardinality()) == tf.data.UNKNOWN_CARDINALITY
    assert int(ds.repeat().take(7).cardinality()) == 7 and len(ds.skip(4).repeat(3)) == 18
    with pytest.raises(TypeError, match="infinite"):
        len(ds.repeat())
    with pytest.raises(TypeError, match="unknown"):
        len(ds.filter(lambda x: x > 2))
    assert tf.data.experimental.cardinality(ds).numpy() == 10
    assert tf.data.AUTOTUNE == tf.data.experimental.AUTOTUNE == -1


def test_map_filter_calls_with_tuple_components():
    ds = tf.data.Dataset.from_tensor_slices(([1.0, 2.0, 3.0], [0, 1, 0]))
    out = ds.map(lambda x, y: (x * 2, y), num_parallel_calls=tf.data.AUTOTUNE)
    assert values(out) == [(2.0, 0), (4.0, 1), (6.0, 0)]
    assert values(ds.filter(lambda x, y: tf.equal(y, 0))) == [(1.0, 0), (3.0, 0)]
    d = tf.data.Dataset.from_tensor_slices({"a": [1, 2]}).map(lambda e: e["a"] + 1)
    assert values(d) == [2, 3] and d.element_spec == tf.TensorSpec((), tf.int32)
    with pytest.raises(ValueError, match="tf.bool"):
        list(tf.data.Dataset.range(3).filter(lambda x: x))


def _positions(orders):
    """How often each element lands at each position, over many orders."""
    n = len(orders[0])
    counts = np.zeros((n, n))
    for order in orders:
        counts[order, np.arange(n)] += 1
    return counts


@pytest.mark.parametrize("mapped", [False, True])
def test_a_full_buffer_shuffle_is_uniform(mapped):
    n, epochs = 8, 4000
    ds = tf.data.Dataset.range(n)
    ds = ds.map(lambda x: x) if mapped else ds
    shuffled = ds.shuffle(n, seed=3)
    orders = [values(shuffled) for _ in range(epochs)]
    assert all(sorted(o) == list(range(n)) for o in orders)
    counts = _positions(orders)
    chi2 = ((counts - epochs / n) ** 2 / (epochs / n)).sum()
    assert chi2 < 120  # 49 degrees of freedom: p ~ 1e-7 beyond 120; a fixed order gives 28000


@pytest.mark.parametrize("mapped", [False, True])
def test_a_small_buffer_only_mixes_nearby_elements(mapped):
    n, buffer = 200, 10
    ds = tf.data.Dataset.range(n)
    ds = ds.map(lambda x: x) if mapped else ds
    orders = [values(ds.shuffle(buffer)) for _ in range(50)]
    for order in orders:
        assert sorted(order) == list(range(n))
        # position k can only hold an element read by then: one of the first k + buffer
        assert all(v <= k + buffer - 1 for k, v in enumerate(order))
    first = np.array([o[0] for o in orders])
    assert first.max() <= buffer - 1 and len(set(first.tolist())) > 4


def test_shuffle_seeds_and_reshuffling():
    ds = tf.data.Dataset.range(20)
    a, b = ds.shuffle(20, seed=7), ds.shuffle(20, seed=7)
    first, second = values(a), values(a)
    assert first != second  # a new order each pass
    assert [first, second] == [values(b), values(b)]  # the same sequence of orders
    fixed = ds.shuffle(20, seed=1, reshuffle_each_iteration=False)
    assert values(fixed) == values(fixed)
    tf.random.set_seed(5)
    unseeded = values(ds.shuffle(20))
    tf.random.set_seed(5)
    assert values(ds.shuffle(20)) == unseeded


def test_shuffle_after_repeat_mixes_across_epochs_and_batch_spans_them():
    ds = tf.data.Dataset.range(4).repeat(3).shuffle(12, seed=0).batch(5)
    out = values(ds)
    assert [len(b) for b in out] == [5, 5, 2]
    assert sorted(sum(out, [])) == sorted(list(range(4)) * 3)


def test_cache_replays_the_first_pass():
    calls = []

    def record(x):
        calls.append(1)
        return x * 10

    ds = tf.data.Dataset.range(4).map(record).cache().shuffle(4, seed=2).batch(2)
    first = values(ds)
    assert len(calls) == 4 and sorted(sum(first, [])) == [0, 10, 20, 30]
    second = values(ds)
    assert len(calls) == 4 and sorted(sum(second, [])) == [0, 10, 20, 30]


def test_padded_batch_and_from_generator():
    def gen():
        for n in (1, 3, 2):
            yield np.arange(n)

    ds = tf.data.Dataset.from_generator(gen, output_signature=tf.TensorSpec([None], tf.int64))
    assert values(ds.padded_batch(2)) == [[[0, 0, 0], [0, 1, 2]], [[0, 1]]]
    assert values(ds.padded_batch(3, padded_shapes=[4], padding_values=-1))[0][0] == [0, -1, -1, -1]
    with pytest.raises(ValueError, match="different shapes"):
        values(ds.batch(2))


def test_iteration_yields_tf_tensors_and_repr():
    ds = tf.data.Dataset.from_tensor_slices(np.zeros((3, 2), np.float32)).batch(2)
    batch = next(iter(ds))
    assert type(batch) is tf.Tensor and batch.shape == (2, 2)
    assert repr(ds) == (
        "<_BatchDataset element_spec=TensorSpec(shape=(None, 2), dtype=tf.float32, name=None)>"
    )
    assert list(tf.data.Dataset.range(3).as_numpy_iterator()) == [0, 1, 2]


def test_prefetch_and_bad_arguments():
    ds = tf.data.Dataset.range(3)
    assert values(ds.prefetch(tf.data.AUTOTUNE)) == [0, 1, 2]
    with pytest.raises(ValueError, match="buffer_size"):
        ds.shuffle(0)
    with pytest.raises(ValueError, match="batch_size"):
        ds.batch(0)
    with pytest.raises(NotImplementedError, match="file"):
        ds.cache("/tmp/x")
