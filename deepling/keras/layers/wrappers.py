"""Layers that wrap a layer: Bidirectional (a recurrent layer both ways) and TimeDistributed
(a layer applied to every time step)."""

from __future__ import annotations

from ...ops.arith import add, mul
from ...ops.shape import cat
from .base import Layer
from .masks import as_mask

_MERGE_MODES = ("sum", "mul", "ave", "concat", None)


def _clone(layer, **changes):
    config = {**layer.get_config(), **changes}
    return type(layer).from_config(config)


def _strip(name, prefix):
    return name[len(prefix) :] if name.startswith(prefix) else name


class Bidirectional(Layer):
    """Runs a recurrent layer forwards and a copy of it backwards, and merges the two.

    Args:
        layer: an RNN layer (LSTM, GRU, SimpleRNN, RNN(cell)); it is copied from its config
            as `forward_<name>`, and again with go_backwards flipped as `backward_<name>`.
        merge_mode: 'concat' (default), 'sum', 'mul', 'ave', or None (a list of both).
        backward_layer: a layer to use as the backward one instead of the copy.
        weights: initial weights, the forward layer's then the backward layer's.

    With return_sequences, the backward outputs are flipped back to the input's time order
    and masked steps output zeros (Keras sets zero_output_for_mask on both layers). With
    return_state: `[output, *forward_states, *backward_states]`.

    Example:
        >>> import numpy as np
        >>> from deepling.keras.layers import LSTM, Bidirectional
        >>> Bidirectional(LSTM(4, return_sequences=True))(np.ones((2, 5, 3), "float32")).shape
        torch.Size([2, 5, 8])
    """

    supports_masking = True

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `Bidirectional` layer with a `keras.layers.Layer` instance. "
                f"Received: {layer}"
            )
        if merge_mode not in _MERGE_MODES:
            raise ValueError(
                f"Invalid merge mode. Received: {merge_mode}. Merge mode should be one of "
                '{"sum", "mul", "ave", "concat", None}'
            )
        super().__init__(**kwargs)
        self.forward_layer = _clone(layer, name=f"forward_{_strip(layer.name, 'forward_')}")
        if backward_layer is None:
            backward_layer = _clone(layer, go_backwards=not layer.go_backwards,
                                    name=f"backward_{_strip(layer.name, 'backward_')}")  # fmt: skip
        self.backward_layer = backward_layer
        fw, bw = self.forward_layer, self.backward_layer
        if fw.go_backwards == bw.go_backwards:
            raise ValueError(
                "Forward layer and backward layer should have different `go_backwards` value. "
                f"Received: forward_layer.go_backwards {fw.go_backwards}, "
                f"backward_layer.go_backwards={bw.go_backwards}"
            )
        for a in ("stateful", "return_sequences", "return_state"):
            if getattr(fw, a) != getattr(bw, a):
                raise ValueError(
                    "Forward layer and backward layer are expected to have the same value for "
                    f'attribute "{a}", got "{getattr(fw, a)}" for forward layer and '
                    f'"{getattr(bw, a)}" for backward layer'
                )
        for sub in (fw, bw):
            sub.zero_output_for_mask = sub.return_sequences
        self.merge_mode, self._initial_weights = merge_mode, weights
        self.stateful, self.return_sequences = layer.stateful, layer.return_sequences
        self.return_state = layer.return_state

    def build(self, input_shape):
        self.forward_layer.maybe_build(input_shape)
        self.backward_layer.maybe_build(input_shape)
        if self._initial_weights:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def call(self, sequences, initial_state=None, mask=None, training=None):
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = initial_state[:half], initial_state[half:]
        kwargs = {"mask": mask, "training": training}
        y = self.forward_layer.call(sequences, initial_state=forward_state, **kwargs)
        y_rev = self.backward_layer.call(sequences, initial_state=backward_state, **kwargs)
        states = []
        if self.return_state:
            states = [*y[1:], *y_rev[1:]]
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = y_rev[:, ::-1] if y_rev.shape[1] else y_rev
        if self.merge_mode == "concat":
            output = cat([y, y_rev], dim=-1)
        elif self.merge_mode == "sum":
            output = add(y, y_rev)
        elif self.merge_mode == "ave":
            output = mul(add(y, y_rev), 0.5)
        elif self.merge_mode == "mul":
            output = mul(y, y_rev)
        else:
            output = [y, y_rev]
        if self.return_state:
            return (output if isinstance(output, list) else [output]) + states
        return output

    def compute_mask(self, inputs, mask=None):
        mask = as_mask(mask)
        out = mask if self.return_sequences else None
        if self.merge_mode is None:
            out = [out, out]
        if self.return_state:
            states = len(self.forward_layer.state_size) * 2
            return (out if isinstance(out, list) else [out]) + [None] * states
        return out

    def compute_output_shape(self, input_shape):
        shape = self.forward_layer.compute_output_shape(input_shape)
        states = []
        if self.return_state:
            shape, states = shape[0], list(shape[1:])
        if self.merge_mode == "concat":
            shape = (*shape[:-1], shape[-1] * 2)
        if self.merge_mode is None:
            outs = [shape, shape]
        else:
            outs = [shape]
        if self.return_state:
            return outs + states + states
        return outs if self.merge_mode is None else shape

    def reset_states(self, states=None):
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()

    def get_config(self):
        from ..serialization_lib import serialize_keras_object as serialize

        return {**super().get_config(), "merge_mode": self.merge_mode,
                "layer": serialize(self.forward_layer),
                "backward_layer": serialize(self.backward_layer)}  # fmt: skip

    @classmethod
    def from_config(cls, config):
        from ..serialization_lib import deserialize_keras_object as deserialize

        config = dict(config)
        config["layer"] = deserialize(config["layer"])
        if config.get("backward_layer") is not None:
            config["backward_layer"] = deserialize(config["backward_layer"])
        return cls(**config)


class TimeDistributed(Layer):
    """Applies `layer` to every time step: (batch, steps, ...) -> (batch, steps, ...').

    The steps are folded into the batch for one call of the layer, which gives the same values
    as one call per step for layers without batch statistics (Dense, Conv, Dropout).

    Example:
        >>> import numpy as np
        >>> from deepling.keras.layers import Dense, TimeDistributed
        >>> TimeDistributed(Dense(2))(np.ones((4, 5, 3), "float32")).shape
        torch.Size([4, 5, 2])
    """

    supports_masking = True

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `TimeDistributed` layer with a `keras.layers.Layer` "
                f"instance. Received: {layer}"
            )
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape):
        if len(input_shape) < 3:
            raise ValueError(
                "`TimeDistributed` Layer should be passed an `input_shape` with at least 3 "
                f"dimensions, received: {tuple(input_shape)}"
            )
        self.layer.maybe_build((input_shape[0], *input_shape[2:]))

    def call(self, inputs, training=None):
        batch, steps = inputs.shape[0], inputs.shape[1]
        kwargs = {} if training is None else {"training": training}
        folded = self.layer(inputs.reshape(batch * steps, *inputs.shape[2:]), **kwargs)
        return folded.reshape(batch, steps, *folded.shape[1:])

    def compute_output_shape(self, input_shape):
        inner = self.layer.compute_output_shape((input_shape[0], *input_shape[2:]))
        return (input_shape[0], input_shape[1], *inner[1:])

    def get_config(self):
        from ..serialization_lib import serialize_keras_object

        return {**super().get_config(), "layer": serialize_keras_object(self.layer)}

    @classmethod
    def from_config(cls, config):
        from ..serialization_lib import deserialize_keras_object

        return cls(**{**config, "layer": deserialize_keras_object(config["layer"])})
