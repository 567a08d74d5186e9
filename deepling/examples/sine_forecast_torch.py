"""Time-series forecasting with an LSTM (PyTorch face): a noisy sine wave, next value from the last 30.

PyTorch tutorial code with `import torch` changed to `import deepling as torch`. The series is
cut into windows of 30 steps; an `nn.LSTM` reads each window and a `Linear` layer turns its
last hidden state into the next value. Trained on the first 80% of the series, it forecasts
the last 20%: one step ahead from true values, and then by feeding its own forecasts back.
"""

import numpy as np

import deepling as torch
import deepling.nn as nn
from deepling.examples._common import epochs, figure, save
from deepling.examples._sine import WINDOW, make_series, plot_forecasts
from deepling.examples._sine import windows as array_windows


def windows(series):
    """(samples, WINDOW, 1) inputs and (samples, 1) next values, as tensors."""
    x, y = array_windows(series)
    return torch.tensor(x), torch.tensor(y)


class Forecaster(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.lstm = nn.LSTM(input_size=1, hidden_size=hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x):
        out, (h_n, c_n) = self.lstm(x)  # out: (batch, WINDOW, hidden); h_n: (1, batch, hidden)
        return self.head(out[:, -1])  # the last step's hidden state -> the next value


def main():
    torch.manual_seed(0)
    series = make_series()
    split = int(len(series) * 0.8)
    x_train, y_train = windows(series[:split])
    x_test, y_test = windows(series[split - WINDOW :])
    model = Forecaster()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.MSELoss()
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(x_train, y_train), batch_size=64, shuffle=True
    )
    n_epochs = epochs(15)
    for epoch in range(1, n_epochs + 1):
        total = 0.0
        for xb, yb in loader:
            loss = loss_fn(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
        print(f"epoch {epoch}/{n_epochs}  train MSE {total / len(x_train):.4f}")
    model.eval()
    with torch.no_grad():
        one_step = model(x_test).numpy().ravel()
        history = list(series[split - WINDOW : split])  # then feed forecasts back
        rolled = []
        for _ in range(len(y_test)):
            nxt = model(torch.tensor(np.array(history[-WINDOW:], np.float32)[None, :, None]))
            rolled.append(nxt.item())
            history.append(rolled[-1])
    truth = y_test.numpy().ravel()
    print(f"test MSE one step ahead: {np.mean((one_step - truth) ** 2):.4f}")
    print(
        f"test MSE of the first 50 rolled forecasts: {np.mean((rolled[:50] - truth[:50]) ** 2):.4f}"
    )
    print(f"noise variance (the floor): {0.1**2:.4f}")
    plot(series, split, one_step, rolled)


def plot(series, split, one_step, rolled):
    fig = figure(9, 4)
    if fig is None:
        return
    ax = fig.subplots()
    forecasts = {"forecast, one step ahead": one_step, "forecast, fed back": rolled}
    plot_forecasts(ax, series, split, forecasts, "LSTM forecast (PyTorch face)")
    save(fig, "sine_forecast_torch")


if __name__ == "__main__":
    main()
