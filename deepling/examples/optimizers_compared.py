"""SGD, momentum, Adagrad, RMSprop and Adam on one problem (seed 001).

A small network (13 -> 16 -> 3) learns five times to tell three wine cultivars apart from 13
chemical measurements. Every run starts from the same weights and sees the same mini-batches in
the same order, so the only difference is the update rule:
- SGD:       w <- w - lr * g                          (one step down the slope)
- momentum:  v <- 0.9 v + g;  w <- w - lr * v         (a ball rolling: past slopes keep it going)
- Adagrad:   s <- s + g^2;    w <- w - lr * g / sqrt(s)   (big steps first, then smaller)
- RMSprop:   s <- 0.99 s + 0.01 g^2; w <- w - lr * g / sqrt(s)   (Adagrad that forgets)
- Adam:      momentum and RMSprop together, with a correction for the first steps
Each uses PyTorch's usual learning rate for it; the learning rate matters as much as the rule
(try Adam with lr=0.01). The loss curves land on one plot.
"""

import numpy as np
from sklearn.model_selection import train_test_split

import deepling as torch
import deepling.nn as nn
import deepling.optim as optim
from deepling.datasets import load_wine
from deepling.examples._common import epochs, figure, save
from deepling.utils.data import DataLoader, TensorDataset

OPTIMIZERS = {
    "SGD": lambda params: optim.SGD(params, lr=0.01),
    "momentum": lambda params: optim.SGD(params, lr=0.01, momentum=0.9),
    "Adagrad": lambda params: optim.Adagrad(params, lr=0.01),
    "RMSprop": lambda params: optim.RMSprop(params, lr=0.01),
    "Adam": lambda params: optim.Adam(params, lr=0.001),
}


def load():
    """178 wines, 13 measurements each, 3 cultivars; 80% to train, 20% to test."""
    x, y = load_wine()
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=2023)
    # Standardize with the training set's mean and spread: proline is near 1000 and hue near 1,
    # and a single learning rate cannot suit both scales.
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
    return (
        torch.FloatTensor(x_train),
        torch.LongTensor(y_train),
        torch.FloatTensor(x_test),
        torch.LongTensor(y_test),
    )


def train(model, start, make_optimizer, data, n_epochs):
    """Train from the `start` weights; return the mean training loss of each epoch."""
    x_train, y_train = data
    model.load_state_dict(start)
    torch.manual_seed(0)  # the same shuffling for every optimizer
    loader = DataLoader(TensorDataset(x_train, y_train), batch_size=16, shuffle=True)
    optimizer = make_optimizer(model.parameters())
    loss_fn = nn.CrossEntropyLoss()
    curve = []
    for _ in range(n_epochs):
        total = 0.0
        for xb, yb in loader:  # a mini-batch of 16 wines per update
            loss = loss_fn(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
        curve.append(total / len(x_train))
    return curve


def accuracy(model, x, y):
    with torch.no_grad():  # no graph needed to evaluate
        return (torch.argmax(model(x), axis=1) == y).float().mean().item()


def main():
    x_train, y_train, x_test, y_test = load()
    torch.manual_seed(2023)
    model = nn.Sequential(nn.Linear(13, 16), nn.ReLU(), nn.Linear(16, 3))
    # A copy of the starting weights: each optimizer starts from exactly these.
    start = {k: v.detach().clone() for k, v in model.state_dict().items()}
    n_epochs = epochs(40)
    curves = {}
    print(f"{'optimizer':10} {'first loss':>11} {'last loss':>10} {'test accuracy':>14}")
    for name, make in OPTIMIZERS.items():
        curves[name] = train(model, start, make, (x_train, y_train), n_epochs)
        acc = accuracy(model, x_test, y_test)
        print(f"{name:10} {curves[name][0]:11.4f} {curves[name][-1]:10.4f} {acc:14.3f}")
    plot(curves)


def plot(curves):
    fig = figure(7, 4.5)
    if fig is None:
        return
    ax = fig.subplots()
    for name, curve in curves.items():
        ax.plot(np.arange(1, len(curve) + 1), curve, label=name)
    ax.set(
        yscale="log",
        xlabel="epoch",
        ylabel="training loss (cross-entropy)",
        title="One problem, five optimizers",
    )
    ax.grid(alpha=0.3)
    ax.legend()
    save(fig, "optimizers_compared")


if __name__ == "__main__":
    main()
