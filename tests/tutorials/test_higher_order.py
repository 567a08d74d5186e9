"""Tutorial programs that need second derivatives, written for PyTorch and TensorFlow and run
here with only their framework imports swapped for deepling's: a physics-informed fit
(torch.autograd.grad twice with create_graph=True; nested tf.GradientTapes) and a WGAN-GP
critic (a penalty on an input gradient). Each test checks that the program learns; with real
PyTorch installed, the same file also runs unchanged under PyTorch and must learn as much.

The physics-informed checks derive their tolerance from the final loss L (mean squared
residual of u'' + sin x at the collocation points, plus the mean squared boundary values). The
error e = u - sin solves e'' = r with e(0), e(pi) the boundary values, so by the Green's
function of [0, pi] (at most pi/4 at x = pi/2) |e(pi/2)| <= (pi/4) * integral |r| + max |e(0)|,
|e(pi)| <= (pi^2/4) * rms(r) + sqrt(2 L) <= 3.9 sqrt(L); the check allows 1.5 times that for the
sum over 32 points standing for the integral. A net that did not learn is off by about 1.
"""

import contextlib
import io
import math
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import requires_torch

HERE = Path(__file__).parent
SWAPS = {
    "import torch": "import deepling as torch",
    "from torch import nn": "from deepling import nn",
    "import tensorflow as tf": "import deepling.tf as tf",
}


def run_program(name, swap=True):
    """Run tests/tutorials/<name> (its framework imports swapped for deepling's unless
    `swap=False`) and return the globals it ends with."""
    lines = (HERE / name).read_text().splitlines()
    if swap:
        swapped = [SWAPS.get(line, line) for line in lines]
        assert swapped != lines, f"{name} imports no framework that can be swapped"
        lines = swapped
    namespace = {"__name__": "__tutorial__"}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile("\n".join(lines), str(HERE / name), "exec"), namespace)
    return namespace


@pytest.fixture
def real_torch():
    torch = pytest.importorskip("torch")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny ops: PyTorch's thread pool only slows them (10x when busy)
    yield torch
    torch.set_num_threads(threads)


def assert_solves_the_equation(run):
    """The loss fell 100-fold, and u is sin x within the bound the final loss gives."""
    history, final = run["history"], run["history"][-1]
    assert final < 1e-2 * history[0], f"loss {history[0]:.3g} -> {final:.3g}"
    bound = 1.5 * (math.pi**2 / 4 + math.sqrt(2)) * math.sqrt(final)
    assert abs(run["u_mid"] - 1.0) <= bound, (run["u_mid"], bound)
    assert run["max_error"] <= bound, (run["max_error"], bound)


# --- physics-informed fit, PyTorch style ---
def test_pinn_torch_style_learns_sin():
    assert_solves_the_equation(run_program("pinn_torch.py"))


@requires_torch
def test_pinn_torch_style_learns_as_much_under_pytorch(real_torch):
    ours, theirs = run_program("pinn_torch.py"), run_program("pinn_torch.py", swap=False)
    assert_solves_the_equation(theirs)
    # different inits (each framework's own generator, seed 0): same order of magnitude
    assert 0.1 < ours["history"][-1] / theirs["history"][-1] < 10


# --- physics-informed fit, TensorFlow style with nested tapes ---
def test_pinn_tensorflow_style_with_nested_tapes_learns_sin():
    run = run_program("pinn_tf.py")
    assert_solves_the_equation(run)
    torch_style = run_program("pinn_torch.py")
    assert abs(run["u_mid"] - torch_style["u_mid"]) < 0.05  # the same function, two faces


# --- gradient penalty, PyTorch style ---
def assert_critic_learned(run):
    """The penalty fell 10-fold; gradient norms at interpolates are about 1; the critic tells
    the ring from the blob (a positive distance estimate)."""
    penalties, norms = run["penalties"], run["grad_norms"]
    assert np.mean(penalties[-20:]) < 0.1 * np.mean(penalties[:5])
    assert np.mean(norms[:5]) < 0.5  # a fresh critic is flat ...
    assert abs(np.mean(norms[-20:]) - 1.0) < 0.1  # ... the penalty makes it 1-Lipschitz
    assert np.mean(run["distances"][-20:]) > 0.5


def test_gradient_penalty_critic_learns():
    assert_critic_learned(run_program("gradient_penalty_torch.py"))


@requires_torch
def test_gradient_penalty_critic_learns_as_much_under_pytorch(real_torch):
    ours = run_program("gradient_penalty_torch.py")
    theirs = run_program("gradient_penalty_torch.py", swap=False)
    assert_critic_learned(theirs)
    # both estimate the same Wasserstein distance, from different inits and samples
    ratio = np.mean(ours["distances"][-20:]) / np.mean(theirs["distances"][-20:])
    assert 2 / 3 < ratio < 3 / 2
