"""A small CNN, PyTorch style: tell vertical bars from horizontal bars and crosses in noisy
16x16 images. Conv2d + BatchNorm2d + ReLU + MaxPool2d twice, Dropout2d, global average
pooling, a Linear layer; a DataLoader over a TensorDataset; Adam; eval mode to test."""

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)


def make_images(n):
    """n noisy images with a bar (class 0: vertical, 1: horizontal, 2: both, a cross)."""
    labels = torch.randint(0, 3, (n,))
    images = 0.3 * torch.randn(n, 1, 16, 16)
    where = torch.randint(3, 13, (n,))
    for i in range(n):  # building the toy data set, not the model: a loop is fine here
        if labels[i] != 1:
            images[i, 0, :, where[i]] += 1.0
        if labels[i] != 0:
            images[i, 0, where[i], :] += 1.0
    return images, labels


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 16, 3, padding="same")
        self.bn2 = nn.BatchNorm2d(16)
        self.drop = nn.Dropout2d(0.1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 3)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)  # 8 x 8 x 8
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)  # 16 x 4 x 4
        x = self.pool(self.drop(x)).flatten(1)
        return self.fc(x)


train_x, train_y = make_images(600)
test_x, test_y = make_images(200)
loader = DataLoader(TensorDataset(train_x, train_y), batch_size=32, shuffle=True)
model = Net()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
history = []
for epoch in range(6):
    model.train()
    total = 0.0
    for x, y in loader:
        loss = F.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(y)
    history.append(total / len(train_y))
    print(f"epoch {epoch}: loss {history[-1]:.4f}")

model.eval()
with torch.no_grad():
    accuracy = (model(test_x).argmax(dim=1) == test_y).float().mean().item()
print(f"test accuracy {accuracy:.3f}")
