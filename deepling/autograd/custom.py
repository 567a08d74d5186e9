"""torch.autograd.Function, the PyTorch way: a user's `forward(ctx, ...)` and `backward(ctx,
grad_output)` on Tensors, called as `MyFn.apply(x)`.

This is an adapter, not a second engine: `apply` runs the user's forward without recording,
then links one node of the core's graph (a core Function, `_Node`) whose backward calls the
user's backward. On the first-order walk it runs under no_grad on constant Tensors; when a
graph of the gradient is asked for (create_graph) it runs recorded, on the saved tensors
themselves, so a backward written with ops is differentiable again, as in PyTorch.
"""

from __future__ import annotations

from ..grad_mode import enable_grad, no_grad
from ..grad_mode import state as _grad_state
from ..tensor import Tensor, clock
from .function import Function as _CoreFunction


class FunctionCtx:
    """`ctx`: what forward hands to backward (`save_for_backward`, attributes of your own)."""

    def __init__(self, needs_input_grad):
        self.needs_input_grad = needs_input_grad
        self.to_save = ()
        self.non_differentiable = ()
        self.materialize_grads = True
        self._seq = None  # the node's tick, once linked: saved tensors changed after it raise

    def save_for_backward(self, *tensors) -> None:
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(
                    f"save_for_backward can only save variables, but argument is of type "
                    f"{type(t).__name__}"
                )
        self.to_save = tensors

    @property
    def saved_tensors(self) -> tuple:
        for t in self.to_save:
            if t is not None and t._changed is not None and t._changed[0] > (self._seq or 0):
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been modified "
                    f"by an inplace operation: [{t.type()} {list(t.shape)}], saved by "
                    "ctx.save_for_backward, was changed in place after it was saved."
                )
        return tuple(self.to_save)

    def mark_non_differentiable(self, *outputs) -> None:
        self.non_differentiable = outputs

    def set_materialize_grads(self, value: bool) -> None:
        self.materialize_grads = bool(value)

    def mark_dirty(self, *tensors) -> None:
        """Accepted for PyTorch's in-place custom functions: deepling records no in-place op
        in a graph, so there is nothing to rebase."""


class Function:
    """Base class of custom differentiable functions (torch.autograd.Function).

    Subclasses define `@staticmethod forward(ctx, *args)` (or `forward(*args)` plus
    `setup_context(ctx, inputs, output)`) and `@staticmethod backward(ctx, *grad_outputs)`
    returning one gradient per forward argument (None for non-tensors), and are called with
    `apply`.

    Example:
        >>> import deepling as dl
        >>> class Exp(dl.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         y = x.exp()
        ...         ctx.save_for_backward(y)
        ...         return y
        ...     @staticmethod
        ...     def backward(ctx, grad_output):
        ...         (y,) = ctx.saved_tensors
        ...         return grad_output * y
        >>> x = dl.tensor([0.0, 1.0], requires_grad=True)
        >>> Exp.apply(x).sum().backward()
        >>> [round(v, 4) for v in x.grad.tolist()]
        [1.0, 2.7183]
    """

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")  # fmt: skip

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom autograd.Function to use it with backward mode AD.")  # fmt: skip

    setup_context = None  # the newer style: forward without ctx, then setup_context

    @classmethod
    def apply(cls, *args):
        needs = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        ctx = FunctionCtx(needs)
        with no_grad():
            if cls.setup_context is None:
                output = cls.forward(ctx, *args)
            else:
                output = cls.forward(*args)
                cls.setup_context(ctx, args, output)
        if isinstance(output, (tuple, list)):
            raise NotImplementedError(
                f"{cls.__name__}.forward returned {len(output)} outputs: deepling's custom "
                "Functions return one Tensor (return the outputs from separate Functions)"
            )
        if not isinstance(output, Tensor):
            raise TypeError(f"{cls.__name__}.forward must return a Tensor, got {type(output).__name__}")  # fmt: skip
        if not (_grad_state.enabled and True in needs) or output in ctx.non_differentiable:
            return output
        return _link(cls, ctx, args, output)


def _link(cls, ctx, args, output) -> Tensor:
    """Make `output` the output of a graph node over the tensor arguments (as Function.__call__
    does), taking a fresh Tensor when forward returned one of its inputs."""
    if any(output is a for a in args):
        output = Tensor._wrap(output._data)
    node = _Node(cls, ctx, args)
    node.seq = ctx._seq = next(clock.ticks)
    node.inputs = tuple(a if isinstance(a, Tensor) else None for a in args)
    node.needs_input_grad = list(ctx.needs_input_grad)
    output.requires_grad, output.grad_fn = True, node
    return output


class _Node(_CoreFunction):
    """The core graph's node for one call of a custom Function: its backward is the user's."""

    def __init__(self, cls, ctx, args):
        self.cls, self.ctx, self.nargs = cls, ctx, len(args)

    def name(self) -> str:
        return f"{self.cls.__name__}Backward"

    def backward(self, gy):
        recording = isinstance(gy, Tensor)  # the engine asked for a graph of the gradient
        grad_output = gy if recording else Tensor._wrap(gy)
        with enable_grad() if recording else no_grad():
            grads = self.cls.backward(self.ctx, grad_output)
        grads = grads if isinstance(grads, tuple) else (grads,)
        if len(grads) < self.nargs or any(g is not None for g in grads[self.nargs :]):
            raise RuntimeError(
                f"function {self.name()} returned an incorrect number of gradients (expected "
                f"{self.nargs}, got {len(grads)})"
            )
        out = []
        for g, need in zip(grads[: self.nargs], self.needs_input_grad):
            if not need or g is None:
                out.append(None)
            elif recording:
                out.append(g if isinstance(g, Tensor) else Tensor._wrap(g))
            else:
                out.append(g._data if isinstance(g, Tensor) else g)
        return tuple(out)


def once_differentiable(backward):
    """Mark a custom backward as not differentiable itself: it runs without recording."""

    def wrapper(ctx, *grad_outputs):
        with no_grad():
            return backward(
                ctx, *(g.detach() if isinstance(g, Tensor) else g for g in grad_outputs)
            )

    wrapper.__name__, wrapper.__doc__ = backward.__name__, backward.__doc__
    return wrapper


class _Closure:
    """What `_Node` asks of a custom Function class, for a backward given as a closure."""

    def __init__(self, name, backward):
        self.__name__, self._backward = name, backward

    def backward(self, ctx, grad_output):
        return self._backward(grad_output)


def link_gradient(name: str, backward, args, output) -> Tensor:
    """Make `output` (computed by the caller) one node of the graph over the tensors among
    `args`, whose gradient is `backward(grad_output)`: a tuple with one gradient per arg.

    The closure form of a custom Function (tf.custom_gradient is a row over it). `output` is
    returned unlinked when grad mode is off or no arg needs a gradient.
    """
    needs = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
    if not (_grad_state.enabled and True in needs):
        return output
    return _link(_Closure(name, backward), FunctionCtx(needs), args, output)
