"""Rank 1 stops (sleeps) while the others wait in a collective: only a watchdog ends it."""

import time

import deepling as dl
import deepling.distributed as dist

dist.init_process_group("gloo")
dist.barrier()
if dist.get_rank() == 1:
    time.sleep(300)
dist.all_reduce(dl.ones(3))
