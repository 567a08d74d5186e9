"""Sequence tutorials written for PyTorch and tf.keras, run with only their framework imports
swapped for deepling's: a packed-sequence LSTM, a Transformer encoder with a padding mask, and
tf.keras's Tokenizer + pad_sequences + Bidirectional LSTM. Each must learn (the loss falls and
the held-out accuracy is far above chance); with real PyTorch installed, the PyTorch programs
also run unchanged and must learn as much."""

import contextlib
import io
from pathlib import Path

import pytest

HERE = Path(__file__).parent


def swap(line: str) -> str:
    for old, new in (("import torch", "import deepling as torch"),
                     ("from torch import", "from deepling import"),
                     ("from torch.", "from deepling."),
                     ("from tensorflow import keras", "from deepling import keras"),
                     ("from tensorflow.keras", "from deepling.keras")):  # fmt: skip
        if line == old or line.startswith((old + " ", old + ".") if old[-1] != "." else old):
            return new + line[len(old) :]
    return line


def run_program(name, swapped=True):
    lines = (HERE / name).read_text(encoding="utf-8").splitlines()
    if swapped:
        new = [swap(line) for line in lines]
        assert new != lines, f"{name} imports no framework that can be swapped"
        lines = new
    namespace = {"__name__": "__tutorial__"}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile("\n".join(lines), str(HERE / name), "exec"), namespace)
    return namespace


def test_swap_rewrites_only_framework_imports():
    assert swap("from torch.nn.utils.rnn import pad_sequence") == (
        "from deepling.nn.utils.rnn import pad_sequence"
    )
    assert swap("import torchvision") == "import torchvision"
    assert (
        swap("from tensorflow.keras.layers import LSTM") == "from deepling.keras.layers import LSTM"
    )


def _learned(run, floor):
    history = run["history"]
    history = history.history["loss"] if hasattr(history, "history") else history
    assert history[-1] < 0.6 * history[0], f"loss {history[0]:.3f} -> {history[-1]:.3f}"
    assert run["accuracy"] > floor, f"accuracy {run['accuracy']:.3f}"


@pytest.mark.parametrize("name,floor", [("packed_lstm_torch.py", 0.8),
                                        ("transformer_torch.py", 0.8),
                                        ("keras_text_tf.py", 0.9)])  # fmt: skip
def test_tutorial_learns_with_deepling(name, floor):
    _learned(run_program(name), floor)


@pytest.mark.parametrize("name,floor", [("packed_lstm_torch.py", 0.8),
                                        ("transformer_torch.py", 0.8)])  # fmt: skip
def test_tutorial_learns_with_pytorch_too(name, floor):
    torch = pytest.importorskip("torch")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        _learned(run_program(name, swapped=False), floor)
    finally:
        torch.set_num_threads(threads)
