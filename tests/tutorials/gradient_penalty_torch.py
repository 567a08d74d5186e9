"""A WGAN-GP critic, PyTorch style: estimate the Wasserstein-1 distance between two clouds of
2-D points (a ring and a blob) with a small critic whose gradient norm is pushed towards 1 by
the gradient penalty of Gulrajani et al. (2017).

The penalty differentiates the critic's input gradient, so that gradient is taken with
torch.autograd.grad(..., create_graph=True) at random points between real and fake samples.
"""

import math

import torch
from torch import nn

torch.manual_seed(0)


def real_batch(n):
    """Points on a ring of radius 2, with a little noise."""
    angle = torch.rand(n, 1) * 2 * math.pi
    return torch.cat([torch.cos(angle), torch.sin(angle)], dim=1) * 2 + 0.05 * torch.randn(n, 2)


def fake_batch(n):
    """A blob around (0.5, 0): what an untrained generator might produce."""
    return 0.3 * torch.randn(n, 2) + torch.tensor([0.5, 0.0])


critic = nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 1))
optimizer = torch.optim.Adam(critic.parameters(), lr=1e-3, betas=(0.5, 0.9))
gp_weight = 10.0

penalties, grad_norms, distances = [], [], []
for step in range(300):
    real, fake = real_batch(64), fake_batch(64)
    eps = torch.rand(64, 1)
    x_hat = (eps * real + (1 - eps) * fake).requires_grad_(True)
    d_hat = critic(x_hat)
    grads = torch.autograd.grad(
        outputs=d_hat, inputs=x_hat, grad_outputs=torch.ones_like(d_hat), create_graph=True
    )[0]
    norms = torch.sqrt((grads**2).sum(dim=1) + 1e-12)
    penalty = ((norms - 1) ** 2).mean()
    distance = critic(real).mean() - critic(fake).mean()
    loss = -distance + gp_weight * penalty

    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    penalties.append(penalty.item())
    grad_norms.append(norms.mean().item())
    distances.append(distance.item())
    if step % 100 == 0:
        print(f"step {step:4d}  W-distance {distance.item():.4f}  penalty {penalty.item():.5f}")

print(f"mean gradient norm at interpolates: {sum(grad_norms[-20:]) / 20:.4f} (target 1)")
