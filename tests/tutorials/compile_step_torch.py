"""In the style of PyTorch's "Introduction to torch.compile": compile a whole training step
(zero_grad, forward, loss, backward, optimizer step) and a model for inference, check that the
compiled versions give the eager numbers, and train. Three classes of points in the plane,
drawn here (no download). Written for PyTorch; the test runs it with deepling's imports."""

import copy
import time

import numpy as np
import torch
from torch import nn

torch.manual_seed(0)
rng = np.random.default_rng(0)
centers = np.array([[0.0, 2.0], [2.0, -1.0], [-2.0, -1.0]])
labels = rng.integers(0, 3, 1200)
points = centers[labels] + rng.normal(0, 0.8, (1200, 2))
x_all = torch.tensor(points, dtype=torch.float32)
y_all = torch.tensor(labels, dtype=torch.int64)
x_train, y_train, x_test, y_test = x_all[:1000], y_all[:1000], x_all[1000:], y_all[1000:]


def make_model():
    return nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Dropout(0.1), nn.Linear(32, 3))


model = make_model()
eager_model = copy.deepcopy(model)
opt = torch.optim.Adam(model.parameters(), lr=0.01)
eager_opt = torch.optim.Adam(eager_model.parameters(), lr=0.01)
loss_fn = nn.CrossEntropyLoss()


def train_step(net, optimizer, x, y):
    optimizer.zero_grad()
    loss = loss_fn(net(x), y)
    loss.backward()
    optimizer.step()
    return loss


opt_train_step = torch.compile(train_step)

# the compiled step gives the eager numbers (the same dropout masks: the same seed)
same = []
for i in range(5):
    x, y = x_train[i * 100 : (i + 1) * 100], y_train[i * 100 : (i + 1) * 100]
    torch.manual_seed(i)
    eager_loss = train_step(eager_model, eager_opt, x, y).item()
    torch.manual_seed(i)
    compiled_loss = opt_train_step(model, opt, x, y).item()
    same.append(abs(eager_loss - compiled_loss) <= 1e-6 * max(1.0, abs(eager_loss)))
print("compiled matches eager:", all(same))

losses, start = [], time.perf_counter()
for _ in range(20):
    order = torch.randperm(1000)
    for i in range(0, 1000, 50):
        batch = order[i : i + 50]
        losses.append(opt_train_step(model, opt, x_train[batch], y_train[batch]).item())
print(
    f"trained 20 epochs in {time.perf_counter() - start:.2f} s, loss {losses[0]:.3f} -> {losses[-1]:.3f}"
)

model.eval()
opt_model = torch.compile(model)
with torch.no_grad():
    predictions = [opt_model(x_test[i : i + 50]).argmax(1) for i in range(0, 200, 50)]
    eager_predictions = [model(x_test[i : i + 50]).argmax(1) for i in range(0, 200, 50)]
accuracy = float((torch.cat(predictions) == y_test).float().mean())
agree = all(bool((a == b).all()) for a, b in zip(predictions, eager_predictions))
print(f"test accuracy {accuracy:.3f}; compiled inference agrees with eager: {agree}")
