"""The plateau rule, written once: keep the best value of a metric, count the epochs that do not
beat it, cut the learning rate when there are enough of them, then rest for a cooldown.

PyTorch's `optim.lr_scheduler.ReduceLROnPlateau` and Keras's `callbacks.ReduceLROnPlateau` are
adapters over `Plateau`; their real differences are its switches. `improved` is also the test
of Keras's EarlyStopping and ModelCheckpoint.
"""

from __future__ import annotations

import numpy as np


def improved(value, best, sign: float, threshold: float, relative: bool = False) -> bool:
    """Whether `value` beats `best` by more than `threshold` in the direction `sign` (+1: up,
    -1: down); with `relative`, by more than `threshold * best` (PyTorch's threshold_mode
    'rel'). Anything beats `best=None` (nothing seen yet).

    Example:
        >>> improved(0.85, 0.9, sign=-1.0, threshold=0.1), improved(0.75, 0.9, -1.0, 0.1)
        (False, True)
    """
    if best is None:
        return True
    bar = best * (1 + sign * threshold) if relative else best + sign * threshold
    return sign * value > sign * bar


class Plateau:
    """The rule, mixed into an adapter that sets `factor`, `patience`, `cooldown`, `best`,
    `num_bad_epochs`, `cooldown_counter` and defines `_improved(value, best)`.

    Each epoch the adapter calls `judge(value)`; when it returns True, `cut(lr, min_lr)` for
    each rate and then `rest(cut_made)`. The switches, class attributes of the adapter:

    - `cooldown_first`: Keras ends a cooldown epoch before judging it, so the cooldown's last
      epoch can count as bad; PyTorch judges first and counts no epoch of a cooldown.
    - `cut_at_patience`: Keras cuts when the count of bad epochs reaches `patience`; PyTorch
      when it exceeds `patience`.
    - `eps`: PyTorch makes no cut of `eps` or less; None (Keras) cuts while the rate is above
      `min_lr` as float32 (Keras's rate is a float32 variable).
    - `rest_without_cut`: PyTorch restarts the count and the cooldown even when no rate was
      cut (all at `min_lr`); Keras only after a cut.
    """

    def judge(self, value) -> bool:
        """Count one epoch's `value`; True when the rate should be cut now."""
        cooling = self.cooldown_counter > 0
        if cooling:  # no bad epochs in a cooldown
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
            cooling = self.cooldown_counter > 0 or not self.cooldown_first
        counted = False
        if self._improved(value, self.best):
            self.best, self.num_bad_epochs = value, 0
        elif not cooling:
            self.num_bad_epochs += 1
            counted = True
        if self.cut_at_patience:
            return counted and self.num_bad_epochs >= self.patience
        return self.num_bad_epochs > self.patience

    def cut(self, lr: float, min_lr: float) -> float | None:
        """The rate after a cut, `max(lr * factor, min_lr)`, or None where there is no cut."""
        new = max(lr * self.factor, min_lr)
        if self.eps is None:
            return new if lr > np.float32(min_lr) else None
        return new if lr - new > self.eps else None

    def rest(self, cut_made: bool) -> None:
        """After `judge` fired: start the cooldown and a new count."""
        if cut_made or self.rest_without_cut:
            self.cooldown_counter, self.num_bad_epochs = self.cooldown, 0
