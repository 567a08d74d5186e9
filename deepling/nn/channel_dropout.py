"""Dropout1d and Dropout2d: whole channels zeroed while training (spatial dropout)."""

from __future__ import annotations

from . import functional as F
from .dropout import Dropout


class Dropout1d(Dropout):
    """Zeroes whole channels of (N, C, L) input with probability p while training, as
    torch.nn.Dropout1d (the rest scaled by 1/(1-p))."""

    def forward(self, input):
        return F.dropout1d(input, self.p, self.training)


class Dropout2d(Dropout):
    """Zeroes whole feature maps of (N, C, H, W) input with probability p while training, as
    torch.nn.Dropout2d: neighbouring pixels are correlated, so dropping single pixels would
    hardly regularize.

    Example:
        >>> import deepling as dl
        >>> dl.nn.Dropout2d(0.5).eval()(dl.ones(1, 2, 3, 3)).sum().item()
        18.0
    """

    def forward(self, input):
        return F.dropout2d(input, self.p, self.training)
