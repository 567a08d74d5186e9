"""fit / evaluate / predict on what yields batches: a tf.data.Dataset, a DataLoader, a
generator; steps_per_epoch on endless and short data, validation_data as a dataset."""

import numpy as np
import pytest

import deepling as dl
from deepling import keras
from deepling import tf as dtf
from deepling.keras import layers
from deepling.utils.data import DataLoader, TensorDataset

RNG = np.random.default_rng(1)
X = RNG.normal(size=(96, 3)).astype(np.float32)
Y = (X @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.3).astype(np.float32)


@pytest.fixture(autouse=True)
def seeded():
    keras.utils.set_random_seed(0)  # the same initial weights every run


def model(lr=0.1):
    m = keras.Sequential([layers.Dense(1, input_shape=(3,))])
    m.compile(keras.optimizers.SGD(lr), "mse", metrics=["mae"])
    return m


def test_fit_on_a_dataset_learns_as_on_arrays():
    ds = dtf.data.Dataset.from_tensor_slices((X, Y)).shuffle(96, seed=0).batch(16)
    m = model()
    h = m.fit(ds, epochs=10, verbose=0)
    assert h.history["loss"][-1] < 0.01 * h.history["loss"][0]
    assert m.evaluate(ds, verbose=0)[0] < 1e-3
    out = m.predict(ds, verbose=0)  # the targets in the batches are ignored
    assert out.shape == (96, 1)
    x_only = dtf.data.Dataset.from_tensor_slices(X).batch(40)
    np.testing.assert_allclose(m.predict(x_only, verbose=0), m.predict(X, verbose=0), rtol=1e-6)


def test_validation_data_as_a_dataset_and_sample_weights_in_batches():
    ds = dtf.data.Dataset.from_tensor_slices((X, Y, np.ones(96, np.float32))).batch(32)
    val = dtf.data.Dataset.from_tensor_slices((X[:32], Y[:32])).batch(32)
    h = model().fit(ds, validation_data=val, epochs=3, verbose=0)
    assert list(h.history) == ["loss", "mae", "val_loss", "val_mae"]
    zero = dtf.data.Dataset.from_tensor_slices((X, Y, np.zeros(96, np.float32))).batch(32)
    m = model()
    before = m.get_weights()
    assert m.fit(zero, epochs=1, verbose=0).history["loss"] == [0.0]
    for a, b in zip(before, m.get_weights()):
        np.testing.assert_array_equal(a, b)  # weight 0 everywhere: nothing to learn


def test_an_endless_dataset_needs_steps_per_epoch():
    ds = dtf.data.Dataset.from_tensor_slices((X, Y)).batch(16).repeat()
    m = model()
    with pytest.raises(ValueError, match="infinite dataset.*steps_per_epoch"):
        m.fit(ds, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="infinite dataset.*`steps`"):
        m.evaluate(ds, verbose=0)
    h = m.fit(ds, epochs=4, steps_per_epoch=3, verbose=0)
    assert len(h.history["loss"]) == 4 and m.optimizer.iterations == 12
    assert m.evaluate(ds, steps=2, verbose=0)[0] > 0


def test_steps_per_epoch_goes_on_across_epochs_and_warns_when_data_runs_out():
    seen = []

    def gen():
        for i in range(0, 96, 16):
            seen.append(i)
            yield X[i : i + 16], Y[i : i + 16]

    ds = dtf.data.Dataset.from_tensor_slices((X, Y)).batch(16)  # 6 batches
    m = model()
    with pytest.warns(UserWarning, match="ran out of data"):
        h = m.fit(ds, epochs=3, steps_per_epoch=4, verbose=0)
    assert m.optimizer.iterations == 4 + 2 + 4  # 4, then the last 2, then a new pass
    assert len(h.history["loss"]) == 3
    m = model()
    with pytest.warns(UserWarning, match="ran out of data"):
        m.fit(gen(), epochs=2, steps_per_epoch=4, verbose=0)  # a generator is read once
    assert seen == [0, 16, 32, 48, 64, 80] and m.optimizer.iterations == 6


def test_dataloaders_and_generators_of_batches():
    loader = DataLoader(TensorDataset(dl.tensor(X), dl.tensor(Y)), batch_size=16, shuffle=True)
    m = model()
    h = m.fit(loader, epochs=8, verbose=0)
    assert h.history["loss"][-1] < 0.05 * h.history["loss"][0]
    batches = ((X[i : i + 32], Y[i : i + 32]) for i in range(0, 96, 32))
    assert m.evaluate(batches, verbose=0)[0] < 0.1
    with pytest.raises(ValueError, match="`y` argument is not supported"):
        m.fit(loader, Y, verbose=0)
    with pytest.raises(ValueError, match="validation_split"):
        m.fit(loader, validation_split=0.2, verbose=0)


def test_filtered_dataset_of_unknown_length_runs_to_its_end():
    ds = dtf.data.Dataset.from_tensor_slices((X, Y)).filter(lambda x, y: y[0] > -100.0).batch(32)
    m = model()
    h = m.fit(ds, epochs=2, verbose=0)
    assert h.history["loss"][1] < h.history["loss"][0] and m.optimizer.iterations == 6


def test_array_likes_that_iterate_are_still_data():
    class Frame:  # as a pandas DataFrame: an array, but iterating gives its column names
        def __init__(self, values):
            self.values = values

        def __array__(self, dtype=None, copy=None):
            return self.values

        def __iter__(self):
            return iter(["a", "b", "c"])

    h = model().fit(Frame(X), Y, epochs=2, verbose=0)
    assert len(h.history["loss"]) == 2
