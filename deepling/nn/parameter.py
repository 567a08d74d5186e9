"""Parameter: a Tensor that a Module registers as a learnable weight (torch.nn.parameter)."""

from __future__ import annotations

import numpy as np

from .. import _backend
from ..tensor import Tensor, to_array


class Parameter(Tensor):
    """A Tensor that a Module registers as a learnable weight (requires_grad=True by default).

    Args:
        data: a Tensor (its array is shared, as torch does) or array-like.
        requires_grad: whether the optimizer should train it.

    Example:
        >>> import deepling as dl
        >>> dl.nn.Parameter(dl.zeros(1, 1))
        Parameter containing:
        tensor([[0.]], requires_grad=True)
    """

    __slots__ = ()

    def __init__(self, data=None, requires_grad: bool = True):
        if data is None:
            data = np.zeros((0,), _backend.default_float)
        self._data = data._data if isinstance(data, Tensor) else to_array(data)
        self._grad = self.grad_fn = self._changed = None
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
