"""deepling.autograd: torch.autograd's names. `Function` (custom differentiable functions,
PyTorch's way: `forward(ctx, ...)`, `backward(ctx, ...)`, `apply`), the backward walk (`grad`,
`backward`), `functional` (jacobian, hessian, vjp, jvp, hvp, vhp) and the numerical checks
`gradcheck`/`gradgradcheck` (loaded on first use). The core's own array-level primitive,
which every op subclasses, is `deepling.autograd.function.Function`."""

import copy as _copy

from ..tensor import clock as _clock
from .custom import Function as Function
from .custom import FunctionCtx as FunctionCtx
from .custom import once_differentiable as once_differentiable
from .engine import run_backward as run_backward
from .entry import _seed_grads as _seed_grads
from .entry import backward as backward
from .entry import grad as grad
from .function import ShapeError as ShapeError
from .function import ViewFunction as ViewFunction

_LAZY = {
    "functional": ("deepling.autograd.functional", None),
    "gradcheck": ("deepling.gradcheck", "gradcheck"),
    "gradgradcheck": ("deepling.gradcheck", "gradgradcheck"),
}


def last_tick() -> int:
    """The graph clock's last tick (a recorded op or an in-place change), without taking one."""
    return next(_copy.copy(_clock.ticks)) - 1


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module, attribute = _LAZY[name]
        found = importlib.import_module(module)
        return found if attribute is None else getattr(found, attribute)
    raise AttributeError(f"module 'deepling.autograd' has no attribute {name!r}")
