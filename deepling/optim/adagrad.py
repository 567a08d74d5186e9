"""Adagrad: per-coordinate steps shrinking with the summed squared gradients."""

from __future__ import annotations

from .._backend import array_module
from .optimizer import Optimizer, buffer, count_step, hyperparameters, require


class Adagrad(Optimizer):
    """Adagrad, as `torch.optim.Adagrad`.

    `s += g**2; p -= lr_t * g / (sqrt(s) + eps)` with `lr_t = lr / (1 + (t - 1) * lr_decay)`.

    Args:
        params: an iterable of tensors or param-group dicts, or None / the learning rate (Keras).
        lr: learning rate (1e-2); `learning_rate=` is the same.
        lr_decay: learning-rate decay per step.
        weight_decay: L2 penalty (decoupled with `decoupled_weight_decay=True`).
        initial_accumulator_value: the starting value of `s` (Keras uses 0.1).
        eps: added to the denominator for stability.
        eps_inside_sqrt: Keras's form, `p -= lr * g / sqrt(s + eps)`.

    Example:
        >>> import deepling as dl
        >>> w = dl.tensor([1.0], requires_grad=True)
        >>> opt = dl.optim.Adagrad([w], lr=0.5)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> round(w.item(), 6)  # 1 - 0.5 * 2 / sqrt(4)
        0.5
    """

    elementwise = True  # each element's update reads that element alone: fusable

    def __init__(self, params=None, lr=1e-2, lr_decay=0.0, weight_decay=0.0,
                 initial_accumulator_value=0.0, eps=1e-10, *, maximize=False, learning_rate=None,
                 decoupled_weight_decay=False, eps_inside_sqrt=False):  # fmt: skip
        require(lr_decay >= 0, "lr_decay value", lr_decay)
        require(
            initial_accumulator_value >= 0,
            "initial_accumulator_value value",
            initial_accumulator_value,
        )
        require(eps >= 0, "epsilon value", eps)
        super().__init__(params, hyperparameters(locals()), learning_rate)

    def _update(self, p, g, state, group):
        xp, eps = array_module(p), group["eps"]
        t = count_step(state)
        s = buffer(state, "sum", p, group["initial_accumulator_value"])
        s += g * g
        denom = xp.sqrt(s + eps) if group["eps_inside_sqrt"] else xp.sqrt(s) + eps
        p -= group["lr"] / (1 + (t - 1) * group["lr_decay"]) * g / denom
