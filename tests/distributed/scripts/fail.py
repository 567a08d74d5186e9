"""Rank 1 raises while the others wait in a collective: the job must end, not hang."""

import deepling as dl
import deepling.distributed as dist

dist.init_process_group("gloo")
dist.barrier()
if dist.get_rank() == 1:
    raise ValueError("boom on rank 1")
dist.all_reduce(dl.ones(3))  # never completes: rank 1 is gone
