"""deepling.plot.history: one subplot per metric, train and validation curves, saving."""

import subprocess
import sys

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from deepling import plot  # noqa: E402

LOGS = {"loss": [1.0, 0.5, 0.25], "accuracy": [0.5, 0.7, 0.9],
        "val_loss": [1.1, 0.6, 0.4], "val_accuracy": [0.4, 0.6, 0.8]}  # fmt: skip


def test_one_subplot_per_metric_with_train_and_validation(tmp_path):
    path = tmp_path / "history.png"
    fig = plot.history(LOGS, path=str(path))
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy"]
    loss_ax = fig.axes[0]
    assert [line.get_label() for line in loss_ax.get_lines()] == ["train", "validation"]
    np.testing.assert_array_equal(loss_ax.get_lines()[1].get_ydata(), LOGS["val_loss"])
    np.testing.assert_array_equal(loss_ax.get_lines()[0].get_xdata(), [1, 2, 3])
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    matplotlib.pyplot.close(fig)


def test_history_object_chosen_metrics_and_given_axes():
    from deepling import keras

    model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    model.compile("sgd", "mse", metrics=["mae"])
    h = model.fit(np.ones((8, 2)), np.ones(8), epochs=2, verbose=0)
    fig, ax = matplotlib.pyplot.subplots()
    assert plot.history(h, metrics=["mae"], ax=ax) is fig
    assert len(ax.get_lines()) == 1 and ax.get_title() == "mae"  # no validation recorded
    with pytest.raises(ValueError, match="no metric \\['acc'\\]"):
        plot.history(h, metrics=["acc"], ax=ax)
    matplotlib.pyplot.close(fig)


def test_import_deepling_loads_neither_matplotlib_nor_tqdm():
    code = "import sys, deepling, deepling.plot, deepling.keras; print('matplotlib' in sys.modules, 'tqdm' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
