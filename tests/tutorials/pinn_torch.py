"""Physics-informed network, PyTorch style: learn u(x) on [0, pi] with u'' = -sin(x) and
u(0) = u(pi) = 0 (the solution is sin x) from the equation alone, no samples of u.

The network's second derivative in x comes from torch.autograd.grad twice, each time with
create_graph=True, so that the loss on the residual can itself be differentiated with respect
to the weights.
"""

import math

import torch

torch.manual_seed(0)
model = torch.nn.Sequential(
    torch.nn.Linear(1, 16),
    torch.nn.Tanh(),
    torch.nn.Linear(16, 16),
    torch.nn.Tanh(),
    torch.nn.Linear(16, 1),
)
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)

x = torch.linspace(0, math.pi, 32).reshape(-1, 1).requires_grad_(True)  # collocation points
edges = torch.tensor([[0.0], [math.pi]])

history = []
for step in range(300):
    u = model(x)
    du = torch.autograd.grad(u, x, grad_outputs=torch.ones_like(u), create_graph=True)[0]
    d2u = torch.autograd.grad(du, x, grad_outputs=torch.ones_like(du), create_graph=True)[0]
    residual = d2u + torch.sin(x)
    loss = (residual**2).mean() + (model(edges) ** 2).mean()

    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    history.append(loss.item())
    if step % 100 == 0:
        print(f"step {step:4d}  loss {loss.item():.6f}")

with torch.no_grad():
    u_mid = model(torch.tensor([[math.pi / 2]])).item()
    grid = torch.linspace(0, math.pi, 9).reshape(-1, 1)
    max_error = (model(grid) - torch.sin(grid)).abs().max().item()
print(f"u(pi/2) = {u_mid:.4f} (exact 1), largest error on the grid {max_error:.4f}")
