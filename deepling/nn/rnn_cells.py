"""One-step recurrent cells with PyTorch's names: RNNCell, LSTMCell and GRUCell.

Each holds `weight_ih` (gates * H, in), `weight_hh` (gates * H, H), `bias_ih`, `bias_hh`
(uniform in ±1/sqrt(H), as PyTorch) and runs one fused cell Function of `ops/recurrent.py`.
Inputs are (N, in) or unbatched (in,).
"""

from __future__ import annotations

import numpy as np

from .. import _backend
from ..creation import empty
from ..ops import recurrent as R
from ..ops.shape import stack
from ..tensor import Tensor
from .module import Module, Parameter
from .rnn import _check_arguments, _uniform_by_hidden_size


class RNNCellBase(Module):
    """The parameters and checks the three cells share."""

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        _check_arguments(input_size, hidden_size, 1, bias, False, 0.0)
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        dtype = _backend.to_dtype(dtype) or _backend.default_float
        gates = num_chunks * hidden_size
        self.weight_ih = Parameter(empty(gates, input_size, dtype=dtype, device=device))
        self.weight_hh = Parameter(empty(gates, hidden_size, dtype=dtype, device=device))
        if bias:
            self.bias_ih = Parameter(empty(gates, dtype=dtype, device=device))
            self.bias_hh = Parameter(empty(gates, dtype=dtype, device=device))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        _uniform_by_hidden_size(self)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def _prepare(self, input, hx, count):
        """(input as (N, in), the states as (N, H) tensors, whether it was unbatched)."""
        name = type(self).__name__
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}: input must be a Tensor, not {type(input).__name__}")
        if input.ndim not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.ndim}D instead")
        unbatched = input.ndim == 1
        x = input.unsqueeze(0) if unbatched else input
        if x.shape[1] != self.input_size:
            raise RuntimeError(
                f"input has inconsistent input_size: got {x.shape[1]} expected {self.input_size}"
            )
        if hx is None:
            zero = Tensor._wrap(np.zeros((x.shape[0], self.hidden_size), x._data.dtype))
            return x, [zero] * count, unbatched
        states = list(hx) if count > 1 else [hx]
        for k, h in enumerate(states):
            if h.ndim != input.ndim:
                raise ValueError(
                    f"{name}: Expected hx[{k}] to be {input.ndim}D like the input, got {h.ndim}D"
                )
            h = h.unsqueeze(0) if unbatched else h
            if h.shape[0] != x.shape[0]:
                raise RuntimeError(
                    f"Input batch size {x.shape[0]} doesn't match hidden{k} batch size {h.shape[0]}"
                )
            if h.shape[1] != self.hidden_size:
                raise RuntimeError(
                    f"hidden{k} has inconsistent hidden_size: got {h.shape[1]}, expected "
                    f"{self.hidden_size}"
                )
            states[k] = h
        return x, states, unbatched


class RNNCell(RNNCellBase):
    """h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh), act 'tanh' or 'relu'.

    Example:
        >>> import deepling as dl
        >>> dl.nn.RNNCell(3, 4)(dl.ones(2, 3)).shape
        torch.Size([2, 4])
    """

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None,
                 dtype=None):  # fmt: skip
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity: {nonlinearity}")
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        x, (h,), unbatched = self._prepare(input, hx, 1)
        out = R.rnn_cell(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh,
                         nonlinearity=self.nonlinearity)  # fmt: skip
        return out.squeeze(0) if unbatched else out


class LSTMCell(RNNCellBase):
    """One LSTM step: returns (h', c') for input and an optional (h, c).

    Example:
        >>> import deepling as dl
        >>> h, c = dl.nn.LSTMCell(3, 4)(dl.ones(2, 3))
        >>> h.shape, c.shape
        (torch.Size([2, 4]), torch.Size([2, 4]))
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input, hx=None):
        x, (h, c), unbatched = self._prepare(input, hx, 2)
        out = R.lstm_cell(x, stack([h, c]), self.weight_ih, self.weight_hh, self.bias_ih,
                          self.bias_hh)  # fmt: skip
        h, c = out[0], out[1]
        return (h.squeeze(0), c.squeeze(0)) if unbatched else (h, c)


class GRUCell(RNNCellBase):
    """One GRU step: h' = (1 - z) n + z h (PyTorch's gate order r, z, n).

    Example:
        >>> import deepling as dl
        >>> dl.nn.GRUCell(3, 4)(dl.ones(3)).shape
        torch.Size([4])
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input, hx=None):
        x, (h,), unbatched = self._prepare(input, hx, 1)
        out = R.gru_cell(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return out.squeeze(0) if unbatched else out
