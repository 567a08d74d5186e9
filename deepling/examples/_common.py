"""What every example shares: an epoch cap for quick runs, and figures saved as PNG files.

Two environment variables steer all examples (`deepling run` sets them from its options):
- DEEPLING_EXAMPLE_EPOCHS: the most epochs (or steps) any training loop runs; tests set it low.
- DEEPLING_EXAMPLE_SAMPLES: the most training samples a large data set (MNIST) keeps.
- DEEPLING_EXAMPLE_PLOTS: the folder for the PNG files (default: the current folder), or "off".
Plots need matplotlib; without it the examples run and print the same, and draw nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

EPOCHS_ENV = "DEEPLING_EXAMPLE_EPOCHS"
SAMPLES_ENV = "DEEPLING_EXAMPLE_SAMPLES"
PLOTS_ENV = "DEEPLING_EXAMPLE_PLOTS"
_OFF = ("0", "off", "no", "false", "none")


def _capped(n: int, env: str) -> int:
    cap = os.environ.get(env, "").strip()
    if not cap:
        return n
    try:
        return max(1, min(n, int(cap)))
    except ValueError:
        raise ValueError(f"{env} must be a whole number, got {cap!r}") from None


def epochs(n: int) -> int:
    """`n`, or fewer when DEEPLING_EXAMPLE_EPOCHS caps it (a quick run to see that all works)."""
    return _capped(n, EPOCHS_ENV)


def samples(n: int) -> int:
    """`n`, or fewer when DEEPLING_EXAMPLE_SAMPLES caps it."""
    return _capped(n, SAMPLES_ENV)


def figure(width: float = 6.0, height: float = 4.0):
    """A matplotlib Figure to draw on, or None when plots are off or matplotlib is missing.

    `matplotlib.figure.Figure` draws without pyplot: no window opens and no global state is
    touched, so the examples run the same on a server, in a test and in a notebook.
    """
    if os.environ.get(PLOTS_ENV, "").strip().lower() in _OFF:
        return None
    try:
        from matplotlib.figure import Figure
    except ImportError:
        print("(matplotlib is not installed: no plots; `pip install matplotlib` to get them)")
        return None
    return Figure(figsize=(width, height))


def save(fig, name: str) -> Path | None:
    """Write `fig` as `<name>.png` into the plots folder and say where; None when no figure."""
    if fig is None:
        return None
    folder = Path(os.environ.get(PLOTS_ENV, "").strip() or ".")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    print(f"saved {path}")
    return path


def accuracy_figure(history: dict, title: str, name: str) -> None:
    """Save `name`.png: training and test accuracy per epoch, from a History's dict."""
    fig = figure(6, 4)
    if fig is None:
        return
    ax = fig.subplots()
    ax.plot(history["accuracy"], label="training")
    ax.plot(history["val_accuracy"], label="test")
    ax.set(xlabel="epoch", ylabel="accuracy", title=title)
    ax.legend()
    save(fig, name)
