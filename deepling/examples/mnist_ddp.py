"""MNIST on several processes with PyTorch's DistributedDataParallel and DistributedSampler.

Run it on 2 processes with `deepling-run -n 2 -m deepling.examples.mnist_ddp` (on one, it
trains as a plain program). Every process builds the same MLP; DistributedDataParallel copies
rank 0's weights to all and averages the gradients in each backward(), so the copies stay
equal; DistributedSampler gives each process its own share of every epoch. Rank 0 prints and
saves a checkpoint after each epoch, the pattern that lets `deepling-run --max-restarts 2`
resume a job that failed.

Needs the [mpi] extra: `pip install "deepling[mpi]"`.
"""

import os
import time

import deepling as torch
import deepling.distributed as dist
from deepling import nn
from deepling.examples._common import epochs, samples
from deepling.keras.datasets import mnist  # a PyTorch program would use torchvision's MNIST
from deepling.nn.parallel import DistributedDataParallel
from deepling.utils.data import DataLoader, TensorDataset
from deepling.utils.data.distributed import DistributedSampler

CHECKPOINT = os.environ.get("MNIST_DDP_CHECKPOINT", "mnist_ddp.safetensors")


def load(rank):
    if rank == 0:  # rank 0 downloads the files when they are missing, the others wait
        mnist.load_data()
    dist.barrier()
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    n = samples(len(x_train))
    to_tensor = lambda x: torch.tensor(x.reshape(len(x), -1) / 255.0, dtype=torch.float32)  # noqa: E731
    return (to_tensor(x_train[:n]), torch.tensor(y_train[:n])), (
        to_tensor(x_test),
        torch.tensor(y_test),
    )


def main():
    dist.init_process_group("gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    (x_train, y_train), (x_test, y_test) = load(rank)
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                          nn.Linear(128, 10))  # fmt: skip
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    start = 0
    if os.path.exists(CHECKPOINT):  # a restarted job resumes after the last finished epoch
        state = torch.load(CHECKPOINT)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        start = state["epoch"] + 1
    ddp = DistributedDataParallel(model)
    data = TensorDataset(x_train, y_train)
    sampler = DistributedSampler(data, shuffle=True, seed=0)
    # 128 images per step in all: each of the `world` processes takes its share
    loader = DataLoader(data, batch_size=128 // world, sampler=sampler)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(start, epochs(3)):
        sampler.set_epoch(epoch)  # a new shuffle each epoch, the same on every rank
        began, total = time.perf_counter(), 0.0
        for x, y in loader:
            optimizer.zero_grad()
            loss = loss_fn(ddp(x), y)
            loss.backward()  # gradients are averaged across the processes here
            optimizer.step()
            total += loss.item()
        if rank == 0:
            with torch.no_grad():
                accuracy = (model(x_test).argmax(1) == y_test).float().mean().item()
            print(f"epoch {epoch + 1}: loss {total / len(loader):.4f}, test accuracy "
                  f"{accuracy:.4f} ({time.perf_counter() - began:.1f} s on {world} processes)")  # fmt: skip
            torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                        "epoch": epoch}, CHECKPOINT)  # fmt: skip
        dist.barrier()  # no one starts the next epoch before the checkpoint is written
    if rank == 0:
        os.remove(CHECKPOINT)  # finished: the next run starts afresh
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
