"""The figure the MNIST examples save: training curves on labelled axes, the first layer's
filters (for a CNN), and test digits the model got wrong, each marked with its true and
predicted label."""

from __future__ import annotations

import numpy as np

from deepling.examples._common import figure, save


def _curves(fig, spec, history):
    """Loss and accuracy per epoch, training and test, on two labelled axes."""
    epochs = np.arange(1, len(history["loss"]) + 1)
    loss_ax = fig.add_subplot(spec[0])
    acc_ax = fig.add_subplot(spec[1])
    for key, label, style in (("loss", "training", "o-"), ("val_loss", "test", "s--")):
        if key in history:
            loss_ax.plot(epochs, history[key], style, label=label)
    for key, label, style in (("accuracy", "training", "o-"), ("val_accuracy", "test", "s--")):
        if key in history:
            acc_ax.plot(epochs, history[key], style, label=label)
    loss_ax.set(xlabel="epoch", ylabel="loss (cross-entropy)", title="Loss", xticks=epochs)
    acc_ax.set(xlabel="epoch", ylabel="accuracy", title="Accuracy", xticks=epochs)
    loss_ax.legend()
    acc_ax.legend()


def _filters(fig, cell, filters):
    """Each filter of the first layer as a small image: red weights push the output up."""
    columns = (len(filters) + 1) // 2
    sub = cell.subgridspec(2, columns)
    bound = np.abs(filters).max()
    for i, f in enumerate(filters):
        ax = fig.add_subplot(sub[i // columns, i % columns])
        ax.imshow(f, cmap="RdBu_r", vmin=-bound, vmax=bound)
        ax.set_title(f"filter {i}", fontsize=8)
        ax.axis("off")


def _mistakes(fig, cell, images, labels, predicted, count=12):
    """The first test digits the model got wrong, titled 'true -> predicted' in red."""
    wrong = np.flatnonzero(labels != predicted)[:count]
    sub = cell.subgridspec(3, 4)
    for k, i in enumerate(wrong):
        ax = fig.add_subplot(sub[k // 4, k % 4])
        ax.imshow(images[i], cmap="gray_r")
        ax.set_title(f"{labels[i]} -> {predicted[i]}", color="r", fontsize=9)
        ax.axis("off")
    if not len(wrong):
        ax = fig.add_subplot(cell)
        ax.text(0.5, 0.5, "no mistakes", ha="center", va="center")
        ax.axis("off")


def mnist_figure(name, history, images, labels, predicted, filters=None):
    """Save `name`.png: curves, the filters (if given) and the mistakes on the test set."""
    fig = figure(15 if filters is not None else 12, 4.2)
    if fig is None:
        return
    columns = [3, 3] + ([2.2] if filters is not None else []) + [3.4]
    grid = fig.add_gridspec(1, len(columns), width_ratios=columns)
    _curves(fig, [grid[0], grid[1]], history)
    if filters is not None:
        _filters(fig, grid[2], filters)
    _mistakes(fig, grid[-1], images, labels, predicted)
    wrong = int((labels != predicted).sum())
    fig.suptitle(
        f"{wrong} of {len(labels)} test digits wrong (shown: the first 12, true -> predicted)"
    )
    save(fig, name)
