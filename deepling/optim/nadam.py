"""NAdam: Adam with Nesterov momentum and a warming-up momentum schedule."""

from __future__ import annotations

from .._backend import array_module
from .adam import check_betas
from .optimizer import Optimizer, buffer, count_step, hyperparameters, require


class NAdam(Optimizer):
    """NAdam, as `torch.optim.NAdam` (Keras's Nadam is this rule with `momentum_decay=1`).

    With `mu_t = b1 (1 - 0.96**(t * momentum_decay) / 2)` and `P_t = mu_1 ... mu_t`:
    `p -= lr (1 - mu_t) / (1 - P_t) * g / d + lr mu_{t+1} / (1 - P_t mu_{t+1}) * m / d`,
    where `m`, `v` are Adam's moments and `d = sqrt(v / (1 - b2**t)) + eps`.

    Args:
        params: an iterable of tensors or param-group dicts, or None / the learning rate (Keras).
        lr: learning rate (2e-3); `learning_rate=` is the same.
        betas, eps: as in Adam.
        weight_decay: L2 penalty, or decoupled (`p *= 1 - lr * wd`) with
            `decoupled_weight_decay=True`.
        momentum_decay: how fast the momentum schedule warms up.

    Example:
        >>> import deepling as dl
        >>> w = dl.tensor([1.0], requires_grad=True)
        >>> opt = dl.optim.NAdam([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> round(w.item(), 4)  # a little past Adam's first step, 0.9: Nesterov looks ahead
        0.8944
    """

    elementwise = True  # each element's update reads that element alone: fusable

    def __init__(self, params=None, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, maximize=False,
                 learning_rate=None):  # fmt: skip
        require(eps >= 0, "epsilon value", eps)
        check_betas(betas)
        require(momentum_decay >= 0, "momentum_decay value", momentum_decay)
        super().__init__(params, hyperparameters(locals()), learning_rate)

    def _update(self, p, g, state, group):
        xp, (b1, b2), lr = array_module(p), group["betas"], group["lr"]
        t, psi = count_step(state), group["momentum_decay"]
        mu = b1 * (1 - 0.5 * 0.96 ** (t * psi))
        mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))
        product = state["mu_product"] = state.get("mu_product", 1.0) * mu
        m, v = buffer(state, "exp_avg", p), buffer(state, "exp_avg_sq", p)
        m *= b1
        m += (1 - b1) * g
        v *= b2
        v += (1 - b2) * g * g
        denom = xp.sqrt(v / (1 - b2**t)) + group["eps"]
        p -= lr * (1 - mu) / (1 - product) * g / denom
        p -= lr * mu_next / (1 - product * mu_next) * m / denom
