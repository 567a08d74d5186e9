"""keras.callbacks.BackupAndRestore: an interrupted fit, fitted again, ends as an uninterrupted
one (weights, optimizer state and shuffles restored); Keras's arguments and errors."""

import numpy as np
import pytest

from deepling import callbacks, keras
from deepling.callbacks import backup


class InterruptError(Exception):
    pass


class StopAt(keras.callbacks.Callback):
    """Raise at the start of `epoch`, as a crash would."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            raise InterruptError


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(96, 6)).astype(np.float32)
    return x, (x[:, 0] - x[:, 1] > 0).astype(np.int64)


def _model():
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dropout(0.3), keras.layers.Dense(2)])  # fmt: skip
    model.compile(keras.optimizers.Adam(0.01),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True))  # fmt: skip
    return model


def _weights(model):
    return np.concatenate([w.ravel() for w in model.get_weights()])


@pytest.mark.parametrize("double", [False, True])
def test_an_interrupted_fit_resumes_where_it_stopped(tmp_path, double):
    x, y = _data()
    whole = _model()
    whole.fit(x, y, batch_size=16, epochs=5, verbose=0)
    model = _model()
    cb = keras.callbacks.BackupAndRestore(tmp_path / "backup", double_checkpoint=double)
    with pytest.raises(InterruptError):
        model.fit(x, y, batch_size=16, epochs=5, verbose=0, callbacks=[cb, StopAt(3)])
    assert (tmp_path / "backup" / backup._LATEST).is_file()
    assert (tmp_path / "backup" / backup._PREVIOUS).is_file() == double
    again = _model()  # a new process would build the model again
    seen = []
    tracker = keras.callbacks.LambdaCallback(on_epoch_begin=lambda e, logs: seen.append(e))
    history = again.fit(x, y, batch_size=16, epochs=5, verbose=0, callbacks=[cb, tracker])
    assert seen == [3, 4] and history.epoch == [3, 4]
    np.testing.assert_array_equal(_weights(again), _weights(whole))
    assert not (tmp_path / "backup").exists()  # delete_checkpoint after a completed fit


def test_a_damaged_latest_backup_falls_back_to_the_previous(tmp_path):
    x, y = _data()
    model = _model()
    cb = keras.callbacks.BackupAndRestore(tmp_path, double_checkpoint=True, delete_checkpoint=False)
    with pytest.raises(InterruptError):
        model.fit(x, y, batch_size=16, epochs=5, verbose=0, callbacks=[cb, StopAt(3)])
    (tmp_path / backup._LATEST).write_bytes(b"torn")
    seen = []
    tracker = keras.callbacks.LambdaCallback(on_epoch_begin=lambda e, logs: seen.append(e))
    _model().fit(x, y, batch_size=16, epochs=5, verbose=0, callbacks=[cb, tracker])
    assert seen == [2, 3, 4]
    assert (tmp_path / backup._LATEST).is_file()  # kept: delete_checkpoint=False


def test_save_freq_in_batches_resumes_at_the_epoch_in_progress(tmp_path):
    x, y = _data()  # 6 batches an epoch; a backup every 4 batches
    cb = keras.callbacks.BackupAndRestore(tmp_path, save_freq=4)
    with pytest.raises(InterruptError):
        _model().fit(x, y, batch_size=16, epochs=5, verbose=0, callbacks=[cb, StopAt(2)])
    seen = []
    tracker = keras.callbacks.LambdaCallback(on_epoch_begin=lambda e, logs: seen.append(e))
    _model().fit(x, y, batch_size=16, epochs=5, verbose=0, callbacks=[cb, tracker])
    assert seen == [1, 2, 3, 4]  # the last backup was made during epoch 1 (batch 8 of 12)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"backup_dir": ""}, "Empty `backup_dir`"),
        ({"backup_dir": "b", "save_freq": "batch"}, "Invalid value for argument `save_freq`"),
        ({"backup_dir": "b", "save_freq": 0}, "Invalid value for argument `save_freq`"),
        ({"backup_dir": "b", "save_before_preemption": True}, "preemption"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        keras.callbacks.BackupAndRestore(**kwargs)


def test_one_class_under_both_names():
    assert keras.callbacks.BackupAndRestore is callbacks.BackupAndRestore
