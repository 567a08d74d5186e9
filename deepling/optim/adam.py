"""Adam and AdamW: steps from bias-corrected running moments of the gradient."""

from __future__ import annotations

import math

from .._backend import array_module
from .optimizer import Optimizer, buffer, count_step, hyperparameters, require


def check_betas(betas) -> None:
    for i, beta in enumerate(betas):
        require(0 <= beta < 1, f"beta parameter at index {i}", beta)


class Adam(Optimizer):
    """Adam, as `torch.optim.Adam`.

    `m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g**2`, then
    `p -= lr / (1 - b1**t) * m / (sqrt(v / (1 - b2**t)) + eps)`; amsgrad uses the running
    maximum of `v`.

    Args:
        params: an iterable of tensors or param-group dicts, or None / the learning rate (Keras).
        lr: learning rate (1e-3); `learning_rate=` is the same.
        betas: decay rates of the two moments.
        eps: added to the denominator for stability.
        weight_decay: L2 penalty added to the gradient, or with `decoupled_weight_decay=True`
            `p *= 1 - lr * wd` first (AdamW).
        amsgrad, maximize: as in PyTorch.
        eps_before_bias_correction: Keras's form ("epsilon hat"), where eps is added to
            `sqrt(v)` before the bias correction: `p -= lr_t * m / (sqrt(v) + eps)` with
            `lr_t = lr * sqrt(1 - b2**t) / (1 - b1**t)`.

    Example:
        >>> import deepling as dl
        >>> w = dl.tensor([1.0], requires_grad=True)
        >>> opt = dl.optim.Adam([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> round(w.item(), 6)  # the first step is lr * sign(g)
        0.9
    """

    elementwise = True  # each element's update reads that element alone: fusable

    def __init__(self, params=None, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 amsgrad=False, *, maximize=False, learning_rate=None, decoupled_weight_decay=False,
                 eps_before_bias_correction=False):  # fmt: skip
        require(eps >= 0, "epsilon value", eps)
        check_betas(betas)
        super().__init__(params, hyperparameters(locals()), learning_rate)

    def _update(self, p, g, state, group):
        xp, (b1, b2), eps = array_module(p), group["betas"], group["eps"]
        t = count_step(state)
        m, v = buffer(state, "exp_avg", p), buffer(state, "exp_avg_sq", p)
        m *= b1
        m += (1 - b1) * g
        v *= b2
        v += (1 - b2) * g * g
        if group["amsgrad"]:
            v_max = buffer(state, "max_exp_avg_sq", p)
            v = xp.maximum(v_max, v, out=v_max)
        # PyTorch: lr / c1 * m / (sqrt(v) / r2 + eps) = lr r2 / c1 * m / (sqrt(v) + eps r2);
        # Keras adds eps to sqrt(v) itself, so the two forms differ only in eps's scale.
        correction1, root2 = 1 - b1**t, math.sqrt(1 - b2**t)
        denom = xp.sqrt(v)
        denom += eps if group["eps_before_bias_correction"] else eps * root2
        p -= group["lr"] * root2 / correction1 * m / denom


class AdamW(Adam):
    """Adam with decoupled weight decay, as `torch.optim.AdamW`: `p *= 1 - lr * wd` first.

    Takes Adam's arguments; `weight_decay` defaults to 1e-2.

    Example:
        >>> import deepling as dl
        >>> w = dl.tensor([1.0], requires_grad=True)
        >>> opt = dl.optim.AdamW([w], lr=0.1, weight_decay=0.5)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> round(w.item(), 6)  # 1 * (1 - 0.1 * 0.5) - 0.1
        0.85
    """

    def __init__(self, params=None, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, **kwargs):  # fmt: skip
        super().__init__(
            params, lr, betas, eps, weight_decay, amsgrad, decoupled_weight_decay=True, **kwargs
        )
