"""torch.nn.functional's activations: PyTorch's names, defaults and argument orders over the
ops of deepling/ops/activation.py. `inplace=True` is accepted and computes out of place: the
values are the same, only the memory differs."""

from __future__ import annotations

from ...ops import activation as _act
from ...ops import arith as _arith
from ...ops import unary as _unary
from ...tensor import Tensor


def relu(input, inplace: bool = False) -> Tensor:
    return _act.relu(input)


def sigmoid(input) -> Tensor:
    return _act.sigmoid(input)


def tanh(input) -> Tensor:
    return _unary.tanh(input)


def leaky_relu(input, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    return _act.leaky_relu(input, negative_slope)


def elu(input, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    return _act.elu(input, alpha)


def gelu(input, approximate: str = "none") -> Tensor:
    return _act.gelu(input, approximate)


def softplus(input, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    return _act.softplus(input, beta, threshold)


def silu(input, inplace: bool = False) -> Tensor:
    """x * sigmoid(x) (also called swish)."""
    return _arith.mul(input, _act.sigmoid(input))


def softmax(input, dim=None, _stacklevel=3, dtype=None) -> Tensor:
    if dtype is not None:
        input = _arith.cast(input, dtype)
    return _act.softmax(input, dim)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None) -> Tensor:
    if dtype is not None:
        input = _arith.cast(input, dtype)
    return _act.log_softmax(input, dim)
