"""Vision tutorial programs written for PyTorch, Keras and TensorFlow, run with only their
framework imports swapped for deepling's: each must learn (a loss falls by a measured factor,
an accuracy is reached). With real PyTorch installed, the PyTorch program also runs unchanged
and must learn as much."""

import pytest

from tests.tutorials.test_higher_order import HERE, run_program

SWAPS = {
    "import torch": "import deepling as torch",
    "import torch.nn.functional as F": "import deepling.nn.functional as F",
    "from torch import nn": "from deepling import nn",
    "from torch.utils.data import DataLoader, TensorDataset": (
        "from deepling.utils.data import DataLoader, TensorDataset"
    ),
    "import tensorflow as tf": "import deepling.tf as tf",
    "from tensorflow import keras": "from deepling import keras",
    "from tensorflow.keras import layers": "from deepling.keras import layers",
}


def run_swapped(name):
    import contextlib
    import io

    lines = (HERE / name).read_text().splitlines()
    swapped = [SWAPS.get(line, line) for line in lines]
    assert swapped != lines
    namespace = {"__name__": "__tutorial__"}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile("\n".join(swapped), str(HERE / name), "exec"), namespace)
    return namespace


def test_pytorch_cnn_learns_the_bars():
    run = run_swapped("cnn_bars_torch.py")
    assert run["history"][-1] < 0.3 * run["history"][0]
    assert run["accuracy"] > 0.95


def test_the_same_program_learns_under_pytorch():
    torch = pytest.importorskip("torch")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        run = run_program("cnn_bars_torch.py", swap=False)
    finally:
        torch.set_num_threads(threads)
    assert run["accuracy"] > 0.95


def test_keras_cnn_learns_the_bars():
    run = run_swapped("cnn_bars_keras.py")
    losses = run["history"].history["loss"]
    assert losses[-1] < 0.3 * losses[0]
    assert run["accuracy"] > 0.95


def test_tensorflow_convolution_by_hand_learns_to_count():
    run = run_swapped("conv_tape_tf.py")
    assert run["history"][-1] < 0.05 * run["history"][0]
