"""Seed 001 (logistic, softmax and wine classification) with only the imports changed.

The programs below are the seed's, line for line, under `import deepling as torch`; plotting is
dropped. Our random init differs from PyTorch's, so the checks are the seed's outcomes
(classes predicted, accuracy reached), plus one run from PyTorch's own init compared number
for number.
"""

import numpy as np
import pytest

import deepling as torch
import deepling.nn as nn
import deepling.optim as optim
from tests.helpers import requires_torch

SEQUENTIAL_REPR = """Sequential(
  (0): Linear(in_features=1, out_features=1, bias=True)
  (1): Sigmoid()
)"""


def logistic_program(init=None):
    torch.manual_seed(10)
    x_train = torch.FloatTensor([[0], [1], [5], [9], [11], [15], [20]])
    y_train = torch.FloatTensor([[0], [0], [0], [0], [1], [1], [1]])
    print(x_train.shape, y_train.shape)
    model = nn.Sequential(nn.Linear(1, 1), nn.Sigmoid())
    if init is not None:
        model.load_state_dict(init)
    start = {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}
    print(model)
    print(list(model.parameters()))
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    epochs = 1000
    for epoch in range(epochs + 1):
        y_pred = model(x_train)
        loss = nn.BCELoss()(y_pred, y_train)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if epoch % 100 == 0:
            print(f"Epoch: {epoch}/{epochs} Loss: {loss: 6f}")
    x_test = torch.FloatTensor([[2.5], [15.5]])
    y_pred = model(x_test)
    y_bool = (y_pred >= 0.5).float()
    print(y_bool)
    return model, start, y_bool


def softmax_program(init=None):
    torch.manual_seed(10)  # the seed's session continues from above; reseed to stand alone
    x_train = [[1, 2, 1, 1], [2, 1, 3, 2], [3, 1, 3, 4], [4, 1, 5, 5],
               [1, 7, 5, 5], [1, 2, 5, 6], [1, 6, 6, 6], [1, 7, 7, 7]]  # fmt: skip
    y_train = [0, 0, 0, 1, 1, 1, 2, 2]
    x_train = torch.FloatTensor(x_train)
    y_train = torch.LongTensor(y_train)
    model = nn.Sequential(nn.Linear(4, 3))
    if init is not None:
        model.load_state_dict(init)
    start = {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    epochs = 1000
    for epoch in range(epochs + 1):
        y_pred = model(x_train)
        loss = nn.CrossEntropyLoss()(y_pred, y_train)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if epoch % 100 == 0:
            print(f"Epoch: {epoch}/{epochs} Loss: {loss: 6f}")
    x_test = torch.FloatTensor([[1, 2, 5, 6]])
    y_pred = model(x_test)
    y_prob = nn.Softmax(1)(y_pred)
    print(f"1일 확률: {y_prob[0][1]:.2f}")
    return model, start, y_prob, torch.argmax(y_prob, axis=1)


def test_logistic_regression(capsys):
    _, _, y_bool = logistic_program()
    out = capsys.readouterr().out
    assert out.startswith("torch.Size([7, 1]) torch.Size([7, 1])\n")
    assert SEQUENTIAL_REPR in out
    assert "[Parameter containing:\ntensor([[" in out
    losses = [float(line.split("Loss:")[1]) for line in out.splitlines() if "Loss:" in line]
    assert len(losses) == 11 and losses[-1] < losses[0]
    assert y_bool.tolist() == [[0.0], [1.0]]


def test_softmax_regression_predicts_class_1(capsys):
    _, _, y_prob, index = softmax_program()
    assert index.tolist() == [1]
    assert abs(y_prob.sum().item() - 1) < 1e-6 and y_prob[0][1].item() > 0.5
    losses = [float(line.split("Loss:")[1]) for line in capsys.readouterr().out.splitlines()[:-1]]
    assert len(losses) == 11 and losses[-1] < 0.5 * losses[0]


@requires_torch
@pytest.mark.parametrize("program", [logistic_program, softmax_program])
def test_same_numbers_as_pytorch_from_pytorchs_init(program, capsys):
    """From PyTorch's initial weights, deepling's run ends where PyTorch's run ends."""
    import torch as real_torch

    theirs, start = _with_modules((real_torch, real_torch.nn, real_torch.optim), program)[:2]
    ours = program(init={k: torch.tensor(v) for k, v in start.items()})[0]
    for (name, a), b in zip(ours.state_dict().items(), theirs.state_dict().values()):
        np.testing.assert_allclose(
            a.numpy(), b.detach().numpy(), rtol=1e-4, atol=1e-5, err_msg=name
        )


def _with_modules(modules, program):
    """Run `program` with `torch`, `nn`, `optim` bound to other modules (real PyTorch)."""
    global torch, nn, optim
    saved, threads = (torch, nn, optim), modules[0].get_num_threads()
    torch, nn, optim = modules
    torch.set_num_threads(1)  # tiny ops: PyTorch's thread pool only slows them (10x when busy)
    try:
        return program()
    finally:
        torch.set_num_threads(threads)
        torch, nn, optim = saved


def test_wine_adam_reaches_85_percent(capsys):
    from sklearn.datasets import load_wine
    from sklearn.model_selection import train_test_split

    data = load_wine()
    onehot = np.eye(3, dtype=np.float32)[data.target]
    x_train, x_test, y_train, y_test = train_test_split(
        data.data, onehot, test_size=0.2, random_state=2023
    )
    x_train, x_test = torch.FloatTensor(x_train), torch.FloatTensor(x_test)
    y_train, y_test = torch.FloatTensor(y_train), torch.FloatTensor(y_test)

    torch.manual_seed(2023)
    model = nn.Sequential(nn.Linear(13, 3))
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    epochs = 1000
    for epoch in range(epochs + 1):
        y_pred = model(x_train)
        loss = nn.CrossEntropyLoss()(y_pred, y_train)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if epoch % 100 == 0:
            y_prob = nn.Softmax(1)(y_pred)
            y_pred_index = torch.argmax(y_prob, axis=1)
            y_train_index = torch.argmax(y_train, axis=1)
            accuracy = (y_train_index == y_pred_index).float().sum() / len(y_train) * 100
            print(f"Epoch {epoch:4d}/{epochs} Loss: {loss:.6f} Accuracy: {accuracy:.2f}%")

    y_pred = model(x_test)
    y_prob = nn.Softmax(1)(y_pred)
    print(f"0번 품종일 확률: {y_prob[0][0]: .2f}")
    y_pred_index = torch.argmax(y_prob, axis=1)
    y_test_index = torch.argmax(y_test, axis=1)
    accuracy = (y_test_index == y_pred_index).float().sum() / len(y_test) * 100
    print(f"테스트 정확도는 {accuracy:.2f}% 입니다")
    assert len(y_test) == 36 and accuracy.item() >= 85.0
    assert "Epoch 1000/1000" in capsys.readouterr().out
