"""The seed tutorials as runnable programs: `deepling examples` lists them, `deepling run NAME`
runs one, and `python -m deepling.examples.NAME` does the same.

Each program is one module here (so it ships with `pip install .`), written against deepling's
faces and commented for a learner. Its module docstring's first line is its description.
"""

from __future__ import annotations

import ast
from importlib import resources

# In teaching order: the tape, then Keras, then PyTorch, then what makes training work.
NAMES = (
    "tape_linear_regression",
    "keras_regression",
    "torch_classification",
    "optimizers_compared",
    "perceptron_gates",
    "colab_regression",
    "losses_and_gradients",
    "boston_scaling",
    "mnist_mlp",
    "mnist_ddp",
    "mnist_multiworker",
    "sine_forecast_torch",
    "sine_forecast_keras",
    "text_classification",
    "transformer_classifier",
    "mnist_cnn_torch",
    "mnist_cnn_keras",
)


def source(name: str) -> str:
    """The program text of example `name`."""
    if name not in NAMES:
        raise KeyError(f"no example named {name!r}; the examples are: {', '.join(NAMES)}")
    return resources.files(__name__).joinpath(f"{name}.py").read_text(encoding="utf-8")


def description(name: str) -> str:
    """The first line of the example's docstring, read without importing it (imports are slow)."""
    doc = ast.get_docstring(ast.parse(source(name))) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""
