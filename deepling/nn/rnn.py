"""Recurrent layers with PyTorch's names and layouts: RNN (tanh or relu), LSTM and GRU.

Parameters are PyTorch's (`weight_ih_l0` (gates * H, in), `weight_hh_l0`, `bias_ih_l0`,
`bias_hh_l0`, `..._reverse`), in its order and gate order (LSTM i, f, g, o; GRU r, z, n), so a
real PyTorch state dict loads and gives PyTorch's outputs. The time loop is Python; each step is
one fused cell Function (`ops/recurrent.py`) and backward through time is the one engine's walk.
A PackedSequence runs as a padded batch with a mask: a finished sequence keeps its state.
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np

from .. import _backend
from ..creation import empty
from ..ops import recurrent as R
from ..ops.index import index_add
from ..ops.shape import cat, stack
from ..tensor import Tensor
from . import functional as F
from . import init
from .module import Module, Parameter
from .utils.rnn import PackedSequence, _int_array, _positions

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


class RNNBase(Module):
    """What RNN, LSTM and GRU share: the parameters, the checks, the loop over layers and
    directions. `mode` is 'RNN_TANH', 'RNN_RELU', 'LSTM' or 'GRU'."""

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, device=None, dtype=None):  # fmt: skip
        super().__init__()
        _check_arguments(input_size, hidden_size, num_layers, bias, batch_first, dropout)
        if proj_size:
            raise NotImplementedError("LSTM with proj_size > 0 is not supported")
        self.mode, self.input_size, self.hidden_size = mode, input_size, hidden_size
        self.num_layers, self.bias, self.batch_first = num_layers, bias, batch_first
        self.dropout, self.bidirectional, self.proj_size = float(dropout), bidirectional, 0
        dtype = _backend.to_dtype(dtype) or _backend.default_float
        gates = _GATES[mode] * hidden_size
        self._flat_weights_names, self._all_weights = [], []
        for layer in range(num_layers):
            for direction in range(2 if bidirectional else 1):
                layer_in = input_size if layer == 0 else hidden_size * (2 if bidirectional else 1)
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                shapes = {"weight_ih": (gates, layer_in), "weight_hh": (gates, hidden_size)}
                if bias:
                    shapes.update(bias_ih=(gates,), bias_hh=(gates,))
                names = []
                for name, shape in shapes.items():
                    setattr(
                        self, name + suffix, Parameter(empty(*shape, dtype=dtype, device=device))
                    )
                    names.append(name + suffix)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every weight and bias uniform in (-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        _uniform_by_hidden_size(self)

    def flatten_parameters(self) -> None:
        """PyTorch packs the weights for cuDNN here; on the CPU it does nothing, nor does this."""

    @property
    def all_weights(self) -> list:
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    @property
    def _flat_weights(self) -> list:
        return [getattr(self, name) for name in self._flat_weights_names]

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    # --- the forward pass ---
    def forward(self, input, hx=None):
        name = {"RNN_TANH": "RNN", "RNN_RELU": "RNN"}.get(self.mode, self.mode)
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx)
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}: input must be a Tensor, not {type(input).__name__}")
        if input.ndim not in (2, 3):
            raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.ndim}D instead")
        unbatched = input.ndim == 2
        x = input.unsqueeze(1) if unbatched else input
        self._check_input(x)
        batch = x.shape[0 if self.batch_first and not unbatched else 1]
        if unbatched:
            hx = self._unbatched_hx(hx)
        time = 1 if self.batch_first and not unbatched else 0
        output, h_n = self._run(R.unbind_steps(x, time), self._initial(hx, batch), None)
        output = stack(output, dim=time)
        if unbatched:
            output = output.squeeze(1)
            h_n = tuple(h.squeeze(1) for h in h_n) if isinstance(h_n, tuple) else h_n.squeeze(1)
        return output, h_n

    def _forward_packed(self, input, hx):
        data, sizes = input.data, _int_array(input.batch_sizes)
        self._check_input(data.unsqueeze(0))
        lengths = (np.arange(sizes[0])[None, :] < sizes[:, None]).sum(axis=0)
        t, b = _positions(lengths)
        padded = index_add(data, (t, b), (len(sizes), int(sizes[0]), data.shape[-1]))
        keeps = [None if n == sizes[0] else np.arange(sizes[0]) < n for n in sizes]
        if hx is not None and input.sorted_indices is not None:
            order = _int_array(input.sorted_indices)
            hx = tuple(h[:, order] for h in hx) if isinstance(hx, tuple) else hx[:, order]
        output, h_n = self._run(R.unbind_steps(padded, 0), self._initial(hx, int(sizes[0])), keeps)
        output = stack(output)[t, b]
        if input.unsorted_indices is not None:
            back = _int_array(input.unsorted_indices)
            h_n = tuple(h[:, back] for h in h_n) if isinstance(h_n, tuple) else h_n[:, back]
        return input._replace(data=output), h_n

    def _check_input(self, x) -> None:
        w = self.weight_ih_l0
        if x._data.dtype != w._data.dtype:
            raise ValueError(
                f"RNN input dtype ({x.dtype}) does not match weight dtype ({w.dtype}). "
                f"Convert input: input.to({w.dtype}), or convert model: model.to({x.dtype})"
            )
        if x.shape[-1] != self.input_size:
            raise RuntimeError(
                f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                f"got {x.shape[-1]}"
            )

    def _unbatched_hx(self, hx):
        if hx is None:
            return None
        parts = hx if isinstance(hx, tuple) else (hx,)
        if any(h.ndim != 2 for h in parts):
            raise RuntimeError(
                f"For unbatched 2-D input, hx should also be 2-D but got "
                f"{', '.join(f'{h.ndim}-D' for h in parts)} tensor"
            )
        return tuple(h.unsqueeze(1) for h in parts) if isinstance(hx, tuple) else hx.unsqueeze(1)

    def _initial(self, hx, batch):
        """One initial state per layer and direction: (N, H), or (2, N, H) [h; c] for LSTM."""
        count = self.num_layers * (2 if self.bidirectional else 1)
        expected = (count, batch, self.hidden_size)
        dtype = self.weight_ih_l0._data.dtype
        if self.mode == "LSTM":
            if hx is None:
                zero = Tensor._wrap(np.zeros((2, batch, self.hidden_size), dtype))
                return [zero] * count
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise RuntimeError("LSTM: hx must be a tuple (h_0, c_0)")
            for k, h in enumerate(hx):
                _check_hidden(h, expected, f"Expected hidden[{k}] size {{}}, got {{}}")
            h0, c0 = hx
            return [stack([h0[i], c0[i]]) for i in range(count)]
        if hx is None:
            return [Tensor._wrap(np.zeros((batch, self.hidden_size), dtype))] * count
        _check_hidden(hx, expected, "Expected hidden size {}, got {}")
        return [hx[i] for i in range(count)]

    def _step(self, layer, direction):
        """step(x_t, state, keep_t) -> state, for one layer and direction."""
        suffix = f"_l{layer}" + ("_reverse" if direction else "")
        w_ih, w_hh = getattr(self, "weight_ih" + suffix), getattr(self, "weight_hh" + suffix)
        b_ih = getattr(self, "bias_ih" + suffix) if self.bias else None
        b_hh = getattr(self, "bias_hh" + suffix) if self.bias else None
        if self.mode == "LSTM":
            return lambda x, s, keep: R.LSTMCell(False, keep)(x, s, w_ih, w_hh, b_ih, b_hh)
        if self.mode == "GRU":
            return lambda x, s, keep: R.GRUCell(False, keep)(x, s, w_ih, w_hh, b_ih, b_hh)
        act = "tanh" if self.mode == "RNN_TANH" else "relu"
        return lambda x, s, keep: R.RNNCell(act, False, keep)(x, s, w_ih, w_hh, b_ih, b_hh)

    def _run(self, xs, initial, keeps):
        """Each layer over the list of steps `xs`: the last layer's outputs (a list) and h_n
        ((h_n, c_n) for LSTM)."""
        directions = 2 if self.bidirectional else 1
        lstm = self.mode == "LSTM"
        finals = []
        for layer in range(self.num_layers):
            outs = []
            for d in range(directions):
                step = self._step(layer, d)
                states, last = R.scan(step, xs, initial[layer * directions + d], keeps, d == 1)
                outs.append([s[0] for s in states] if lstm else states)
                finals.append(last)
            xs = outs[0] if directions == 1 else [cat(pair, dim=-1) for pair in zip(*outs)]
            if self.training and self.dropout and layer < self.num_layers - 1:
                xs = [F.dropout(x, self.dropout) for x in xs]
        if lstm:
            return xs, (stack([f[0] for f in finals]), stack([f[1] for f in finals]))
        return xs, stack(finals)


def _check_hidden(h, expected, message) -> None:
    if not isinstance(h, Tensor):
        raise TypeError(f"hx must be a Tensor, not {type(h).__name__}")
    if tuple(h.shape) != expected:
        raise RuntimeError(message.format(expected, list(h.shape)))


def _uniform_by_hidden_size(module) -> None:
    """PyTorch's start for recurrent layers and cells: every parameter uniform in
    (-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
    bound = 1.0 / math.sqrt(module.hidden_size) if module.hidden_size > 0 else 0
    for weight in module.parameters():
        init.uniform_(weight, -bound, bound)


def _check_arguments(input_size, hidden_size, num_layers, bias, batch_first, dropout) -> None:
    """PyTorch's checks of the constructor's arguments, in its order and words."""
    if (
        not isinstance(dropout, numbers.Number)
        or not 0 <= dropout <= 1
        or isinstance(dropout, bool)
    ):
        raise ValueError(
            "dropout should be a number in range [0, 1] representing the probability of an "
            "element being zeroed"
        )
    if dropout > 0 and num_layers == 1:
        warnings.warn(
            "dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
            f"expects num_layers greater than 1, but got dropout={dropout} and "
            f"num_layers={num_layers}",
            stacklevel=3,
        )
    for name, value in (("bias", bias), ("batch_first", batch_first)):
        if not isinstance(value, bool):
            raise TypeError(f"{name} should be of type bool, got: {type(value).__name__}")
    for name, value in (("input_size", input_size), ("hidden_size", hidden_size)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"{name} should be of type int, got: {type(value).__name__}")
        if value <= 0:
            raise ValueError(f"{name} must be greater than zero")
    if not isinstance(num_layers, int) or num_layers <= 0:
        raise ValueError("num_layers must be greater than zero")


class RNN(RNNBase):
    """An Elman RNN: h_t = act(x_t W_ih^T + b_ih + h_(t-1) W_hh^T + b_hh), act tanh or relu.

    Args:
        input_size, hidden_size: sizes of x_t and h_t.
        num_layers: stacked layers (each reads the outputs of the one below).
        nonlinearity: 'tanh' or 'relu'.
        bias: whether to use b_ih and b_hh.
        batch_first: input and output are (N, L, H) instead of (L, N, H); h_n is always
            (num_layers * directions, N, H).
        dropout: dropout on the outputs of each layer but the last, while training.
        bidirectional: a second pass from the end; outputs are concatenated.

    Returns:
        `output, h_n` for input (L, N, in) (or a PackedSequence) and optional h_0.

    Example:
        >>> import deepling as dl
        >>> out, h = dl.nn.RNN(3, 5, batch_first=True)(dl.ones(2, 7, 3))
        >>> out.shape, h.shape
        (torch.Size([2, 7, 5]), torch.Size([1, 2, 5]))
    """

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, device=None, dtype=None):  # fmt: skip
        modes = {"tanh": "RNN_TANH", "relu": "RNN_RELU"}
        if nonlinearity not in modes:
            raise ValueError(
                f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'."
            )
        self.nonlinearity = nonlinearity
        super().__init__(modes[nonlinearity], input_size, hidden_size, num_layers, bias,
                         batch_first, dropout, bidirectional, device=device, dtype=dtype)  # fmt: skip


class LSTM(RNNBase):
    """Long short-term memory: gates [i f g o] = x W_ih^T + b_ih + h W_hh^T + b_hh (i, f, o
    sigmoid, g tanh), c_t = f c_(t-1) + i g, h_t = o tanh(c_t).

    Arguments as `RNN` (without nonlinearity; `proj_size` > 0 is not supported).

    Returns:
        `output, (h_n, c_n)`, for input and an optional `(h_0, c_0)`.

    Example:
        >>> import deepling as dl
        >>> out, (h, c) = dl.nn.LSTM(3, 5, num_layers=2)(dl.ones(7, 2, 3))
        >>> out.shape, h.shape, c.shape
        (torch.Size([7, 2, 5]), torch.Size([2, 2, 5]), torch.Size([2, 2, 5]))
    """

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, device=None, dtype=None):  # fmt: skip
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, proj_size, device, dtype)  # fmt: skip


class GRU(RNNBase):
    """Gated recurrent unit: r, z = sigmoid(...), n = tanh(x W_in^T + b_in + r (h W_hn^T +
    b_hn)), h_t = (1 - z) n + z h_(t-1). Arguments and results as `RNN`.

    Example:
        >>> import deepling as dl
        >>> out, h = dl.nn.GRU(3, 5, bidirectional=True)(dl.ones(7, 2, 3))
        >>> out.shape, h.shape
        (torch.Size([7, 2, 10]), torch.Size([2, 2, 5]))
    """

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, device=None, dtype=None):  # fmt: skip
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, device=device, dtype=dtype)  # fmt: skip
