"""DistributedSampler: each rank's share of a dataset, as torch.utils.data.distributed's."""

from __future__ import annotations

import math

import numpy as np

from ...distributed import process_group
from ...distributed.status import is_available
from .sampler import Sampler


class DistributedSampler(Sampler):
    """The indices rank `rank` of `num_replicas` visits: every `num_replicas`-th index of one
    order that all ranks share, so the ranks' shares are disjoint and cover the dataset.

    Args:
        dataset: a map-style dataset (only its length is read).
        num_replicas, rank: default to the default process group's size and rank.
        shuffle: a new order each epoch, drawn from `seed + epoch` (call `set_epoch(epoch)`
            at each epoch's start, or every epoch repeats the first order).
        seed: the same on every rank.
        drop_last: cut the tail so that every rank gets the same number of indices; otherwise
            the order is padded with its own first indices.

    The order is a NumPy permutation from `seed + epoch`: the same on every rank, but not the
    order PyTorch's `torch.randperm` would draw.

    Example:
        >>> s = DistributedSampler(list(range(10)), num_replicas=3, rank=1, shuffle=False)
        >>> list(s)
        [1, 4, 7, 0]
    """

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0,
                 drop_last=False):  # fmt: skip
        if num_replicas is None or rank is None:
            if not is_available():
                raise RuntimeError("Requires distributed package to be available")
            num_replicas = process_group.get_world_size() if num_replicas is None else num_replicas
            rank = process_group.get_rank() if rank is None else rank
        if rank >= num_replicas or rank < 0:
            raise ValueError(
                f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]"
            )
        self.dataset, self.num_replicas, self.rank = dataset, num_replicas, rank
        self.epoch, self.drop_last, self.shuffle, self.seed = 0, drop_last, shuffle, seed
        n = len(dataset)
        if drop_last and n % num_replicas != 0:
            self.num_samples = math.ceil((n - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(n / num_replicas)
        self.total_size = self.num_samples * num_replicas

    def _order(self) -> np.ndarray:
        n = len(self.dataset)
        if self.shuffle:
            order = np.random.default_rng(self.seed + self.epoch).permutation(n)
        else:
            order = np.arange(n)
        if self.drop_last:
            order = order[: self.total_size]
        elif self.total_size > n:  # pad with the order's own first indices, repeated as needed
            order = np.resize(order, self.total_size)
        return order[self.rank : self.total_size : self.num_replicas]

    def __iter__(self):
        return iter(self._order().tolist())

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Set the epoch that seeds the next order (call it before each epoch's loop)."""
        self.epoch = epoch
