"""The promise: a PyTorch program runs after `import deepling as torch`, and learns the same."""

from collections import OrderedDict

import numpy as np

import deepling as torch  # the only changed line of a PyTorch program
from deepling import nn
from tests.helpers import requires_torch

NN_NAMES = """Module Parameter Sequential ModuleList ModuleDict Linear Identity Flatten ReLU Sigmoid
Tanh Softmax LogSoftmax LeakyReLU ELU GELU Softplus SiLU Dropout BatchNorm1d BatchNorm2d
LayerNorm Embedding functional init utils""".split()
F_NAMES = """relu sigmoid tanh softmax log_softmax leaky_relu elu gelu softplus silu linear dropout
one_hot pad layer_norm batch_norm embedding""".split()
INIT_NAMES = """uniform_ normal_ zeros_ ones_ constant_ eye_ trunc_normal_ xavier_uniform_
xavier_normal_ kaiming_uniform_ kaiming_normal_ calculate_gain""".split()


def test_every_promised_name_exists():
    assert [n for n in NN_NAMES if not hasattr(torch.nn, n)] == []
    assert [n for n in F_NAMES if not hasattr(nn.functional, n)] == []
    assert [n for n in INIT_NAMES if not hasattr(nn.init, n)] == []
    assert hasattr(nn.utils, "clip_grad_norm_") and hasattr(nn.utils, "clip_grad_value_")


@requires_torch
def test_promised_names_exist_in_torch_too():
    import torch as real

    assert [n for n in NN_NAMES if not hasattr(real.nn, n)] == []
    assert [n for n in F_NAMES if not hasattr(real.nn.functional, n)] == []
    assert [n for n in INIT_NAMES if not hasattr(real.nn.init, n)] == []


class TwoLayerNet(nn.Module):
    def __init__(self, d_in, h, d_out):
        super().__init__()
        self.linear1 = nn.Linear(d_in, h)
        self.linear2 = nn.Linear(h, d_out)

    def forward(self, x):
        return self.linear2(self.linear1(x).clamp(min=0))


def _fit(lib, model, x, y, steps=60, lr=0.05):
    losses = []
    for _ in range(steps):
        loss = ((model(x) - y) ** 2).mean()
        model.zero_grad()
        loss.backward()
        with lib.no_grad():
            for p in model.parameters():
                p -= lr * p.grad
        losses.append(loss.item())
    return losses


def test_tutorial_two_layer_net_learns():
    torch.manual_seed(0)
    x, y = torch.randn(64, 10), torch.randn(64, 2)
    losses = _fit(torch, TwoLayerNet(10, 32, 2), x, y)
    assert losses[-1] < 0.8 * losses[0]


@requires_torch
def test_learns_the_same_as_torch_from_the_same_start():
    import torch as real

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(32, 4)).astype("f4"), rng.normal(size=(32, 1)).astype("f4")

    def build(lib):
        return lib.nn.Sequential(
            OrderedDict(
                fc=lib.nn.Linear(4, 8), norm=lib.nn.LayerNorm(8), act=lib.nn.Tanh(),
                bn=lib.nn.BatchNorm1d(8), out=lib.nn.Linear(8, 1),
            )
        )  # fmt: skip

    theirs, ours = build(real), build(torch)
    ours.load_state_dict(theirs.state_dict())
    t_losses = _fit(real, theirs, real.tensor(x), real.tensor(y), steps=20)
    losses = _fit(torch, ours, torch.tensor(x), torch.tensor(y), steps=20)
    np.testing.assert_allclose(losses, t_losses, rtol=1e-4)
    for key, value in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[key].numpy(), value.numpy(), atol=1e-5)
