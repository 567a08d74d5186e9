"""Keras's recurrent layers: RNN(cell), SimpleRNN, LSTM, GRU, and StackedRNNCells.

Inputs are (batch, steps, features). The loop over steps is Python; each step is one fused
cell Function when the cell allows it (`fused_step`), else the cell's own `call`. A mask
(from `Embedding(mask_zero=True)`, `Masking` or `mask=`) makes a masked step keep the states
and repeat the last output, as Keras's backend.rnn does.
"""

from __future__ import annotations

import numpy as np

from ...ops import recurrent as R
from ...ops.arith import mul, where
from ...ops.shape import stack
from ...tensor import Tensor
from .. import regularizers
from .base import Layer
from .masks import as_mask
from .rnn_cells import GRUCell, LSTMCell, SimpleRNNCell, _tensor, stacked_state


class StackedRNNCells(Layer):
    """Cells run one after another within each step: `RNN([LSTMCell(8), LSTMCell(4)])`."""

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        self.cells = list(cells)
        for k, cell in enumerate(self.cells):
            self.add_module(f"cell_{k}", cell)

    @property
    def state_size(self):
        return [c.state_size for c in self.cells]

    @property
    def output_size(self):
        last = self.cells[-1]
        return getattr(last, "output_size", _first(last.state_size))

    def build(self, input_shape):
        for cell in self.cells:
            cell.maybe_build(input_shape)
            input_shape = (input_shape[0], getattr(cell, "output_size", _first(cell.state_size)))

    def get_initial_state(self, batch_size):
        return [_initial_states(c, batch_size) for c in self.cells]

    def call(self, inputs, states, training=False):
        new_states = []
        for cell, state in zip(self.cells, states):
            inputs, state = cell(inputs, state, training=training)
            new_states.append(state)
        return inputs, new_states


def _first(size):
    return size[0] if isinstance(size, (list, tuple)) else size


def _initial_states(cell, batch_size):
    found = getattr(cell, "get_initial_state", None)
    if found is not None:
        states = found(batch_size)
        return list(states) if isinstance(states, (list, tuple)) else [states]
    sizes = cell.state_size if isinstance(cell.state_size, (list, tuple)) else [cell.state_size]
    return [Tensor._wrap(np.zeros((batch_size, s), np.float32)) for s in sizes]


class RNN(Layer):
    """Runs `cell` over the steps of (batch, steps, features) inputs.

    Args:
        cell: a cell (`LSTMCell(32)`, any layer with `call(x, states)` and `state_size`) or a
            list of cells (stacked).
        return_sequences: return every step's output (batch, steps, units), not the last.
        return_state: also return the last states: `[output, *states]`.
        go_backwards: process the steps from the end; returned sequences stay reversed.
        stateful: keep the last states of a batch as the next batch's initial states (the
            batch size must stay the same; `reset_states()` zeroes them).
        unroll: Keras's compilation hint; eager NumPy code runs the same either way.
        zero_output_for_mask: masked steps output zeros instead of the last output.

    Call args: `inputs`, `initial_state` (list of states), `mask` (batch, steps), `training`.

    Example:
        >>> import numpy as np
        >>> from deepling.keras.layers import RNN, LSTMCell
        >>> RNN(LSTMCell(4))(np.ones((2, 5, 3), "float32")).shape
        torch.Size([2, 4])
    """

    supports_masking = True

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, zero_output_for_mask=False, **kwargs):  # fmt: skip
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if not hasattr(cell, "call") or not hasattr(cell, "state_size"):
            raise ValueError(
                "Argument `cell` should have a `call` method and a `state_size` attribute. "
                f"Received: cell={cell}"
            )
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences, self.return_state = return_sequences, return_state
        self.go_backwards, self.stateful, self.unroll = go_backwards, stateful, unroll
        self.zero_output_for_mask = zero_output_for_mask
        self.states = None  # the kept states of a stateful layer

    @property
    def state_size(self):
        size = self.cell.state_size
        return list(size) if isinstance(size, (list, tuple)) else [size]

    def build(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError(
                f'Input 0 of layer "{self.name}" is incompatible with the layer: expected '
                f"ndim=3, found ndim={len(input_shape)}. Full shape received: {tuple(input_shape)}"
            )
        if isinstance(self.cell, Layer):
            self.cell.maybe_build((input_shape[0], input_shape[-1]))

    def _check(self, x):
        kernel = getattr(self.cell, "kernel", None)
        if x.ndim != 3:
            raise ValueError(
                f'Input 0 of layer "{self.name}" is incompatible with the layer: expected '
                f"ndim=3, found ndim={x.ndim}. Full shape received: {tuple(x.shape)}"
            )
        if kernel is not None and x.shape[-1] != kernel.shape[0]:
            raise ValueError(
                f'Input 0 of layer "{self.name}" is incompatible with the layer: expected axis -1 '
                f"of input shape to have value {kernel.shape[0]}, but received input with shape "
                f"{(None, *x.shape[1:])}"
            )

    def _initial(self, batch, initial_state):
        if initial_state is None:
            if self.stateful:
                if self.states is None:
                    self.states = _initial_states(self.cell, batch)
                if self.states[0].shape[0] != batch:
                    raise ValueError(
                        "If an RNN is stateful, the batch size of the input sequences must be "
                        f"the same as the batch size of the initial state. \n- Expected batch "
                        f"size: {self.states[0].shape[0]}\n- Received batch size: {batch}"
                    )
                return list(self.states)
            return _initial_states(self.cell, batch)
        states = (
            list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        )
        states = [_tensor(s) for s in states]
        sizes = self.state_size
        if len(states) != len(sizes) or any(
            tuple(s.shape) != (batch, n) for s, n in zip(states, sizes) if isinstance(n, int)
        ):
            raise ValueError(
                f"Layer {self.name} expects {len(sizes)} initial state(s) of shape "
                f"{[(batch, n) for n in sizes]}, but received: "
                f"{[tuple(s.shape) for s in states]}"
            )
        return states

    def call(self, sequences, initial_state=None, mask=None, training=None):
        training = self.training if training is None else training
        self._check(sequences)
        batch, steps = sequences.shape[0], sequences.shape[1]
        mask = as_mask(mask)
        if mask is not None and mask.shape != (batch, steps):
            raise ValueError(
                f"Layer {self.name}: the mask must be (batch, steps) = {(batch, steps)}, got "
                f"{mask.shape}"
            )
        states = self._initial(batch, initial_state)
        cell = self.cell
        fused = getattr(cell, "fused_step", None)
        if hasattr(cell, "begin"):
            cell.begin((batch, sequences.shape[-1]), sequences._data.dtype, training)
        try:
            step = fused(training) if fused is not None else None
            if step is not None:
                outputs, states = self._fused_loop(step, sequences, states, mask)
            else:
                outputs, states = self._cell_loop(sequences, states, mask, training)
        finally:
            if hasattr(cell, "end"):
                cell.end()
        if self.stateful:
            self.states = [Tensor._wrap(s._data.copy()) for s in states]
        if self.return_sequences:
            output = stack(outputs, dim=1)
            if self.zero_output_for_mask and mask is not None:
                keep = mask[:, ::-1] if self.go_backwards else mask
                output = mul(output, Tensor._wrap(keep[..., None].astype(output._data.dtype)))
        else:
            output = outputs[-1]
        return [output, *states] if self.return_state else output

    def _keeps(self, mask):
        if mask is None:
            return None
        return [None if mask[:, t].all() else mask[:, t] for t in range(mask.shape[1])]

    def _fused_loop(self, step, sequences, states, mask):
        """The fused cell over the steps; outputs in processing order, and the last states."""
        dp = self.cell._masks[0] if getattr(self.cell, "_masks", None) else None
        if dp is not None:  # one input mask for every step (Keras's implementation 2)
            sequences = sequences * dp.unsqueeze(1)
        lstm = getattr(self.cell, "gates", 0) == 4
        seq_states, last = R.scan(step, R.unbind_steps(sequences, 1), stacked_state(self.cell, states),
                                  self._keeps(mask), self.go_backwards)  # fmt: skip
        outputs = [s[0] for s in seq_states] if lstm else seq_states
        if self.go_backwards:
            outputs = outputs[::-1]
        return outputs, ([last[0], last[1]] if lstm else [last])

    def _cell_loop(self, sequences, states, mask, training):
        """The cell's own call over the steps (any cell), masks applied with where."""
        xs = R.unbind_steps(sequences, 1)
        order = range(len(xs) - 1, -1, -1) if self.go_backwards else range(len(xs))
        nested = isinstance(self.cell.state_size, (list, tuple))
        takes_training = "training" in _call_arguments(self.cell)
        outputs, previous = [], None
        for t in order:
            kwargs = {"training": training} if takes_training else {}
            out, new = self.cell(xs[t], states if nested else states[0], **kwargs)
            new = list(new) if isinstance(new, (list, tuple)) else [new]
            if mask is not None and not mask[:, t].all():
                keep = Tensor._wrap(mask[:, t][:, None])
                previous = previous if previous is not None else out * 0
                out = where(keep, out, previous)
                new = [_where_nested(keep, n, o) for n, o in zip(new, states)]
            outputs.append(out)
            previous, states = out, new
        return outputs, states

    def reset_states(self, states=None):
        """Zero the kept states of a stateful layer (or set them to `states`)."""
        if states is not None:
            self.states = [_tensor(s) for s in states]
        elif self.states is not None:
            self.states = [Tensor._wrap(np.zeros_like(s._data)) for s in self.states]

    reset_state = reset_states

    def get_initial_state(self, batch_size):
        return _initial_states(self.cell, batch_size)

    def compute_mask(self, inputs, mask=None):
        output_mask = mask if self.return_sequences else None
        return [output_mask] + [None] * len(self.state_size) if self.return_state else output_mask

    def compute_output_shape(self, input_shape):
        units = getattr(self.cell, "output_size", _first(self.state_size[0]))
        batch = input_shape[0]
        out = (batch, input_shape[1], units) if self.return_sequences else (batch, units)
        if not self.return_state:
            return out
        return [out] + [(batch, _first(s)) for s in self.state_size]

    def get_config(self):
        config = {
            **super().get_config(),
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
        }
        if type(self) is RNN:
            from ..serialization_lib import serialize_keras_object

            config["cell"] = serialize_keras_object(self.cell)
        return config

    @classmethod
    def from_config(cls, config):
        if "cell" in config:  # RNN(cell): the cell's own serialized config
            from ..serialization_lib import deserialize_keras_object

            config = {**config, "cell": deserialize_keras_object(config["cell"])}
        return cls(**config)


def _where_nested(keep, new, old):
    if isinstance(new, (list, tuple)):
        return [_where_nested(keep, n, o) for n, o in zip(new, old)]
    return where(keep, new, old)


def _call_arguments(cell):
    import inspect

    return inspect.signature(cell.call).parameters


_LAYER_ARGS = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll",
               "zero_output_for_mask", "name", "trainable", "dtype", "input_shape",
               "batch_input_shape")  # fmt: skip


class _Layer(RNN):
    """SimpleRNN, LSTM, GRU: an RNN over their own cell, built from the same arguments."""

    cell_class = None

    def __init__(self, units, activity_regularizer=None, use_cudnn="auto", **kwargs):
        if use_cudnn is True:
            raise ValueError(
                "use_cudnn=True was specified, but cuDNN is not available: deepling runs on "
                "NumPy. Pass use_cudnn='auto' or False."
            )
        layer_kwargs = {k: kwargs.pop(k) for k in _LAYER_ARGS if k in kwargs}
        cell = self.cell_class(
            units, **kwargs, name=f"{self._cell_name()}", dtype=layer_kwargs.get("dtype")
        )
        super().__init__(cell, activity_regularizer=activity_regularizer, **layer_kwargs)
        self.units = units
        if self.input_spec_shape is not None:
            self.maybe_build(self.input_spec_shape)

    @classmethod
    def _cell_name(cls):
        from .base import snake_case, unique_name

        return unique_name(snake_case(cls.cell_class.__name__))

    def get_config(self):
        cell = {
            k: v
            for k, v in self.cell.get_config().items()
            if k not in ("name", "trainable", "dtype")
        }
        activity = regularizers.serialize(self.activity_regularizer)  # Keras writes it always
        return {**super().get_config(), **cell, "activity_regularizer": activity}


class SimpleRNN(_Layer):
    """A fully connected RNN: h_t = activation(x_t @ kernel + bias + h_(t-1) @
    recurrent_kernel). Arguments as SimpleRNNCell and RNN.

    Example:
        >>> import numpy as np
        >>> from deepling.keras.layers import SimpleRNN
        >>> SimpleRNN(4, return_sequences=True)(np.ones((2, 5, 3), "float32")).shape
        torch.Size([2, 5, 4])
    """

    cell_class = SimpleRNNCell

    def get_config(self):  # Keras 3's SimpleRNN leaves its cell's seed out of its config
        return {k: v for k, v in super().get_config().items() if k != "seed"}


class LSTM(_Layer):
    """Long short-term memory (Hochreiter 1997) with Keras's weights: `cell.kernel` (in,
    4 units), `cell.recurrent_kernel` (units, 4 units), `cell.bias` (4 units,), gates i, f, c, o.
    Arguments as LSTMCell and RNN.

    Example:
        >>> import numpy as np
        >>> from deepling.keras.layers import LSTM
        >>> out, h, c = LSTM(4, return_state=True)(np.ones((2, 5, 3), "float32"))
        >>> out.shape, c.shape
        (torch.Size([2, 4]), torch.Size([2, 4]))
    """

    cell_class = LSTMCell


class GRU(_Layer):
    """Gated recurrent unit (Cho 2014) with Keras's weights (gates z, r, h); reset_after=True
    (bias (2, 3 units)) is Keras 3's default and PyTorch's formula. Arguments as GRUCell and RNN.

    Example:
        >>> import numpy as np
        >>> from deepling.keras.layers import GRU
        >>> GRU(4)(np.ones((2, 5, 3), "float32")).shape
        torch.Size([2, 4])
    """

    cell_class = GRUCell
