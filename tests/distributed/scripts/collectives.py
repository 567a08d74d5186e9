"""torch.distributed's collectives on every rank, checked against what they must give."""

import numpy as np

import deepling as dl
import deepling.distributed as dist

dist.init_process_group("gloo")
rank, world = dist.get_rank(), dist.get_world_size()
assert dist.is_initialized() and dist.get_backend() == "gloo"

t = dl.tensor([rank + 1.0, 2.0 * rank])
dist.all_reduce(t)
assert t.tolist() == [sum(range(1, world + 1)), 2.0 * sum(range(world))], t
for op, expect in [(dist.ReduceOp.MAX, world), (dist.ReduceOp.MIN, 1),
                   (dist.ReduceOp.PRODUCT, float(np.prod(range(1, world + 1)))),
                   (dist.ReduceOp.AVG, (world + 1) / 2)]:  # fmt: skip
    t = dl.tensor([rank + 1.0])
    dist.all_reduce(t, op=op)
    assert t.item() == expect, (op, t.item(), expect)
bits = dl.tensor([1 << rank])
dist.all_reduce(bits, op=dist.ReduceOp.BOR)
assert bits.item() == (1 << world) - 1

t = dl.arange(6).reshape(2, 3).float() * (rank + 1)
work = dist.all_reduce(t.T, async_op=True)  # a non-contiguous view: written back on wait()
work.wait()
assert work.is_completed()
assert np.array_equal(t.numpy(), np.arange(6).reshape(2, 3) * sum(range(1, world + 1)))

t = dl.full((3,), float(rank))
dist.broadcast(t, src=world - 1)
assert t.tolist() == [world - 1.0] * 3

out = [dl.zeros(2) for _ in range(world)]
dist.all_gather(out, dl.tensor([rank, -rank]).float())
assert [o.tolist() for o in out] == [[r, -r] for r in range(world)]

t = dl.tensor([rank + 1.0])
dist.reduce(t, dst=0)
assert t.item() == (sum(range(1, world + 1)) if rank == 0 else rank + 1.0)

objs = [None] * world
dist.all_gather_object(objs, {"rank": rank})
assert objs == [{"rank": r} for r in range(world)]
box = ["from zero" if rank == 0 else None]
dist.broadcast_object_list(box, src=0)
assert box == ["from zero"]

w = dl.ones(3, requires_grad=True)
y = (w * 2).sum()
dist.all_reduce(w.data)  # an in-place change the autograd's version check sees
try:
    y.backward()
except RuntimeError:
    pass
dist.barrier()
dist.destroy_process_group()
assert not dist.is_initialized()
print(f"rank {rank}: collectives ok")
