"""Function: one differentiable primitive, its forward and backward side by side on arrays.

Every Function has exactly one output. The output Tensor points at the Function (`grad_fn`);
the Function points at its inputs. Nothing points back at the output, so there is no cycle to
break. Each recorded Function takes the next tick of the graph's clock (`seq`): its inputs
were made before it, so the walk can visit the graph by popping the largest tick first.
"""

from __future__ import annotations

import numpy as np

from .. import _backend
from ..grad_mode import everywhere as _everywhere
from ..grad_mode import state as _grad_state
from ..tensor import Tensor, clock, shared_changes

_ticks = clock.ticks
_new_tensor = object.__new__


class _NoGradients(tuple):
    """`needs_input_grad` when nothing is recorded: no input needs a gradient, whatever index
    a forward asks about (so forwards may skip saving what only a gradient would use; index
    it, do not unpack it)."""

    def __getitem__(self, index):
        return False


_NOTHING = _NoGradients()


class ShapeError(ValueError, RuntimeError):
    """Shapes that do not fit an op. A ValueError (Keras, NumPy) and a RuntimeError (PyTorch)."""


class Function:
    """One differentiable primitive: `forward(*arrays) -> array`, `backward(gy) -> grads`.

    `self.needs_input_grad` is set before forward runs, so a forward saves only what the
    gradients that will be asked for need (as PyTorch does: `w * 3` does not save `w`).

    Subclasses work on raw arrays (`self.xp` is NumPy or CuPy) and return one gradient per
    input (None where there is none). Calling an instance wraps the result in a Tensor and,
    when grad mode is on and an input needs a gradient, records the graph link.

    `backward` is written with operators and `self.xp` functions, so that the same rule runs on
    Tensors when a graph of the gradient is asked for (`create_graph=True`; the engine then
    swaps `xp` for `deepling.ops.xp` and the saved arrays for their tensors). A fused Function
    whose saved values are not its inputs or output defines `compose(*inputs)`, its forward as
    a composition of ops, which higher orders differentiate instead.

    Ops whose output shares its input's memory (reshape, slicing) are `ViewFunction`s: the
    two then share one change counter, as PyTorch's views share a version counter.
    """

    __slots__ = ("inputs", "needs_input_grad", "seq", "__dict__")
    saved = None  # class defaults: most calls never set them, so they cost no store
    retained = None
    xp = np

    def __call__(self, *inputs):
        arrays, needs = [], []  # one plain loop: two comprehensions cost twice as much
        for x in inputs:
            if isinstance(x, Tensor):
                arrays.append(x._data)
                needs.append(x.requires_grad)
            else:
                arrays.append(x)
                needs.append(False)
        if _backend.cupy is not None:
            self.xp = _backend.array_module(*arrays)
        if not (_everywhere.enabled or _grad_state.enabled):
            needs = _NOTHING  # nothing is recorded: no gradient will be asked for
        self.needs_input_grad = needs  # known before forward, so it saves only what is needed
        try:
            y = self.forward(*arrays)
        except ValueError as e:
            shapes = ", ".join(str(tuple(np.shape(a))) for a in arrays)
            raise ShapeError(f"{type(self).__name__}: {e} (input shapes: {shapes})") from None
        if type(y) is not np.ndarray and _backend.cupy is None:  # NumPy gives 0-d results as
            array = np.asarray(y)  # scalars: keep one array, so the saved one is the output's
            for s in self.saved or ():
                if s is y:
                    self.saved = tuple(array if t is y else t for t in self.saved)
                    break
            y = array
        out = _new_tensor(Tensor)  # Tensor._wrap(y), inlined: this runs on every op
        out._data, out.requires_grad = y, False
        out._grad = out.grad_fn = out._changed = None
        if True in needs:
            self.seq = next(_ticks)
            self.inputs = inputs
            out.requires_grad = True
            out.grad_fn = self
            return out
        self.saved = None  # nothing will call backward: let the saved arrays go now
        return out

    def save_for_backward(self, *arrays) -> None:
        self.saved = arrays

    def forward(self, *arrays):
        raise NotImplementedError

    def backward(self, gy):
        raise NotImplementedError

    def name(self) -> str:
        return f"{type(self).__name__}Backward0"

    def __repr__(self) -> str:
        return f"<{self.name()}>"


class ViewFunction(Function):
    """A Function whose output is a view of its (first) input's array: an in-place change to
    either is a change to both, for the checks of the backward walk."""

    def __call__(self, x, *rest):
        out = Function.__call__(self, x, *rest)
        if isinstance(x, Tensor) and out._data.base is not None:  # a copy (x[[0, 2]]) is not
            out._changed = shared_changes(x)
        return out


def record_in_place(fn, t, inputs) -> None:
    """Record `fn` as the op that made `t`'s present values in place: as PyTorch rebinds a
    tensor changed in place to the in-place op's grad_fn, `t` becomes fn's output, and
    `inputs[0]` stands for `t` as it was before (its earlier grad_fn, its old place in the
    graph). Call it after the change is marked, so the change is older than fn."""
    fn.needs_input_grad = tuple(isinstance(x, Tensor) and x.requires_grad for x in inputs)
    if _backend.cupy is not None:
        fn.xp = _backend.array_module(t._data)
    before = inputs[0].grad_fn
    if before is not None and before.retained is not None and before.retained() is t:
        fn.retained, before.retained = before.retained, None  # retain_grad follows t
    fn.seq = next(_ticks)
    fn.inputs = inputs
    t.grad_fn, t.requires_grad = fn, True


class ArrayOp(Function):
    """A computation without a gradient (a comparison, argmax, sort's indices): `fn(*arrays)`
    run as an op on raw arrays, so that a compiled step records it and computes it again on
    each call's values (a NumPy result wrapped outside ops would be replayed as it was).
    Call it with arrays, not tensors: its output never requires grad."""

    pure = False  # its function may read state (max's indices): a compiled step runs each

    def __init__(self, fn):
        self.fn = fn

    def forward(self, *arrays):
        return self.fn(*arrays)

    def backward(self, gy):
        raise RuntimeError(f"{self.fn.__name__} has no gradient")


def array_op(fn, *arrays) -> Tensor:
    """`fn(*arrays)` as a tensor, computed by an `ArrayOp`."""
    return ArrayOp(fn)(*arrays)
