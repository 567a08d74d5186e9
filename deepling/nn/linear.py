"""Linear (fully connected), Identity and Flatten layers."""

from __future__ import annotations

import math

from .. import _backend
from ..creation import empty
from ..ops.linalg import linear
from ..ops.shape import flatten
from . import init
from .arguments import check_sizes
from .module import Module, Parameter


class Identity(Module):
    """Returns its input unchanged (any constructor arguments are ignored, as torch)."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


class Linear(Module):
    """y = x @ weight.T + bias, as torch.nn.Linear; weight is (out_features, in_features).

    Weight and bias start uniform in (-1/sqrt(in_features), 1/sqrt(in_features)), torch's
    kaiming_uniform_(a=sqrt(5)), drawn from deepling's one generator.

    Args:
        in_features: size of each input sample (the last dim).
        out_features: size of each output sample.
        bias: whether to add a learnable bias.

    Example:
        >>> import deepling as dl
        >>> dl.nn.Linear(3, 2)(dl.ones(4, 3)).shape
        torch.Size([4, 2])
    """

    def __init__(
        self, in_features: int, out_features: int, bias: bool = True, device=None, dtype=None
    ):
        super().__init__()
        check_sizes("Linear", in_features=in_features, out_features=out_features)
        self.in_features, self.out_features = in_features, out_features
        dtype = _backend.to_dtype(dtype) or _backend.default_float
        self.weight = Parameter(empty(out_features, in_features, dtype=dtype, device=device))
        if bias:
            self.bias = Parameter(empty(out_features, dtype=dtype, device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        return linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class Flatten(Module):
    """Flattens dims start_dim..end_dim into one: (N, C, H, W) -> (N, C*H*W) by default."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input):
        return flatten(input, self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
