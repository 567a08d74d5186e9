"""TensorFlow's and Keras's guides, as programs written for `import tensorflow as tf` and
`import keras` (Keras 3) and run here with only those import lines swapped for deepling's.
Each test checks that the program ran as the guide says and that its models learn.

Programs: tf_customization_basics.py ("Customization basics"), tf_autodiff_intro.py
("Introduction to gradients and automatic differentiation"), tf_basic_training_loops.py
("Basic training loops"), keras_beginner_quickstart.py and tf_advanced_quickstart.py (the
beginner and expert quickstarts), keras_training_loop_from_scratch.py and
keras_customizing_fit.py (Keras's "Writing a training loop from scratch" and "Customizing what
happens in fit()").
"""

import contextlib
import io
import warnings
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).parent
SWAPS = {
    "import tensorflow as tf": "import deepling.tf as tf",
    "import keras": "from deepling import keras",
    "from keras import layers": "from deepling.keras import layers",
    "from tensorflow.keras import Model": "from deepling.keras import Model",
    "from tensorflow.keras.layers import Dense, Flatten": (
        "from deepling.keras.layers import Dense, Flatten"
    ),
}


def run_guide(name):
    """Run tests/tutorials/<name> with its framework imports swapped; its globals and what it
    printed."""
    lines = (HERE / name).read_text().splitlines()
    swapped = [SWAPS.get(line, line) for line in lines]
    assert swapped != lines, f"{name} imports no framework that can be swapped"
    assert not [line for line in swapped if "tensorflow" in line.split("#")[0]
                and line.startswith(("import", "from"))]  # fmt: skip
    namespace = {"__name__": "__tutorial__"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the guides show unconnected gradients on purpose
        exec(compile("\n".join(swapped), str(HERE / name), "exec"), namespace)
    return namespace, out.getvalue()


def test_customization_basics():
    run, out = run_guide("tf_customization_basics.py")
    assert out.startswith("2.21.0\n[]\nTrue\n")
    assert "tf.Tensor(3, shape=(), dtype=int32)\ntf.Tensor([4 6], shape=(2,), dtype=int32)" in out
    assert "tf.Tensor(13, shape=(), dtype=int32)" in out
    assert "tf.Tensor([[2 3]], shape=(1, 2), dtype=int32)" in out
    assert "shape=(3, 3), dtype=float64)" in out  # NumPy's float64 kept, as TF does
    assert sorted(sum(run["batches"], [])) == [1, 4, 9, 16, 25, 36]
    assert run["history"][-1] < 1e-3 * run["history"][0]


def test_gradients_and_automatic_differentiation():
    run, out = run_guide("tf_autodiff_intro.py")
    lines = out.splitlines()
    assert lines[0] == "6.0" and "kernel, shape: (3, 2)" in out and "bias, shape: (2,)" in out
    assert "tf.Tensor(6.0, shape=(), dtype=float32)\nNone\nNone\nNone" in out
    assert "dy/dx0: None" in out and "108.0 6.0" in out and "3.75" in out
    assert "[None, <tf.Tensor: shape=(), dtype=float32, numpy=2.0>]" in out
    assert "tf.Tensor([0. 0.], shape=(2,), dtype=float32)" in out
    assert run["losses"][-1] < 0.05 * run["losses"][0]


def test_basic_training_loops():
    run, out = run_guide("tf_basic_training_loops.py")
    assert "Epoch  9:" in out and out.count("━━━━━━━━━━━━━━━━━━━━") == 10
    assert run["losses"][-1] < 0.2 * run["first_loss"]
    assert abs(run["weights"][-1] - 3.0) < 0.3 and abs(run["biases"][-1] - 2.0) < 0.3
    # Keras's fit takes the same steps as the loop by hand
    assert run["keras_w"] == pytest.approx(run["weights"][-1], abs=1e-4)
    assert run["keras_b"] == pytest.approx(run["biases"][-1], abs=1e-4)
    loss = run["history"].history["loss"]
    assert loss[-1] < 0.2 * loss[0]


def test_beginner_quickstart():
    run, out = run_guide("keras_beginner_quickstart.py")
    assert abs(run["initial_loss"] - np.log(10)) < 1.5
    assert "Total params: 101,770 (397.54 KB)" in out and "Epoch 3/3" in out
    loss = run["history"].history["loss"]
    assert loss[-1] < 0.4 * loss[0] and run["test_accuracy"] > 0.85
    probabilities = run["probabilities"].numpy()
    assert probabilities.shape == (5, 10) and np.allclose(probabilities.sum(1), 1, atol=1e-5)


def test_expert_quickstart():
    run, out = run_guide("tf_advanced_quickstart.py")
    assert out.count("Epoch ") == 3 and "Test Accuracy: " in out
    (first_loss, _), (last_loss, accuracy) = run["results"][0], run["results"][-1]
    assert last_loss < 0.4 * first_loss and accuracy > 0.85


def test_training_loop_from_scratch():
    run, out = run_guide("keras_training_loop_from_scratch.py")
    assert "Training loss (for 1 batch) at step 0:" in out and "Validation acc:" in out
    losses = run["first_losses"]
    assert np.mean(losses[-10:]) < 0.6 * np.mean(losses[:10])
    assert run["val_accuracies"][-1] > 0.75 and run["val_accuracies"][-1] > run["val_accuracies"][0]
    regularized = run["regularized"]  # the activity penalty, added by a layer, is minimized too
    assert np.mean(regularized[-10:]) < 0.7 * regularized[0]


def test_customizing_fit():
    run, out = run_guide("keras_customizing_fit.py")
    for name in ("simple", "lower", "weighted", "spelled"):
        history = run[name].history
        assert set(history) >= {"loss", "mae"}, name
        assert history["loss"][-1] < 0.7 * history["loss"][0], name
    assert run["after"]["loss"] < 0.3 * run["before"]["loss"]
    assert set(run["before"]) == {"loss", "mae"}
    spelled = run["spelled"].history
    assert spelled["val_loss"][-1] < 0.1 * spelled["val_loss"][0]
    assert "val_mae: " in out
