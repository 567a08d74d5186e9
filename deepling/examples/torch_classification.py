"""PyTorch logistic and softmax regression (seed 001).

PyTorch tutorial code in which `import torch` became `import deepling as torch` (and the same
for `torch.nn` and `torch.optim`). The loop is PyTorch's: forward, loss, zero_grad, backward,
step. Logistic regression gives one probability (sigmoid, binary cross-entropy); softmax
regression gives one probability per class (softmax, cross-entropy).
"""

import numpy as np

import deepling as torch
import deepling.nn as nn
import deepling.optim as optim
from deepling.examples._common import epochs, figure, save


def logistic(n_epochs):
    torch.manual_seed(10)  # the same random starting weights on every run
    x_train = torch.FloatTensor([[0], [1], [5], [9], [11], [15], [20]])  # hours of study
    y_train = torch.FloatTensor([[0], [0], [0], [0], [1], [1], [1]])  # passed from 11 hours
    print(x_train.shape, y_train.shape)
    # Sequential chains layers: a linear map w * x + b, then a sigmoid into (0, 1).
    model = nn.Sequential(nn.Linear(1, 1), nn.Sigmoid())
    print(model)
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    losses = []
    for epoch in range(n_epochs + 1):
        y_pred = model(x_train)
        loss = nn.BCELoss()(y_pred, y_train)  # binary cross-entropy
        optimizer.zero_grad()  # gradients add up in .grad: clear last step's first
        loss.backward()  # fill .grad of every parameter
        optimizer.step()  # w <- w - lr * w.grad
        losses.append(loss.item())
        if epoch % 100 == 0:
            print(f"Epoch: {epoch}/{n_epochs} Loss: {loss: 6f}")
    print(list(model.parameters()))
    x_test = torch.FloatTensor([[2.5], [15.5]])
    y_pred = model(x_test)
    y_bool = (y_pred >= 0.5).float()  # probability >= 0.5 -> predict "pass"
    print("P(pass) for 2.5 and 15.5 hours:", y_pred.detach().numpy().ravel())
    print("predicted classes:", y_bool.numpy().ravel())
    return losses


def softmax(n_epochs):
    torch.manual_seed(10)
    x_train = [
        [1, 2, 1, 1],
        [2, 1, 3, 2],
        [3, 1, 3, 4],
        [4, 1, 5, 5],
        [1, 7, 5, 5],
        [1, 2, 5, 6],
        [1, 6, 6, 6],
        [1, 7, 7, 7],
    ]
    y_train = [0, 0, 0, 1, 1, 1, 2, 2]  # three classes
    x_train = torch.FloatTensor(x_train)
    y_train = torch.LongTensor(y_train)  # class indices are integers
    model = nn.Sequential(nn.Linear(4, 3))  # 4 inputs -> one score (logit) per class
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    losses = []
    for epoch in range(n_epochs + 1):
        y_pred = model(x_train)
        # CrossEntropyLoss applies the softmax itself: give it raw scores, not probabilities.
        loss = nn.CrossEntropyLoss()(y_pred, y_train)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if epoch % 100 == 0:
            print(f"Epoch: {epoch}/{n_epochs} Loss: {loss: 6f}")
    x_test = torch.FloatTensor([[1, 2, 5, 6]])
    y_prob = nn.Softmax(1)(model(x_test))  # scores -> probabilities that sum to 1
    for k in range(3):
        print(f"probability of class {k}: {y_prob[0][k]:.2f}")
    print("predicted class:", torch.argmax(y_prob, axis=1).item())
    return losses


def moving_average(values, window=25):
    """The mean of each `window` consecutive values: the trend without the step-to-step wobble."""
    kernel = np.ones(window) / window
    return np.convolve(values, kernel, mode="valid")


def plot(logistic_losses, softmax_losses):
    fig = figure(6, 4)
    if fig is None:
        return
    ax = fig.subplots()
    for losses, label, color in ((logistic_losses, "logistic (BCELoss)", "C0"),
                                 (softmax_losses, "softmax (CrossEntropyLoss)", "C1")):  # fmt: skip
        # The softmax loss wobbles from epoch to epoch (SGD with lr 0.1 overshoots a little
        # each step), which drawn raw looks like a thick band: draw it thin and light, and
        # its moving average on top.
        ax.plot(losses, color=color, alpha=0.3, linewidth=0.8)
        window = 25
        ax.plot(np.arange(window - 1, len(losses)), moving_average(losses, window), color=color,
                label=f"{label}, moving average over {window} epochs")  # fmt: skip
    ax.set(xlabel="epoch", ylabel="loss", title="Training loss (light: every epoch)")
    ax.legend()
    save(fig, "torch_classification")


def main():
    logistic_losses = logistic(epochs(1000))
    softmax_losses = softmax(epochs(1000))
    plot(logistic_losses, softmax_losses)


if __name__ == "__main__":
    main()
