"""The PyTorch face's checkpoint pattern under deepling-run: rank 0 saves model, optimizer and
epoch after each epoch; every rank loads it at the start. On the first start rank 1 is killed
in epoch 3 unless `--no-kill` is given. Saves rank 0's final weights."""

import os
import signal
import sys

import numpy as np
from common import classification, flat

import deepling as torch
import deepling.distributed as dist
from deepling import nn
from deepling.nn import functional as F
from deepling.nn.parallel import DistributedDataParallel as DDP
from deepling.utils.data import DataLoader, TensorDataset
from deepling.utils.data.distributed import DistributedSampler

out, kill = sys.argv[1], "--no-kill" not in sys.argv
checkpoint = f"{out}/checkpoint.safetensors"
dist.init_process_group("gloo")
rank = dist.get_rank()
torch.manual_seed(0)
x, y = classification(192)
data = TensorDataset(torch.tensor(x), torch.tensor(y))
model = nn.Sequential(nn.Linear(20, 16), nn.ReLU(), nn.Linear(16, 3))
opt = torch.optim.Adam(model.parameters(), lr=0.01)
start = 0
if os.path.exists(checkpoint):  # resume: every rank reads the same file
    state = torch.load(checkpoint)
    model.load_state_dict(state["model"])
    opt.load_state_dict(state["optimizer"])
    start = state["epoch"] + 1
ddp = DDP(model)
sampler = DistributedSampler(data, seed=1)
loader = DataLoader(data, batch_size=16, sampler=sampler)
for epoch in range(start, 5):
    sampler.set_epoch(epoch)
    for xb, yb in loader:
        if kill and os.environ["DEEPLING_RESTART_COUNT"] == "0" and rank == 1 and epoch == 2:
            os.kill(os.getpid(), signal.SIGKILL)
        opt.zero_grad()
        F.cross_entropy(ddp(xb), yb).backward()
        opt.step()
    if rank == 0:
        torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": epoch},
                   checkpoint)  # fmt: skip
    dist.barrier()  # nobody starts the next epoch before the checkpoint is whole
if rank == 0:
    np.save(f"{out}/weights.npy", flat(model.parameters()))
