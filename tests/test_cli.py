"""The `deepling` command: every subcommand and its --help, run in this process through
`deepling.cli.main`, plus `python -m deepling` once as a real subprocess."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from deepling import cli, examples
from deepling.examples import _common

REPO = Path(__file__).resolve().parents[1]
HAS_MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None
COMMANDS = ("demo", "examples", "run", "gradcheck", "info")


def number(label: str, text: str) -> float:
    found = re.search(re.escape(label) + r"\s*(-?\d+(?:\.\d*)?(?:e[-+]?\d+)?)", text)
    assert found, f"{label!r} not in:\n{text}"
    return float(found.group(1))


@pytest.mark.parametrize("argv", [["--help"], *[[c, "--help"] for c in COMMANDS]])
def test_help_everywhere(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: deepling {argv[0] if len(argv) == 2 else ''}".rstrip())
    if argv == ["--help"]:
        assert all(c in out for c in COMMANDS)


def test_no_command_prints_help_and_version(capsys):
    assert cli.main([]) == 0
    assert "usage: deepling" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert capsys.readouterr().out.strip() == "deepling 0.1.0"


def test_demo_trains_and_plots(tmp_path, capsys):
    png = tmp_path / "demo.png"
    assert cli.main(["demo", "--out", str(png)]) == 0  # the full default run (about 2 s)
    out = capsys.readouterr().out
    assert "trained 100 epochs on 404 houses" in out
    mae, corr = number("test MAE:", out), number("true prices:", out)
    assert 0 < mae < 3.5 and corr > 0.85  # a fit, not noise: the README's first command
    assert png.is_file() == HAS_MATPLOTLIB


def test_demo_no_plot_and_no_tqdm(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "tqdm", None)  # as if tqdm were missing: lines instead
    assert cli.main(["demo", "--epochs", "10", "--no-plot"]) == 0
    out = capsys.readouterr().out
    assert "epoch 10/10: loss" in out and "test MAE:" in out
    assert list(tmp_path.iterdir()) == []  # --no-plot: no deepling-demo.png


def test_demo_rejects_bad_epochs(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["demo", "--epochs", "0"])
    assert exit_info.value.code == 2
    assert "must be a positive whole number, got 0" in capsys.readouterr().err


def test_examples_lists_and_prints(capsys):
    assert cli.main(["examples"]) == 0
    lines = capsys.readouterr().out.splitlines()
    for name in examples.NAMES:
        line = next(line for line in lines if line.split() and line.split()[0] == name)
        assert examples.description(name) in line
    assert cli.main(["examples", "perceptron_gates"]) == 0
    assert "def xor(x1, x2):" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli.main(["examples", "nope"])
    assert "invalid choice: 'nope'" in capsys.readouterr().err


def test_run_sets_and_restores_the_settings(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(_common.EPOCHS_ENV, raising=False)
    plots = tmp_path / "plots"
    argv = ["run", "perceptron_gates", "--epochs", "5", "--plots", str(plots)]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    assert "XOR = AND(NAND, OR)" in out and "accuracy" in out
    assert (plots / "perceptron_gates.png").is_file() == HAS_MATPLOTLIB
    assert _common.EPOCHS_ENV not in os.environ  # the cap applied to that run only
    monkeypatch.chdir(tmp_path)
    assert cli.main(["run", "torch_classification", "--no-plot"]) == 0
    assert "predicted classes: [0. 1.]" in capsys.readouterr().out
    assert not list(tmp_path.glob("*.png"))


def test_run_names_a_missing_package(monkeypatch, capsys):
    for name in ["sklearn"] + [m for m in sys.modules if m.startswith("sklearn.")]:
        monkeypatch.setitem(sys.modules, name, None)  # as if scikit-learn were not installed
    monkeypatch.delitem(sys.modules, "deepling.examples.colab_regression", raising=False)
    assert cli.main(["run", "colab_regression"]) == 1
    assert "needs scikit-learn: pip install scikit-learn" in capsys.readouterr().out


def test_gradcheck_explains_and_agrees(capsys):
    assert cli.main(["gradcheck"]) == 0
    out = capsys.readouterr().out
    assert "(L(w + h) - L(w - h)) / 2h" in out
    for name in ("W1 (4, 5)", "b1 (5,)", "W2 (5, 3)", "b2 (3,)"):
        assert number(f"{name}: max |difference| =", out) < 1e-8
    assert "over all 43 weights" in out and "they agree" in out


def test_gradcheck_fails_with_a_coarse_step(capsys):
    # h = 0.1 leaves an O(h^2) error in the central difference: the check must notice.
    assert cli.main(["gradcheck", "--eps", "0.1"]) == 1
    assert "they DISAGREE" in capsys.readouterr().out


def test_info(tmp_path, monkeypatch, capsys):
    (tmp_path / "datasets" / "mnist").mkdir(parents=True)
    monkeypatch.setenv("DEEPLING_HOME", str(tmp_path))
    assert cli.main(["info"]) == 0
    out = capsys.readouterr().out
    import numpy

    assert out.startswith("deepling 0.1.0") and f"numpy    {numpy.__version__}" in out
    assert f"python   {sys.version_info.major}.{sys.version_info.minor}" in out
    assert "array backend: NumPy" in out and "matplotlib" in out
    assert f"data sets: {tmp_path / 'datasets'} ($DEEPLING_HOME" in out
    assert "cached: mnist" in out


def test_python_dash_m_and_the_console_script():
    pyproject = (REPO / "pyproject.toml").read_text()  # (tomllib is Python 3.11+ only)
    assert '[project.scripts]\ndeepling = "deepling.cli:main"\n' in pyproject
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run([sys.executable, "-m", "deepling", "examples"], capture_output=True,
                          text=True, env=env, timeout=60, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert all(name in done.stdout for name in examples.NAMES)
