"""A compiled forward whose result the caller differentiates later (`torch.compile(model)`,
then `loss.backward()` outside): one graph node for the whole recorded forward.

While the forward records, its own graph is there too; `plan` walks it once more from the
output (with `retain_graph`, so the caller's backward still works) and writes the walk down as
array calls, exactly as a compiled training step's backward (backward_plan.py), returning the
gradients of the tensors at the graph's edge: the parameters, and the inputs that require
grad. Replaying then makes one `CompiledCall` Function: its forward runs the recorded forward,
its backward the recorded walk, and the engine delivers its gradients to the parameters and
inputs as for any op. Each call works on its own shallow copies of the recorded Functions, so
two calls before one backward (a GAN's discriminator on real and fake) keep their own saved
arrays.
"""

from __future__ import annotations

import math
import re

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor
from . import backward_plan
from .generated import Generated

_new = object.__new__


def _fresh(fn):
    """A copy of a recorded Function for one call: its attributes, its own saved arrays."""
    copy = _new(type(fn))
    copy.__dict__.update(fn.__dict__)
    copy.needs_input_grad = fn.needs_input_grad
    return copy


def edge(result, start) -> list:
    """The tensors at the edge of the graph recorded since tick `start`: leaves that require
    grad and tensors made before (their own graphs are walked by the caller's backward)."""
    found, seen, stack = [], set(), [result.grad_fn]
    while stack:
        fn = stack.pop()
        if id(fn) in seen:
            continue
        seen.add(id(fn))
        for x in fn.inputs:
            if not isinstance(x, Tensor) or not x.requires_grad:
                continue
            if x.grad_fn is None or x.grad_fn.seq < start:
                if all(x is not f for f in found):
                    found.append(x)
            else:
                stack.append(x.grad_fn)
    return found


def plan(rec, result, start, args) -> tuple | None:
    """(backward lines, edge tensors, their gradient names), recorded into `rec`; None (and
    `rec.give_up`) when a replay could not rebuild the edge."""
    sources = edge(result, start)
    input_arrays = {id(a._data): i for i, a in enumerate(args) if isinstance(a, Tensor)}
    for s in sources:
        if id(s._data) not in input_arrays and s.grad_fn is not None:
            rec.give_up("the compiled function reads a tensor with a graph made outside it")
            return None
    seed = np.ones_like(result._data)
    rec.bind(seed, "gy")
    forward_lines, rec.lines = rec.lines, []
    found = backward_plan.walk(rec, [result], [seed], True, sources, (start, math.inf))
    backward_lines, rec.lines = rec.lines, forward_lines
    names = [None if id(s) not in found else rec.traced(found[id(s)]) for s in sources]
    return backward_lines, sources, names


def _renamer(functions):
    """Source lines with each recorded Function `c<n>` read as its per-call copy `f<n>`."""
    if not functions:
        return lambda line: line
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, functions)) + r")\.")
    return lambda line: pattern.sub(lambda m: f"f{m.group(1)[1:]}.", line)


class GraphProgram(Generated):
    """The forward and backward of one recording, as two generated functions."""

    def __init__(self, rec, out_name, backward_lines, sources, grad_names, args, name: str):
        functions = [n for n, obj in rec.namespace.items() if isinstance(obj, Function)]
        local = _renamer(functions)
        copies = "".join(f"f{n[1:]}, " for n in functions)
        count = len(args)
        forward = [f"def forward({', '.join(f'a{i}' for i in range(count))}):"]
        forward += [f"    f{n[1:]} = _fresh({n})" for n in functions]
        forward += [f"    {local(line)}" for line in rec.lines]
        forward.append(f"    return {out_name}, ({copies})")
        backward = [f"def backward(gy, {copies}):"]
        backward += [f"    {local(line)}" for line in backward_lines]
        backward.append(f"    return ({''.join(f'{g}, ' for g in grad_names)})")
        super().__init__(rec, "\n".join(forward + backward) + "\n", name, _fresh=_fresh)
        self.forward, self.backward = self.namespace["forward"], self.namespace["backward"]
        # the node's inputs: the call's tensors, then the edge tensors that are not among them
        arrays = [a._data for a in args]
        self.slots = []  # for each edge tensor: its argument's index, or the tensor itself
        for s in sources:
            index = next((i for i, a in enumerate(arrays) if a is s._data), None)
            self.slots.append(index if index is not None else s)
        self.extra = [s for s in self.slots if not isinstance(s, int)]
        self.count = count

    def __call__(self, args, arrays):
        return CompiledCall(self)(*args, *self.extra)


class CompiledCall(Function):
    """A compiled forward as one op: forward and backward are the recorded programs."""

    def __init__(self, program: GraphProgram):
        self.program = program

    def forward(self, *arrays):
        out, self.copies = self.program.forward(*arrays[: self.program.count])
        return out

    def backward(self, gy):
        if not isinstance(gy, np.ndarray):
            raise RuntimeError(
                "a compiled module's graph is differentiated once (no create_graph); compute "
                "higher-order gradients with the module itself"
            )
        grads = self.program.backward(gy, *self.copies)
        out = [None] * (self.program.count + len(self.program.extra))
        extra = self.program.count
        for slot, g in zip(self.program.slots, grads):
            if isinstance(slot, int):
                out[slot] = g if out[slot] is None else out[slot] + g
            else:
                out[extra] = g
                extra += 1
        return tuple(out)


__all__ = ["CompiledCall", "GraphProgram", "edge", "plan"]
