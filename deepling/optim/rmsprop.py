"""RMSprop: steps scaled by a running average of squared gradients, optionally centered."""

from __future__ import annotations

from .._backend import array_module
from .optimizer import Optimizer, buffer, count_step, hyperparameters, require


class RMSprop(Optimizer):
    """RMSprop, as `torch.optim.RMSprop`.

    `v = alpha * v + (1 - alpha) * g**2`; centered subtracts the squared running mean of `g`
    from `v`; then `p -= lr * g / (sqrt(v) + eps)`, or with momentum
    `b = momentum * b + g / (sqrt(v) + eps); p -= lr * b`.

    Args:
        params: an iterable of tensors or param-group dicts, or None / the learning rate (Keras).
        lr: learning rate (1e-2); `learning_rate=` is the same.
        alpha: decay of the running average (Keras calls it `rho`, default 0.9).
        eps: added to the denominator for stability.
        weight_decay: L2 penalty (decoupled with `decoupled_weight_decay=True`).
        momentum, centered: as in PyTorch.
        eps_inside_sqrt: Keras's form, `g / sqrt(v + eps)`.
        lr_in_momentum: Keras's form, `b = momentum * b + lr * g / ...; p -= b` (equal steps
            while `lr` is constant).

    Example:
        >>> import deepling as dl
        >>> w = dl.tensor([1.0], requires_grad=True)
        >>> opt = dl.optim.RMSprop([w], lr=0.01, alpha=0.75, eps=0.0)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> round(w.item(), 6)  # 1 - 0.01 * 2 / sqrt(0.25 * 4)
        0.98
    """

    elementwise = True  # each element's update reads that element alone: fusable

    def __init__(self, params=None, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                 centered=False, *, maximize=False, learning_rate=None,
                 decoupled_weight_decay=False, eps_inside_sqrt=False, lr_in_momentum=False):  # fmt: skip
        require(eps >= 0, "epsilon value", eps)
        require(momentum >= 0, "momentum value", momentum)
        require(alpha >= 0, "alpha value", alpha)
        super().__init__(params, hyperparameters(locals()), learning_rate)

    def _update(self, p, g, state, group):
        xp, alpha, eps, lr = array_module(p), group["alpha"], group["eps"], group["lr"]
        count_step(state)
        v = buffer(state, "square_avg", p)
        v *= alpha
        v += (1 - alpha) * g * g
        if group["centered"]:
            mean = buffer(state, "grad_avg", p)
            mean *= alpha
            mean += (1 - alpha) * g
            v = v - mean * mean
        denom = xp.sqrt(v + eps) if group["eps_inside_sqrt"] else xp.sqrt(v) + eps
        if group["momentum"] > 0:
            inner, outer = (lr, 1.0) if group["lr_in_momentum"] else (1.0, lr)
            b = buffer(state, "momentum_buffer", p)
            b *= group["momentum"]
            b += inner * g / denom
            p -= outer * b
        else:
            p -= lr * g / denom
