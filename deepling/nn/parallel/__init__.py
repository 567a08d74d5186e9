"""torch.nn.parallel's names: DistributedDataParallel (data parallelism over MPI)."""

from .distributed import DistributedDataParallel as DistributedDataParallel
