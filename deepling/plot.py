"""Plots of training runs (matplotlib is optional: `pip install deepling[plot]`).

    h = model.fit(x, y, validation_split=0.2, epochs=20)
    deepling.plot.history(h)                      # loss and each metric, train and validation
    deepling.plot.history(h, path="history.png")  # or save it

matplotlib is imported inside the functions, so `import deepling.plot` costs nothing.
"""

from __future__ import annotations


def history(h, metrics=None, ax=None, show=False, path=None):
    """Draw each metric of a training run per epoch: training and, when recorded, validation.

    Args:
        h: a `History` (what `fit` returns) or its `.history` dict ({'loss': [...], ...}).
        metrics: names to draw, e.g. ['loss', 'accuracy']; default: every recorded metric
            without the 'val_' prefix, loss first.
        ax: a matplotlib Axes, or a sequence of one Axes per metric, to draw into; default:
            a new figure with one subplot per metric, side by side.
        show: call `plt.show()` at the end.
        path: save the figure there (any format matplotlib knows from the extension).

    Returns:
        The matplotlib Figure.
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:  # the optional extra
        raise ImportError(
            "deepling.plot needs matplotlib: pip install matplotlib (or deepling[plot])"
        ) from error
    logs = getattr(h, "history", h)
    if not isinstance(logs, dict) or not logs:
        raise ValueError(f"history() needs a History or a non-empty dict of lists, got {h!r}")
    names = list(metrics) if metrics is not None else _train_names(logs)
    unknown = [n for n in names if n not in logs and f"val_{n}" not in logs]
    if unknown:
        raise ValueError(f"no metric {unknown} in the history; it has {sorted(logs)}")
    axes = _axes(plt, ax, len(names))
    for axis, name in zip(axes, names):
        _draw(axis, logs, name)
    figure = axes[0].figure
    figure.tight_layout()
    if path is not None:
        figure.savefig(path)
    if show:
        plt.show()
    return figure


def _draw(axis, logs: dict, name: str) -> None:
    """Training values as a solid line, validation values dashed, epochs counted from 1."""
    for key, label, style in ((name, "train", "-"), (f"val_{name}", "validation", "--")):
        values = logs.get(key)
        if values:
            epochs = range(1, len(values) + 1)
            axis.plot(epochs, values, style, marker="o", markersize=3, label=label)
    axis.set_title(name)
    axis.set_xlabel("epoch")
    axis.set_ylabel(name)
    axis.grid(True, alpha=0.3)
    axis.legend()


def _train_names(logs: dict) -> list:
    names = []
    for key in logs:
        name = key[4:] if key.startswith("val_") else key
        if name not in names:
            names.append(name)
    return sorted(names, key=lambda n: n != "loss")  # loss first, the rest as recorded


def _axes(plt, ax, count: int) -> list:
    if ax is None:
        figure, axes = plt.subplots(1, count, figsize=(4.5 * count, 3.5), squeeze=False)
        return list(axes[0])
    axes = list(getattr(ax, "flat", ax if isinstance(ax, (list, tuple)) else [ax]))
    if len(axes) < count:
        raise ValueError(f"{count} metrics to draw but {len(axes)} Axes were given")
    return axes
