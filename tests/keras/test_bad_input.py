"""Bad input to compile/fit/evaluate raises a clear error before any weight changes."""

import re
import warnings

import numpy as np
import pytest

from deepling import keras
from deepling.keras import callbacks, layers


def classifier():
    keras.backend.clear_session()
    model = keras.Sequential([layers.Dense(3, activation="softmax", input_shape=(4,))])
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def assert_unchanged(model, before):
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


X = np.random.default_rng(0).normal(size=(50, 4)).astype(np.float32)


def test_mismatched_lengths_list_the_sizes():
    model = classifier()
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"(?s)'x' sizes: 50.*'y' sizes: 49"):
        model.fit(X, np.zeros(49), verbose=0)
    with pytest.raises(ValueError, match="'sample_weight' sizes: 3"):
        model.fit(X, np.zeros(50), sample_weight=np.ones(3), verbose=0)
    assert_unchanged(model, before)


def test_class_index_outside_the_outputs_even_in_the_last_batch():
    model = classifier()
    before = model.get_weights()
    labels = np.zeros(50, np.int64)
    labels[-1] = 3  # only the last batch holds it: checked before the first update
    with pytest.raises(ValueError, match=r"label value of 3.*\[0, 3\)"):
        model.fit(X, labels, batch_size=8, verbose=0)
    with pytest.raises(ValueError, match="label value of 3"):
        model.fit(X, np.zeros(50), validation_data=(X[:5], labels[-5:]), verbose=0)
    assert_unchanged(model, before)


def test_labels_of_the_wrong_shape_for_the_loss():
    model = classifier()
    before = model.get_weights()
    one_hot = keras.utils.to_categorical(np.zeros(50), 3)
    with pytest.raises(ValueError, match=r"(?is)\(50, 3\).*use categorical_crossentropy"):
        model.fit(X, one_hot, verbose=0)  # one-hot labels need the non-sparse loss
    model.compile("sgd", "categorical_crossentropy")
    with pytest.raises(ValueError, match=r"\(50, 1\).*\(50, 3\)"):
        model.fit(X, np.zeros(50, np.int64), verbose=0)  # integer labels need the sparse loss
    assert_unchanged(model, before)


def test_unknown_names_list_the_valid_ones():
    model = classifier()
    with pytest.raises(ValueError, match="Unknown loss: 'msee'.*mean_squared_error"):
        model.compile("sgd", "msee")
    with pytest.raises(ValueError, match="Unknown metric: 'acuracy'.*accuracy"):
        model.compile("sgd", "mse", metrics=["acuracy"])
    with pytest.raises(ValueError, match="optimizer identifier: 'adamm'.*adam, adamax"):
        model.compile("adamm", "mse")
    with pytest.raises(ValueError, match="Unknown activation: 'relu6x'.*relu"):
        layers.Dense(3, activation="relu6x")
    with pytest.raises(TypeError, match="Invalid keyword argument"):
        model.compile("sgd", "mse", metric=["mae"])


def test_fit_and_evaluate_before_compile():
    model = keras.Sequential([layers.Dense(1, input_shape=(4,))])
    for method in (model.fit, model.evaluate, model.train_on_batch):
        with pytest.raises(RuntimeError, match="must compile your model"):
            method(X, np.zeros(50))
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match="Target data is missing"):
        model.fit(X, verbose=0)


def test_input_features_that_dont_fit_the_built_layer():
    model = keras.Sequential([layers.Dense(1, input_shape=(13,))])
    model.compile("sgd", "mse")
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"expected axis -1 .* value 13.*\(None, 12\)"):
        model.fit(np.zeros((8, 12)), np.zeros(8), verbose=0)
    with pytest.raises(ValueError, match="13"):
        model.predict(np.zeros((8, 12)), verbose=0)
    assert_unchanged(model, before)


def test_nan_loss_warns_and_terminate_on_nan_stops():
    x = np.full((64, 1), 1e20, np.float32)  # squared, it overflows float32
    model = keras.Sequential([layers.Dense(1, input_shape=(1,), kernel_initializer="ones")])
    model.compile("sgd", "mse")
    with pytest.warns(UserWarning, match="loss became"), np.errstate(all="ignore"):
        h = model.fit(x, np.zeros(64), epochs=2, verbose=0)
    assert len(h.epoch) == 2  # without the callback training goes on, but never silently
    batches = []
    stopper = callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: batches.append(b))
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        h = model.fit(x, np.zeros(64), epochs=3, verbose=0,
                      callbacks=[callbacks.TerminateOnNaN(), stopper])  # fmt: skip
    assert h.epoch == [0] and batches == [0]


def test_pytorch_loss_with_bad_labels_and_loader_with_targets():
    import deepling as dl
    from deepling import nn
    from deepling.utils.data import DataLoader, TensorDataset

    model = keras.Model(nn.Linear(4, 3))
    model.compile("sgd", loss=nn.CrossEntropyLoss())
    before = model.get_weights()
    assert [w.shape for w in before] == [(3, 4), (3,)]  # the wrapped module's parameters
    with pytest.raises(IndexError):  # torch's own check of the class index
        model.fit(X, np.full(50, 3), verbose=0)
    loader = DataLoader(TensorDataset(dl.tensor(X), dl.zeros(50).long()), batch_size=8)
    with pytest.raises(ValueError, match="not supported when using a dataset, a DataLoader"):
        model.fit(loader, np.zeros(50), verbose=0)
    assert_unchanged(model, before)


# Keras 3.15's constructor errors (keras/src/layers/core/dense.py, regularization/dropout.py)
DENSE_UNITS = "Received an invalid value for `units`, expected a positive integer. Received: units="
DROPOUT_RATE = "Invalid value received for argument `rate`. Expected a float value between 0 and 1"


@pytest.mark.parametrize(
    "make, error, words",
    [
        (lambda: layers.Dense(0), ValueError, DENSE_UNITS + "0"),
        (lambda: layers.Dense(-1), ValueError, DENSE_UNITS + "-1"),
        (lambda: layers.Dense("a"), ValueError, DENSE_UNITS + "a"),
        (lambda: layers.Dense(2.5), ValueError, DENSE_UNITS + "2.5"),
        (lambda: layers.Dropout(2), ValueError, DROPOUT_RATE + ". Received: rate=2"),
        (lambda: layers.Dropout(-0.5), ValueError, DROPOUT_RATE),
        (lambda: layers.Dropout("a"), TypeError, "not supported"),  # Keras: 0 <= rate fails
        (lambda: layers.Embedding(0, 3), ValueError, "input_dim"),
    ],
)
def test_layer_constructors_raise_kerass_errors(make, error, words):
    with pytest.raises(error, match=re.escape(words)):
        make()
