"""Perceptron gates AND/OR/NAND, and why XOR needs a hidden layer (seed 003).

A perceptron outputs 1 when w1 * x1 + w2 * x2 + b > 0, and 0 otherwise: it cuts the plane of
inputs with one straight line. AND, OR and NAND each put their 1s on one side of a line, so
weights chosen by hand do it. XOR puts (0,1) and (1,0) on one side and (0,0) and (1,1) on the
other; no single line does that. Two layers do: XOR(a, b) = AND(NAND(a, b), OR(a, b)).
Then the same lesson by training: one layer cannot learn XOR, a small network with a hidden
layer can.
"""

import numpy as np

import deepling as torch
import deepling.nn as nn
import deepling.optim as optim
from deepling.examples._common import epochs, figure, save

INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
XOR = np.array([0, 1, 1, 0], dtype=np.float32)


def perceptron(w1, w2, b):
    """A gate from a weight per input and a bias (the threshold, moved to the left side)."""

    def gate(x1, x2):
        return int(w1 * x1 + w2 * x2 + b > 0)  # the step function: 1 above the line, else 0

    return gate


AND = perceptron(1.0, 1.0, -1.5)  # only 1 + 1 gets above 1.5
OR = perceptron(1.0, 1.0, -0.5)  # any single 1 gets above 0.5
NAND = perceptron(-1.0, -1.0, 1.5)  # AND with every sign flipped: NOT AND


def xor(x1, x2):
    """Two layers: NAND and OR look at the inputs, AND looks at their outputs."""
    return AND(NAND(x1, x2), OR(x1, x2))


def truth_tables():
    print(" x1 x2 | AND OR NAND | XOR = AND(NAND, OR)")
    for x1, x2 in INPUTS.astype(int):
        print(f"  {x1}  {x2} |  {AND(x1, x2)}   {OR(x1, x2)}   {NAND(x1, x2)}   |  {xor(x1, x2)}")


def train(model, n_epochs, lr):
    """Fit `model` to XOR with full-batch Adam; return the final accuracy on the four inputs."""
    x, y = torch.tensor(INPUTS), torch.tensor(XOR).reshape(4, 1)
    optimizer = optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.BCEWithLogitsLoss()  # sigmoid + binary cross-entropy, in one stable step
    for _ in range(n_epochs):
        loss = loss_fn(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        predicted = (model(x) > 0).float()  # logit > 0 means probability > 0.5
    print(
        f"  predictions for (0,0) (0,1) (1,0) (1,1): {predicted.numpy().ravel()}, "
        f"loss {loss.item():.4f}"
    )
    return (predicted.reshape(-1) == torch.tensor(XOR)).float().mean().item()


def learn_xor(n_epochs):
    torch.manual_seed(0)
    print("one layer (2 -> 1), trained on XOR:")
    single = nn.Linear(2, 1)
    acc = train(single, n_epochs, lr=0.1)
    print(f"  accuracy {acc:.2f}: one straight line gets at most 3 of the 4 right")
    print("hidden layer (2 -> 4 -> 1, tanh), trained on XOR:")
    mlp = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))
    acc = train(mlp, n_epochs, lr=0.1)
    print(f"  accuracy {acc:.2f}: the hidden layer bends the boundary")
    return single, mlp


def plot(single, mlp):
    fig = figure(9, 4)
    if fig is None:
        return
    grid = np.linspace(-0.5, 1.5, 201, dtype=np.float32)
    gx, gy = np.meshgrid(grid, grid)
    points = torch.tensor(np.stack([gx.ravel(), gy.ravel()], axis=1))
    for ax, model, title in zip(fig.subplots(1, 2), (single, mlp), ("one layer", "hidden layer")):
        with torch.no_grad():
            side = (model(points) > 0).numpy().reshape(gx.shape)
        ax.contourf(gx, gy, side, levels=[-0.5, 0.5, 1.5], colors=["#dde", "#fdd"])
        for value, color in ((0, "#36c"), (1, "#c33")):
            at = np.asarray(XOR).ravel() == value
            ax.scatter(INPUTS[at, 0], INPUTS[at, 1], color=color, s=120, edgecolors="k",
                       label=f"XOR = {value}")  # fmt: skip
        # The shaded regions are what the model predicts: proxies give them legend entries.
        ax.fill_between([], [], color="#dde", label="predicts 0")
        ax.fill_between([], [], color="#fdd", label="predicts 1")
        ax.set(title=f"XOR, {title}", xlabel="x1", ylabel="x2", aspect="equal")
        ax.legend(loc="center", fontsize=8, framealpha=0.9)
    save(fig, "perceptron_gates")


def main():
    truth_tables()
    single, mlp = learn_xor(epochs(500))
    plot(single, mlp)


if __name__ == "__main__":
    main()
