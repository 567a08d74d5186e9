"""Keras's recurrent cells: SimpleRNNCell, LSTMCell and GRUCell, with Keras's layouts.

Weights are Keras's: `kernel` (in, gates * units), `recurrent_kernel` (units, gates * units),
`bias` (gates * units,), or (2, 3 * units) for a GRU with reset_after=True; gate order LSTM
i, f, c, o and GRU z, r, h, so `set_weights` takes real Keras weights.

`call(inputs, states, training)` is the cell written with ops, as Keras writes it (any
activation, per-gate dropout masks). The RNN layer runs the fused cell of `ops/recurrent.py`
instead (`fused_step`) when the activations are the defaults and no recurrent dropout is on.
Dropout masks are drawn once per layer call and shared by every step, as Keras does.
"""

from __future__ import annotations

import numpy as np

from ... import _backend
from ...ops import recurrent as R
from ...ops.linalg import affine, matmul
from ...ops.shape import stack
from ...tensor import Tensor
from .. import activations, constraints, initializers, regularizers
from .base import Layer


class _ForgetBias:
    """LSTM's bias initializer with unit_forget_bias: ones for the forget gate's block."""

    def __init__(self, base, units):
        self.base, self.units = base, units

    def __call__(self, shape, dtype=None):
        u = self.units
        parts = [self.base((u,), dtype), np.ones((u,), dtype), self.base((2 * u,), dtype)]
        return np.concatenate([np.asarray(p) for p in parts]).astype(dtype)


class _Cell(Layer):
    """What the three cells share: arguments, weights, dropout masks and initial states."""

    gates = 1

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        if not isinstance(units, int) or units <= 0:
            raise ValueError(
                f"Received an invalid value for argument `units`, expected a positive integer, "
                f"got {units}."
            )
        self.units, self.use_bias = units, use_bias
        self.activation = activations.get(activation)
        self.settings = {
            "kernel": (kernel_initializer, kernel_regularizer, kernel_constraint),
            "recurrent_kernel": (
                recurrent_initializer,
                recurrent_regularizer,
                recurrent_constraint,
            ),
            "bias": (bias_initializer, bias_regularizer, bias_constraint),
        }
        self.dropout = min(1.0, max(0.0, float(dropout)))
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)
        self._masks = None  # (input masks, recurrent masks) while a layer call runs

    @property
    def state_size(self):
        return self.units

    @property
    def output_size(self):
        return self.units

    def _bias_shape(self):
        return (self.gates * self.units,)

    def _bias_initializer(self):
        return self.settings["bias"][0]

    def build(self, input_shape):
        shapes = {
            "kernel": (input_shape[-1], self.gates * self.units),
            "recurrent_kernel": (self.units, self.gates * self.units),
        }
        if self.use_bias:
            shapes["bias"] = self._bias_shape()
        for name, shape in shapes.items():
            init, reg, con = self.settings[name]
            init = self._bias_initializer() if name == "bias" else init
            self.add_weight(name, shape, initializer=init, regularizer=reg, constraint=con)

    # --- dropout masks: one draw per layer call, shared by all steps ---
    def _per_gate(self) -> int:
        """Keras draws one mask per gate when recurrent dropout is on (its implementation 1)."""
        return self.gates if self.recurrent_dropout else 1

    def _draw(self, shape, rate, dtype):
        rng = self._rng or _backend.rng()
        masks = [
            Tensor._wrap(((rng.random(shape) >= rate) / (1 - rate)).astype(dtype))
            for _ in range(self._per_gate())
        ]
        return masks if self._per_gate() > 1 else masks[0]

    def begin(self, inputs_shape, dtype, training) -> None:
        """Draw this call's dropout masks (none unless training)."""
        dp = rdp = None
        if training and 0 < self.dropout < 1:
            dp = self._draw(inputs_shape, self.dropout, dtype)
        if training and 0 < self.recurrent_dropout < 1:
            rdp = self._draw((inputs_shape[0], self.units), self.recurrent_dropout, dtype)
        self._masks = (dp, rdp)

    def end(self) -> None:
        self._masks = None

    def _step_masks(self, x, training):
        if self._masks is None:  # called on its own, outside an RNN layer
            self.begin(x.shape, x._data.dtype, training)
            masks, self._masks = self._masks, None
            return masks
        return self._masks

    def get_initial_state(self, batch_size):
        sizes = self.state_size if isinstance(self.state_size, list) else [self.state_size]
        return [Tensor._wrap(np.zeros((batch_size, s), self.dtype)) for s in sizes]

    def _gate_inputs(self, x, h, training):
        """x and h once per gate, each times its dropout mask (when training)."""
        dp, rdp = self._step_masks(x, training)
        g = self.gates
        xs = [x * m for m in dp] if isinstance(dp, list) else [x if dp is None else x * dp] * g
        hs = [h * m for m in rdp] if isinstance(rdp, list) else [h if rdp is None else h * rdp] * g
        return xs, hs

    def _block(self, w, k):
        return w[..., k * self.units : (k + 1) * self.units]

    def get_config(self):
        def ser(kind, value):
            return kind.serialize(value) if value is not None else None

        config = {**super().get_config(), "units": self.units, "use_bias": self.use_bias,
                  "activation": activations.serialize(self.activation)}  # fmt: skip
        for name, (init, reg, con) in self.settings.items():
            config[f"{name}_initializer"] = initializers.serialize(initializers.get(init))
            config[f"{name}_regularizer"] = ser(regularizers, regularizers.get(reg))
            config[f"{name}_constraint"] = ser(constraints, constraints.get(con))
        config.update(
            dropout=self.dropout, recurrent_dropout=self.recurrent_dropout, seed=self.seed
        )
        return {k.replace("recurrent_kernel_", "recurrent_"): v for k, v in config.items()}


class SimpleRNNCell(_Cell):
    """h' = activation(x @ kernel + bias + h @ recurrent_kernel).

    Example:
        >>> import numpy as np
        >>> from deepling.keras.layers import SimpleRNNCell
        >>> cell = SimpleRNNCell(4)
        >>> out, states = cell(np.ones((2, 3), "float32"), [np.zeros((2, 4), "float32")])
        >>> out.shape
        torch.Size([2, 4])
    """

    def call(self, inputs, states, training=False):
        h = states[0] if isinstance(states, (list, tuple)) else states
        (x,), (hd,) = self._gate_inputs(inputs, _tensor(h), training)
        z = affine(x, self.kernel, self.bias if self.use_bias else None)
        out = self.activation(z + matmul(hd, self.recurrent_kernel))
        return out, [out] if isinstance(states, (list, tuple)) else out

    def fused_step(self, training):
        kind = {activations.tanh: "tanh", activations.relu: "relu"}.get(self.activation)
        if kind is None or (training and self.recurrent_dropout):
            return None
        k, u, b = self.kernel, self.recurrent_kernel, self.bias if self.use_bias else None
        return lambda x, h, keep: R.RNNCell(kind, True, keep)(x, h, k, u, b, None)


class _GatedCell(_Cell):
    """LSTM and GRU: gates through recurrent_activation; the fused step only with Keras's
    default activations (tanh, sigmoid) and no recurrent dropout while training."""

    def __init__(self, units, activation, recurrent_activation, use_bias, kernel_initializer,
                 recurrent_initializer, bias_initializer, **kwargs):  # fmt: skip
        super().__init__(units, activation, use_bias, kernel_initializer, recurrent_initializer,
                         bias_initializer, **kwargs)  # fmt: skip
        self.recurrent_activation = activations.get(recurrent_activation)

    def _fusable(self, training) -> bool:
        act, rec = self.activation, self.recurrent_activation
        defaults = act is activations.tanh and rec is activations.sigmoid
        return defaults and not (training and self.recurrent_dropout)

    def _gated_config(self, **own):
        return {**super().get_config(), **own,
                "recurrent_activation": activations.serialize(self.recurrent_activation)}  # fmt: skip


class LSTMCell(_GatedCell):
    """Keras's LSTM step: [i f c o] = x @ kernel + h @ recurrent_kernel + bias;
    c' = f c + i activation(c_gate), h' = o activation(c'); i, f, o through
    recurrent_activation. States [h, c].

    Args:
        units: size of h and c.
        unit_forget_bias: start the forget gate's bias at 1 (with bias_initializer='zeros').
        Others as SimpleRNNCell, plus recurrent_activation ('sigmoid').
    """

    gates = 4

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, **kwargs):  # fmt: skip
        super().__init__(units, activation, recurrent_activation, use_bias, kernel_initializer,
                         recurrent_initializer, bias_initializer, **kwargs)  # fmt: skip
        self.unit_forget_bias = unit_forget_bias

    @property
    def state_size(self):
        return [self.units, self.units]

    def _bias_initializer(self):
        init = initializers.get(self.settings["bias"][0])
        return _ForgetBias(init, self.units) if self.unit_forget_bias else init

    def call(self, inputs, states, training=False):
        h, c = _tensor(states[0]), _tensor(states[1])
        xs, hs = self._gate_inputs(inputs, h, training)
        z = [self._preactivation(xs[k], hs[k], k) for k in range(4)]
        act, rec = self.activation, self.recurrent_activation
        c = rec(z[1]) * c + rec(z[0]) * act(z[2])
        h = rec(z[3]) * act(c)
        return h, [h, c]

    def _preactivation(self, x, h, k):
        b = self._block(self.bias, k) if self.use_bias else None
        return affine(x, self._block(self.kernel, k), b) + h @ self._block(self.recurrent_kernel, k)

    def fused_step(self, training):
        if not self._fusable(training):
            return None
        k, u, b = self.kernel, self.recurrent_kernel, self.bias if self.use_bias else None
        return lambda x, s, keep: R.LSTMCell(True, keep)(x, s, k, u, b, None)

    def get_config(self):
        return self._gated_config(unit_forget_bias=self.unit_forget_bias)


class GRUCell(_GatedCell):
    """Keras's GRU step, gate blocks z, r, h: z, r = recurrent_activation(...);
    reset_after=True (Keras 3's default, PyTorch's formula): hh = activation(x k_h + b_h +
    r (h u_h + b'_h)), bias (2, 3 units); reset_after=False: hh = activation(x k_h + b_h +
    (r h) u_h), bias (3 units,). h' = z h + (1 - z) hh."""

    gates = 3

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", reset_after=True, **kwargs):  # fmt: skip
        super().__init__(units, activation, recurrent_activation, use_bias, kernel_initializer,
                         recurrent_initializer, bias_initializer, **kwargs)  # fmt: skip
        self.reset_after = reset_after

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def call(self, inputs, states, training=False):
        h = _tensor(states[0] if isinstance(states, (list, tuple)) else states)
        xs, hs = self._gate_inputs(inputs, h, training)
        b_in = b_rec = None
        if self.use_bias:
            b_in, b_rec = (self.bias[0], self.bias[1]) if self.reset_after else (self.bias, None)
        x_g = [affine(xs[k], self._block(self.kernel, k), _part(self, b_in, k)) for k in range(3)]
        u = self.recurrent_kernel
        r_in = [hs[k] @ self._block(u, k) for k in range(2)]
        if b_rec is not None:
            r_in = [r_in[k] + self._block(b_rec, k) for k in range(2)]
        z = self.recurrent_activation(x_g[0] + r_in[0])
        r = self.recurrent_activation(x_g[1] + r_in[1])
        if self.reset_after:
            rh = hs[2] @ self._block(u, 2)
            rh = r * (rh if b_rec is None else rh + self._block(b_rec, 2))
        else:
            rh = (r * hs[2]) @ self._block(u, 2)
        hh = self.activation(x_g[2] + rh)
        out = z * h + (1 - z) * hh
        return out, [out] if isinstance(states, (list, tuple)) else out

    def fused_step(self, training):
        if not self._fusable(training):
            return None
        k, u, after = self.kernel, self.recurrent_kernel, self.reset_after
        b_in = b_rec = None
        if self.use_bias:
            b_in, b_rec = (self.bias[0], self.bias[1]) if after else (self.bias, None)
        return lambda x, h, keep: R.GRUCell(True, keep, True, after)(x, h, k, u, b_in, b_rec)

    def get_config(self):
        return self._gated_config(reset_after=self.reset_after)


def _part(cell, bias, k):
    return None if bias is None else cell._block(bias, k)


def _tensor(x):
    if isinstance(x, Tensor):
        return x
    return Tensor._wrap(np.asarray(x.numpy() if hasattr(x, "numpy") else x, np.float32))


def stacked_state(cell, states):
    """The fused LSTM's one state (2, N, units) from Keras's [h, c]; others' first state."""
    return stack([_tensor(states[0]), _tensor(states[1])]) if cell.gates == 4 else states[0]
