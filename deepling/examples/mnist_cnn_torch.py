"""MNIST with a LeNet-style CNN, the PyTorch way: about 99% test accuracy in 4 epochs.

The digits lesson after the MLP: a convolutional network. A Conv2d layer slides small 5x5
filters over the image, so the same stroke detector works everywhere in it; MaxPool2d keeps
the strongest answer of each 2x2 block, halving the image; after two such stages, three
Linear layers decide. This is PyTorch tutorial code with `import torch` as
`import deepling as torch` and `torchvision` as `deepling.vision`.

The data is read through torchvision's `datasets.MNIST`, which finds the four files in
$DEEPLING_HOME/datasets/mnist/ (by default ~/.deepling/datasets/mnist/) or downloads them.
"""

import time

import numpy as np

import deepling as torch
import deepling.nn as nn
import deepling.nn.functional as F
from deepling.datasets import DatasetNotFoundError, data_home
from deepling.examples._common import epochs, samples
from deepling.examples._mnist import exit_missing
from deepling.examples._mnist_figure import mnist_figure
from deepling.utils.data import DataLoader, Subset
from deepling.vision import datasets, transforms


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, kernel_size=5, padding=2)  # 1x28x28 -> 6x28x28
        self.conv2 = nn.Conv2d(6, 16, kernel_size=5)  # 6x14x14 -> 16x10x10
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)  # one score per digit

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)  # -> 6x14x14
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)  # -> 16x5x5
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def load():
    # ToTensor: the 28x28 uint8 image -> a 1x28x28 float tensor in [0, 1]; Normalize with
    # MNIST's mean and standard deviation, so inputs are centred around 0.
    transform = transforms.Compose(
        [transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))]
    )
    root = str(data_home())
    try:
        train = datasets.MNIST(root, train=True, download=True, transform=transform)
        test = datasets.MNIST(root, train=False, download=True, transform=transform)
    except DatasetNotFoundError as e:
        exit_missing(e)
    n = samples(len(train))  # all 60,000 unless a quick run asks for fewer
    return (Subset(train, range(n)) if n < len(train) else train), test


def evaluate(model, loader):
    model.eval()  # no dropout or batch statistics here, but the habit matters
    total_loss, predicted = 0.0, []
    with torch.no_grad():  # no graph: faster, and no memory kept for a backward
        for x, y in loader:
            scores = model(x)
            total_loss += F.cross_entropy(scores, y, reduction="sum").item()
            predicted.append(scores.argmax(dim=1).numpy())
    return total_loss, np.concatenate(predicted)


def main():
    torch.manual_seed(0)
    train, test = load()
    print(f"training images {len(train)}, test images {len(test)}")
    # 128 images per step; a new random order every epoch.
    train_loader = DataLoader(train, batch_size=128, shuffle=True)
    test_loader = DataLoader(test, batch_size=1000)
    model = LeNet()
    print(model)
    print("parameters:", sum(p.numel() for p in model.parameters()))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.002)
    labels = test.targets.numpy()
    history = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
    start = time.perf_counter()
    for epoch in range(epochs(4)):
        model.train()
        seen = correct = 0
        total = 0.0
        for x, y in train_loader:
            scores = model(x)
            loss = F.cross_entropy(scores, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            seen += len(y)
            total += loss.item() * len(y)
            correct += (scores.argmax(dim=1) == y).sum().item()
        test_loss, predicted = evaluate(model, test_loader)
        history["loss"].append(total / seen)
        history["accuracy"].append(correct / seen)
        history["val_loss"].append(test_loss / len(labels))
        history["val_accuracy"].append(float((predicted == labels).mean()))
        print(f"epoch {epoch + 1}: loss {total / seen:.4f}, test accuracy "
              f"{history['val_accuracy'][-1]:.4f} ({time.perf_counter() - start:.1f} s)")  # fmt: skip
    took = time.perf_counter() - start
    print(f"test accuracy {history['val_accuracy'][-1]:.4f} (training took {took:.1f} s)")
    filters = model.conv1.weight.detach().numpy()[:, 0]  # (6, 5, 5): what the first layer sees
    images = test.data.numpy()
    mnist_figure("mnist_cnn_torch", history, images, labels, predicted, filters)


if __name__ == "__main__":
    main()
