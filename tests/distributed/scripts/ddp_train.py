"""DDP + DistributedSampler for three epochs (the last with no_sync gradient accumulation);
each rank saves its weights, rank 0 also the weights of one process trained on the union of
the ranks' batches from the same start."""

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

EPOCHS, BATCH = 3, 16


def make_model():
    return nn.Sequential(nn.Linear(20, 32), nn.Tanh(), nn.Linear(32, 3))


def train(model, batches_per_epoch, sync_steps):
    """SGD with momentum; in the last epoch every other step accumulates without syncing."""
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for epoch in range(EPOCHS):
        for step, (x, y) in enumerate(batches_per_epoch(epoch)):
            accumulate = epoch == EPOCHS - 1 and step % 2 == 0
            with sync_steps(accumulate):
                loss = F.cross_entropy(model(x), y)
                loss.backward()
            if not accumulate:
                opt.step()
                opt.zero_grad()


out = sys.argv[1]
dist.init_process_group("gloo")
rank, world = dist.get_rank(), dist.get_world_size()
x, y = classification()
data = TensorDataset(torch.tensor(x), torch.tensor(y))

torch.manual_seed(100 + rank)  # different starts: DDP must give every rank rank 0's
model = DDP(make_model())
sampler = DistributedSampler(data, seed=3)
loader = DataLoader(data, batch_size=BATCH, sampler=sampler)


def mine(epoch):
    sampler.set_epoch(epoch)
    return iter(loader)


def accumulate_locally(accumulate):
    return model.no_sync() if accumulate else _Nothing()


class _Nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


torch.manual_seed(100)
start = flat(make_model().parameters())
train(model, mine, accumulate_locally)
np.save(f"{out}/w{rank}.npy", flat(model.module.parameters()))

if rank == 0:  # one process, the union of the ranks' batches, rank 0's start
    torch.manual_seed(100)
    single = make_model()
    assert np.array_equal(flat(single.parameters()), start)
    samplers = [DistributedSampler(data, world, r, seed=3) for r in range(world)]

    def union(epoch):
        orders = []
        for s in samplers:
            s.set_epoch(epoch)
            orders.append(np.array(list(s)))
        for i in range(0, len(orders[0]), BATCH):
            idx = np.concatenate([o[i : i + BATCH] for o in orders])
            yield torch.tensor(x[idx]), torch.tensor(y[idx])

    train(single, union, lambda accumulate: _Nothing())
    np.save(f"{out}/single.npy", flat(single.parameters()))
