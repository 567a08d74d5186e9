"""PyTorch tutorial-style programs (tests/tutorials/*_torch.py, written for `import torch`),
run with only their import lines changed to deepling's: "Learning PyTorch with Examples"
(polynomial fits of sin x six ways), "Learn the Basics" (tensors, a Dataset and DataLoader,
a model, autograd, the optimization loop, saving and loading), and a feed-forward MNIST
classifier on `device`. Each must learn; with real PyTorch installed each also runs unchanged
under PyTorch, so the programs are PyTorch's own."""

import contextlib
import io
import os
import re
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).parent


def swapped(lines):
    """The program with its torch imports made deepling's (`import torch` -> `import deepling
    as torch`, `from torch.x import y` -> `from deepling.x import y`); nothing else changes."""
    out = []
    for line in lines:
        if line == "import torch":
            line = "import deepling as torch"
        elif re.match(r"(from|import) torch[. ]", line):
            line = line.replace("torch", "deepling", 1)
        out.append(line)
    return out


def run_program(name, framework="deepling", env=None):
    lines = (HERE / name).read_text().splitlines()
    if framework == "deepling":
        changed = swapped(lines)
        assert changed != lines, f"{name} imports no torch"
        assert all(a == b or "import" in a for a, b in zip(changed, lines))
        lines = changed
    namespace = {"__name__": "__tutorial__"}
    with contextlib.redirect_stdout(io.StringIO()) as out:
        exec(compile("\n".join(lines), str(HERE / name), "exec"), namespace)
    namespace["printed"] = out.getvalue()
    return namespace


@pytest.fixture(params=["deepling", "torch"])
def framework(request):
    if request.param == "torch":
        torch = pytest.importorskip("torch")
        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # tiny ops: PyTorch's thread pool only slows them
        yield "torch"
        torch.set_num_threads(threads)
    else:
        yield "deepling"


def test_polynomial_fits_of_sin_learn_every_way(framework):
    losses = run_program("examples_polynomial_torch.py", framework)["losses"]
    for way, history in losses.items():
        assert np.isfinite(history).all(), way
        first, last = history[0], history[-1]
        if way == "dynamic":  # lr 1e-8 for the x^4, x^5 terms: slow, but falling
            assert last < 0.5 * first, f"{way}: {first:.4g} -> {last:.4g}"
        else:  # a cubic fits sin on [-pi, pi] to a sum of squared errors of about 9
            assert last < 0.05 * first and last < 60, f"{way}: {first:.4g} -> {last:.4g}"


def test_learn_the_basics_runs_and_learns(framework):
    run = run_program("learn_the_basics_torch.py", framework)
    assert run["bridge"] == ([3.0] * 5, [3.0] * 5)  # from_numpy/numpy share memory
    assert run["first_target"].tolist() == np.eye(10)[run["one_hot"].labels[0]].tolist()
    assert tuple(run["train_features"].shape) == (64, 1, 28, 28) and run["y_pred"].shape == (1,)
    assert run["agg_item"] == 12.0 and run["no_grad_requires"] is False
    assert run["w_grad"].shape == (5, 3) and run["b_grad"].shape == (3,)
    np.testing.assert_allclose(run["second_call"].numpy(), 2 * run["first_call"].numpy())
    np.testing.assert_allclose(run["call_after_zero"].numpy(), run["first_call"].numpy())
    (loss0, acc0), (loss1, acc1) = run["history"][0], run["history"][-1]
    assert acc0 < 0.3 and acc1 > 0.9 and loss1 < 0.3 * loss0, run["history"]
    assert run["same"] and run["reloaded_accuracy"] == acc1
    assert "Shape of tensor: torch.Size([3, 4])" in run["printed"]
    assert "Datatype of tensor: torch.float32" in run["printed"]
    assert (
        "Device tensor is stored on: cpu" in run["printed"] and "Using cpu device" in run["printed"]
    )


def _mnist_dir():
    """The MNIST IDX files: the project's shared copy, or deepling's data folder."""
    shared = Path(__file__).resolve().parents[3] / "shared" / "data" / "mnist"
    home = (
        Path(os.environ.get("DEEPLING_HOME") or "~/.deepling").expanduser() / "datasets" / "mnist"
    )
    for folder in (shared, home):
        if (folder / "train-images-idx3-ubyte.gz").is_file():
            return folder
    return None


@pytest.mark.skipif(_mnist_dir() is None, reason="the MNIST IDX files are not here")
def test_mnist_mlp_on_device_reaches_90_percent(framework, monkeypatch):
    monkeypatch.setenv("MNIST_DIR", str(_mnist_dir()))
    run = run_program("mnist_mlp_torch.py", framework)
    (loss0, acc0), (loss1, acc1) = run["history"][0], run["history"][-1]
    assert run["device"] == "cpu" and acc0 < 0.3
    assert acc1 > 0.9 and loss1 < 0.2 * loss0, run["history"]


def test_a_compiled_training_step_gives_eager_numbers_and_learns():
    # deepling only: PyTorch's own torch.compile needs a C++ toolchain and minutes per graph
    run = run_program("compile_step_torch.py")
    assert all(run["same"]) and run["agree"]
    assert np.mean(run["losses"][-20:]) < 0.5 * np.mean(run["losses"][:20])
    assert run["accuracy"] > 0.9
    assert run["opt_train_step"].programs  # it did compile
