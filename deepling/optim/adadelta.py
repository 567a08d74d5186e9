"""Adadelta: steps sized by the ratio of running RMS of updates to running RMS of gradients."""

from __future__ import annotations

from .._backend import array_module
from .optimizer import Optimizer, buffer, count_step, hyperparameters, require


class Adadelta(Optimizer):
    """Adadelta, as `torch.optim.Adadelta` (Keras's formula is the same; only defaults differ).

    `v = rho * v + (1 - rho) * g**2; d = sqrt(u + eps) / sqrt(v + eps) * g;
    u = rho * u + (1 - rho) * d**2; p -= lr * d`.

    Args:
        params: an iterable of tensors or param-group dicts, or None / the learning rate (Keras).
        lr: scales the step (1.0); `learning_rate=` is the same.
        rho: decay of both running averages.
        eps: added inside both square roots.
        weight_decay: L2 penalty (decoupled with `decoupled_weight_decay=True`).

    Example:
        >>> import deepling as dl
        >>> w = dl.tensor([1.0], requires_grad=True)
        >>> opt = dl.optim.Adadelta([w], rho=0.0, eps=1.0)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> round(w.item(), 6)  # 1 - sqrt(0 + 1) / sqrt(4 + 1) * 2
        0.105573
    """

    elementwise = True  # each element's update reads that element alone: fusable

    def __init__(self, params=None, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0, *, maximize=False,
                 learning_rate=None, decoupled_weight_decay=False):  # fmt: skip
        require(0 <= rho <= 1, "rho value", rho)
        require(eps >= 0, "epsilon value", eps)
        super().__init__(params, hyperparameters(locals()), learning_rate)

    def _update(self, p, g, state, group):
        xp, rho, eps = array_module(p), group["rho"], group["eps"]
        count_step(state)
        v, u = buffer(state, "square_avg", p), buffer(state, "acc_delta", p)
        v *= rho
        v += (1 - rho) * g * g
        delta = xp.sqrt(u + eps) / xp.sqrt(v + eps) * g
        u *= rho
        u += (1 - rho) * delta * delta
        p -= group["lr"] * delta
