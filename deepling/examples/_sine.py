"""The noisy sine wave of the two forecasting examples: the series, its windows, and the panel
that draws the series with the forecasts of its last 20%."""

from __future__ import annotations

import numpy as np

WINDOW = 30


def make_series(n=1200, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n, dtype=np.float32)
    return (np.sin(2 * np.pi * t / 50) + 0.1 * rng.standard_normal(n)).astype(np.float32)


def windows(series):
    """(samples, WINDOW, 1) inputs and (samples, 1) next values, as NumPy arrays."""
    x = np.lib.stride_tricks.sliding_window_view(series[:-1], WINDOW)
    return x[..., None].copy(), series[WINDOW:, None].copy()


def plot_forecasts(ax, series, split, forecasts: dict, title: str) -> None:
    """The series in grey and each forecast (label: values) from `split` on."""
    t = np.arange(len(series))
    ax.plot(t, series, color="0.7", label="series (noisy sine)")
    for label, values in forecasts.items():
        ax.plot(t[split:], values, label=label)
    ax.axvline(split, color="k", lw=0.8)
    ax.set(xlabel="step", ylabel="value", title=title)
    ax.set_xlim(split - 150, len(series))
    ax.legend(loc="lower left")
