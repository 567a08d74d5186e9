"""fit / evaluate / predict check every argument and all their data before the first update:
Keras 3's errors for unknown keywords (TypeError from fit and predict, ValueError "Arguments not
recognized" from evaluate), a ValueError naming the argument and its value for counts out of
range, a TypeError for the wrong kind; the weights never change when a call fails."""

import numpy as np
import pytest

from deepling import keras
from deepling.keras import callbacks, layers

RNG = np.random.default_rng(0)
X = RNG.normal(size=(20, 4)).astype(np.float32)
Y = RNG.integers(0, 3, 20)


def _model():
    model = keras.Sequential([layers.Dense(3, activation="softmax")])
    model.compile(keras.optimizers.SGD(0.1), "sparse_categorical_crossentropy", ["accuracy"])
    model.fit(X, Y, verbose=0)  # built and trained once: later failures must change nothing
    return model


def _fails_unchanged(call, error, words):
    model = _model()
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(error, match=words):
        call(model)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


FIT = [
    (dict(epoch=5), TypeError, "unexpected keyword argument 'epoch'"),
    (dict(batch_size=0), ValueError, "batch_size=0"),
    (dict(batch_size=-1), ValueError, "batch_size=-1"),
    (dict(batch_size=2.5), TypeError, "`batch_size` must be an integer"),
    (dict(batch_size="32"), TypeError, "`batch_size` must be an integer"),
    (dict(epochs=-1), ValueError, "epochs=-1"),
    (dict(epochs=True), TypeError, "`epochs` must be an integer"),
    (dict(initial_epoch=-1), ValueError, "initial_epoch=-1"),
    (dict(steps_per_epoch=0), ValueError, "steps_per_epoch=0"),
    (dict(validation_steps=0, validation_data=(X, Y)), ValueError, "validation_steps=0"),
    (dict(validation_batch_size=0, validation_data=(X, Y)), ValueError, "batch_size=0"),
    (dict(validation_freq=0, validation_data=(X, Y)), ValueError, "validation_freq=0"),
    (dict(validation_freq=[1, -2], validation_data=(X, Y)), ValueError, r"validation_freq"),
    (dict(validation_split=1.5), ValueError, "validation_split=1.5"),
    (dict(validation_split="a"), TypeError, "`validation_split` must be a float"),
    (dict(validation_data=(X, Y[:5])), ValueError, "Data cardinality is ambiguous"),
    (dict(validation_data=(X, Y + 10)), ValueError, "label value of 1[0-2]"),
    (dict(validation_data=(None, Y)), ValueError, "x=None"),
    (dict(validation_data=(X, Y, Y, Y)), ValueError, "validation_data must be"),
    (dict(callbacks=[1]), TypeError, "Callback instances"),
    (dict(callbacks=callbacks.History()), TypeError, "list of Callbacks"),
    (dict(verbose="x"), ValueError, "verbose must be"),
    (dict(class_weight=[1.0, 2.0, 3.0]), ValueError, "Expected `class_weight` to be a dict"),
    (dict(sample_weight=np.ones(3)), ValueError, "Data cardinality"),
    (dict(x=None), ValueError, "Unrecognized data type: x=None"),
    (dict(x=X[:0], y=Y[:0]), ValueError, "`x` holds no samples"),
]


@pytest.mark.parametrize("kwargs, error, words", FIT, ids=[str(k)[:40] for k, _, _ in FIT])
def test_fit_refuses_bad_arguments_before_any_update(kwargs, error, words):
    args = {"x": X, "y": Y, "epochs": 2, "verbose": 0, **kwargs}
    _fails_unchanged(lambda m: m.fit(**args), error, words)


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda m: m.evaluate(X, Y, verbos=0), ValueError, "Arguments not recognized"),
        (lambda m: m.evaluate(X, Y, batch_size=0, verbose=0), ValueError, "batch_size=0"),
        (lambda m: m.evaluate(None, Y, verbose=0), ValueError, "x=None"),
        (lambda m: m.evaluate(X, Y, steps=-1, verbose=0), ValueError, "steps=-1"),
        (lambda m: m.predict(X, verbos=0), TypeError, "unexpected keyword argument 'verbos'"),
        (lambda m: m.predict(X, batch_size=0, verbose=0), ValueError, "batch_size=0"),
        (lambda m: m.predict(None, verbose=0), ValueError, "x=None"),
        (lambda m: m.predict(X[:0], verbose=0), ValueError, "no samples"),
    ],
)
def test_evaluate_and_predict_refuse_as_keras_3(call, error, words):
    _fails_unchanged(call, error, words)


def test_keras_2_loader_switches_are_accepted_and_change_nothing():
    """tf.keras 2.x took max_queue_size, workers and use_multiprocessing (they fed generators
    faster); Keras 3 dropped them. Here they are accepted and the results are the same."""
    runs = []
    for extra in ({}, dict(max_queue_size=3, workers=4, use_multiprocessing=True)):
        model = keras.Sequential([layers.Dense(3, kernel_initializer="ones")])
        model.compile(keras.optimizers.SGD(0.1), "mse")
        model.fit(X, X[:, :3], epochs=2, shuffle=False, verbose=0, **extra)
        loss = model.evaluate(X, X[:, :3], verbose=0, **extra)
        runs.append((model.get_weights(), loss, model.predict(X, verbose=0, **extra)))
    for a, b in zip(runs[0][0], runs[1][0]):
        np.testing.assert_array_equal(a, b)
    assert runs[0][1] == runs[1][1]
    np.testing.assert_array_equal(runs[0][2], runs[1][2])


def test_validation_steps_limits_the_validation_batches():
    model = _model()
    model.optimizer.learning_rate = 0.0  # the weights stay, so both losses see the same model
    history = model.fit(X, Y, validation_data=(X, Y), validation_steps=1, batch_size=5, verbose=0)
    first_batch = model.evaluate(X[:5], Y[:5], verbose=0)[0]
    np.testing.assert_allclose(history.history["val_loss"][0], first_batch, rtol=1e-6)
