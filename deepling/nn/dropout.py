"""Dropout: inverted dropout while training, the identity in eval mode."""

from __future__ import annotations

from . import functional as F
from .module import Module


class Dropout(Module):
    """Zeroes each element with probability p while training and scales the rest by 1/(1-p).

    Args:
        p: probability of an element being zeroed, in [0, 1].
        inplace: accepted for torch's signature; the result is computed out of place.

    Example:
        >>> import deepling as dl
        >>> drop = dl.nn.Dropout(0.5).eval()
        >>> drop(dl.ones(3)).tolist()
        [1.0, 1.0, 1.0]
    """

    def __init__(self, p: float = 0.5, inplace: bool = False):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, input):
        return F.dropout(input, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
