# A PyTorch data-parallel tutorial: DDP + DistributedSampler on a toy problem, run with
# `torchrun --nproc_per_node 2 ddp_torch.py` (deepling: `deepling-run -n 2 ddp_torch.py`).
import numpy as np
import torch
import torch.distributed as dist
import torch.nn as nn
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.data.distributed import DistributedSampler

dist.init_process_group(backend="gloo")
rank = dist.get_rank()
torch.manual_seed(0)

rng = np.random.default_rng(0)
X = rng.normal(size=(512, 10)).astype(np.float32)
y = (X[:, :3].sum(axis=1) > 0).astype(np.int64)
dataset = TensorDataset(torch.from_numpy(X), torch.from_numpy(y))
sampler = DistributedSampler(dataset, shuffle=True)
loader = DataLoader(dataset, batch_size=32, sampler=sampler)

model = DDP(nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 2)))
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
criterion = nn.CrossEntropyLoss()

losses = []
for epoch in range(10):
    sampler.set_epoch(epoch)
    total = torch.zeros(2)
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += torch.tensor([loss.item() * len(yb), len(yb)])
    dist.all_reduce(total)  # the epoch's mean loss over all ranks
    losses.append((total[0] / total[1]).item())
    if rank == 0:
        print(f"epoch {epoch}: loss {losses[-1]:.4f}")

with torch.no_grad():
    accuracy = (model(torch.from_numpy(X)).argmax(dim=1) == torch.from_numpy(y)).float().mean()
if rank == 0:
    print(f"first loss {losses[0]:.4f} last loss {losses[-1]:.4f} accuracy {accuracy.item():.4f}")
dist.destroy_process_group()
