# A feed-forward MNIST classifier on `device`, as PyTorch tutorials write it, reading the
# original IDX files (MNIST_DIR) with gzip and NumPy instead of torchvision.
import gzip
import os

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

device = "cuda" if torch.cuda.is_available() else "cpu"
torch.manual_seed(1)
DATA_DIR = os.environ.get("MNIST_DIR", "data/MNIST/raw")
N_TRAIN, N_TEST, EPOCHS = 8000, 2000, 2


def read_images(name, n):
    with gzip.open(os.path.join(DATA_DIR, name)) as f:
        data = np.frombuffer(f.read(), np.uint8, offset=16)
    return data.reshape(-1, 28, 28)[:n]


def read_labels(name, n):
    with gzip.open(os.path.join(DATA_DIR, name)) as f:
        return np.frombuffer(f.read(), np.uint8, offset=8)[:n]


def as_dataset(images, labels):
    x = torch.from_numpy(images.astype(np.float32) / 255.0)
    x = (x - 0.1307) / 0.3081  # the usual MNIST normalization
    return TensorDataset(x.unsqueeze(1), torch.from_numpy(labels.astype(np.int64)))


train_set = as_dataset(read_images("train-images-idx3-ubyte.gz", N_TRAIN),
                       read_labels("train-labels-idx1-ubyte.gz", N_TRAIN))  # fmt: skip
test_set = as_dataset(read_images("t10k-images-idx3-ubyte.gz", N_TEST),
                      read_labels("t10k-labels-idx1-ubyte.gz", N_TEST))  # fmt: skip
train_loader = DataLoader(train_set, batch_size=64, shuffle=True)
test_loader = DataLoader(test_set, batch_size=500)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(28 * 28, 256)
        self.dropout = nn.Dropout(0.2)
        self.fc2 = nn.Linear(256, 10)

    def forward(self, x):
        x = torch.flatten(x, 1)
        x = self.dropout(F.relu(self.fc1(x)))
        return F.log_softmax(self.fc2(x), dim=1)


def train(model, device, train_loader, optimizer, epoch):
    model.train()
    for batch_idx, (data, target) in enumerate(train_loader):
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        if batch_idx % 50 == 0:
            print(f"Train Epoch: {epoch} [{batch_idx * len(data)}/{len(train_loader.dataset)}]"
                  f"\tLoss: {loss.item():.6f}")  # fmt: skip


def test(model, device, test_loader):
    model.eval()
    test_loss, correct = 0.0, 0
    with torch.no_grad():
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            test_loss += F.nll_loss(output, target, reduction="sum").item()
            pred = output.argmax(dim=1, keepdim=True)
            correct += pred.eq(target.view_as(pred)).sum().item()
    test_loss /= len(test_loader.dataset)
    accuracy = correct / len(test_loader.dataset)
    print(f"Test set: Average loss: {test_loss:.4f}, Accuracy: {100.0 * accuracy:.1f}%")
    return test_loss, accuracy


model = Net().to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.7)
history = [test(model, device, test_loader)]
for epoch in range(1, EPOCHS + 1):
    train(model, device, train_loader, optimizer, epoch)
    history.append(test(model, device, test_loader))
    scheduler.step()
