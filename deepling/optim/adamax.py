"""Adamax: Adam with the infinity norm in place of the second moment."""

from __future__ import annotations

from .._backend import array_module
from .adam import check_betas
from .optimizer import Optimizer, buffer, count_step, hyperparameters, require


class Adamax(Optimizer):
    """Adamax, as `torch.optim.Adamax`.

    `m = b1 m + (1 - b1) g; u = max(b2 u, |g| + eps); p -= lr / (1 - b1**t) * m / u`.

    Args:
        params: an iterable of tensors or param-group dicts, or None / the learning rate (Keras).
        lr: learning rate (2e-3); `learning_rate=` is the same.
        betas: decay rates of the moment and of the infinity norm.
        eps: keeps the denominator away from zero.
        weight_decay: L2 penalty (decoupled with `decoupled_weight_decay=True`).
        eps_outside_max: Keras's form, `u = max(b2 u, |g|); p -= ... * m / (u + eps)`.

    Example:
        >>> import deepling as dl
        >>> w = dl.tensor([1.0], requires_grad=True)
        >>> opt = dl.optim.Adamax([w], lr=0.1, eps=0.0)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> round(w.item(), 6)  # the first step is lr * sign(g)
        0.9
    """

    elementwise = True  # each element's update reads that element alone: fusable

    def __init__(self, params=None, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, *,
                 maximize=False, learning_rate=None, decoupled_weight_decay=False,
                 eps_outside_max=False):  # fmt: skip
        require(eps >= 0, "epsilon value", eps)
        check_betas(betas)
        super().__init__(params, hyperparameters(locals()), learning_rate)

    def _update(self, p, g, state, group):
        xp, (b1, b2), eps = array_module(p), group["betas"], group["eps"]
        t = count_step(state)
        m, u = buffer(state, "exp_avg", p), buffer(state, "exp_inf", p)
        m *= b1
        m += (1 - b1) * g
        u *= b2
        if group["eps_outside_max"]:
            xp.maximum(u, xp.abs(g), out=u)
            p -= group["lr"] / (1 - b1**t) * m / (u + eps)
        else:
            xp.maximum(u, xp.abs(g) + eps, out=u)
            p -= group["lr"] / (1 - b1**t) * m / u
