"""SGD with optional momentum and Nesterov momentum (torch.optim.SGD; Keras's via a switch)."""

from __future__ import annotations

from .optimizer import Optimizer, buffer, hyperparameters, require


class SGD(Optimizer):
    """Stochastic gradient descent, as `torch.optim.SGD`.

    With momentum: `b = momentum * b + (1 - dampening) * g` (`b = g` on the first step), then
    `p -= lr * b`, or `p -= lr * (g + momentum * b)` with `nesterov=True`.

    Args:
        params: an iterable of tensors or of param-group dicts; or, the Keras way, None or the
            learning rate itself (`SGD(0.01)`), with variables given to `apply_gradients` later.
        lr: learning rate (PyTorch's default 1e-3); `learning_rate=` is the same.
        momentum, dampening, nesterov: momentum settings, as in PyTorch.
        weight_decay: L2 penalty added to the gradient (decoupled, `p *= 1 - lr * wd`, when
            `decoupled_weight_decay=True`, as Keras does).
        maximize: ascend instead of descend.
        lr_in_momentum: keep `lr` inside the velocity as Keras does (`v = momentum * v - lr * g;
            p += v`); the steps equal PyTorch's while `lr` is constant, not under a schedule.

    Example:
        >>> import deepling as dl
        >>> w = dl.tensor([1.0], requires_grad=True)
        >>> opt = dl.optim.SGD([w], lr=0.25)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> w.tolist()
        [0.5]
    """

    elementwise = True  # each element's update reads that element alone

    def _fuses(self, group) -> bool:  # plain SGD is two calls per parameter: fusing costs more
        return group["momentum"] > 0

    def __init__(self, params=None, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0,
                 nesterov=False, *, maximize=False, learning_rate=None,
                 decoupled_weight_decay=False, lr_in_momentum=False):  # fmt: skip
        require(momentum >= 0, "momentum value", momentum)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, hyperparameters(locals()), learning_rate)

    def _update(self, p, g, state, group):
        lr, momentum = group["lr"], group["momentum"]
        if momentum == 0:
            p -= lr * g
            return
        inner, outer = (lr, 1.0) if group["lr_in_momentum"] else (1.0, lr)
        fresh = "momentum_buffer" not in state
        b = buffer(state, "momentum_buffer", p)
        if fresh:
            b += inner * g  # the first step takes the gradient undamped, as PyTorch does
        else:
            b *= momentum
            b += (1 - group["dampening"]) * inner * g
        p -= outer * (inner * g + momentum * b if group["nesterov"] else b)
