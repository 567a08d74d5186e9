"""The PyTorch quickstart (build, train, test, save, reload a classifier) with only the imports
changed, on synthetic 28x28 "images": noisy copies of 10 class prototypes instead of
FashionMNIST, so the test needs no download. Hidden layers are 128 wide (the quickstart's 512)
and 3 epochs, to keep the test fast."""

import subprocess
import sys

import numpy as np

import deepling as torch
from deepling import nn
from deepling.utils.data import DataLoader, TensorDataset

classes = [f"class {i}" for i in range(10)]


def synthetic_data(n, seed):
    rng = np.random.default_rng(seed)
    prototypes = np.random.default_rng(0).normal(0, 1, (10, 1, 28, 28)).astype(np.float32)
    labels = rng.integers(0, 10, n)
    images = prototypes[labels] + rng.normal(0, 2.0, (n, 1, 28, 28)).astype(np.float32)
    return TensorDataset(torch.from_numpy(images), torch.from_numpy(labels))


class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28 * 28, 128),
            nn.ReLU(),
            nn.Linear(128, 128),
            nn.ReLU(),
            nn.Linear(128, 10),
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits


device = "cuda" if torch.cuda.is_available() else "cpu"


def train(dataloader, model, loss_fn, optimizer):
    size = len(dataloader.dataset)
    model.train()
    for batch, (X, y) in enumerate(dataloader):
        X, y = X.to(device), y.to(device)
        pred = model(X)
        loss = loss_fn(pred, y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        if batch % 10 == 0:
            loss, current = loss.item(), (batch + 1) * len(X)
            print(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")


def test(dataloader, model, loss_fn):
    size = len(dataloader.dataset)
    num_batches = len(dataloader)
    model.eval()
    test_loss, correct = 0, 0
    with torch.no_grad():
        for X, y in dataloader:
            X, y = X.to(device), y.to(device)
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()
    test_loss /= num_batches
    correct /= size
    print(f"Test Error: \n Accuracy: {(100 * correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")
    return correct, test_loss


test.__test__ = False  # the quickstart's name; not a pytest test


def test_quickstart_trains_saves_and_reloads(tmp_path, capsys):
    torch.manual_seed(0)
    training_data, test_data = synthetic_data(2000, 1), synthetic_data(500, 2)
    batch_size = 64
    train_dataloader = DataLoader(training_data, batch_size=batch_size, shuffle=True)
    test_dataloader = DataLoader(test_data, batch_size=batch_size)
    for X, y in test_dataloader:
        print(f"Shape of X [N, C, H, W]: {X.shape}")
        print(f"Shape of y: {y.shape} {y.dtype}")
        break

    model = NeuralNetwork().to(device)
    print(model)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-2)
    epochs = 3
    results = []
    for t in range(epochs):
        print(f"Epoch {t + 1}\n-------------------------------")
        train(train_dataloader, model, loss_fn, optimizer)
        results.append(test(test_dataloader, model, loss_fn))
    print("Done!")

    path = str(tmp_path / "model.pth")
    torch.save(model.state_dict(), path)
    reloaded = NeuralNetwork().to(device)
    reloaded.load_state_dict(torch.load(path, weights_only=True))

    reloaded.eval()
    x, y = test_data[0][0], test_data[0][1]
    with torch.no_grad():
        x = x.to(device)
        pred = reloaded(x)
        predicted, actual = classes[pred[0].argmax(0)], classes[y]
        print(f'Predicted: "{predicted}", Actual: "{actual}"')
        X_all = test_data.tensors[0]
        np.testing.assert_array_equal(reloaded(X_all).numpy(), model(X_all).numpy())

    out = capsys.readouterr().out
    assert "Shape of X [N, C, H, W]: torch.Size([64, 1, 28, 28])" in out
    assert "Shape of y: torch.Size([64]) torch.int64" in out
    progress = [line for line in out.splitlines() if line.startswith("loss:")]
    assert len(progress) == epochs * 4  # batches 0, 10, 20, 30 of 32 per epoch
    assert progress[-1].endswith("[ 1984/ 2000]")
    accuracy, loss = results[-1]
    assert accuracy >= 0.9 and loss < results[0][1], results
    assert predicted == actual


def test_cuda_is_a_plain_answer_and_loads_nothing_at_import():
    assert isinstance(torch.cuda.is_available(), bool)
    assert torch.cuda.device_count() >= int(torch.cuda.is_available())
    code = "import sys, deepling; print(any(m.startswith('cupy') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
