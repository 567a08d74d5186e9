"""keras.Sequential: layers applied one after another."""

from __future__ import annotations

from ...nn.module import Module
from ..layers.base import Layer
from ..layers.functional import InputLayer, KerasTensor
from .model import Model


class Sequential(Model):
    """A plain stack of layers: `Sequential([Dense(64, activation='relu'), Dense(1)])` or `.add()`.

    If the first layer knows its input shape (`input_shape=`, `input_dim=` or an `Input`), every
    layer is built as it is added, so `summary()` works before training.
    """

    def __init__(self, layers=None, name=None, trainable=True):
        super().__init__(name=name, trainable=trainable)
        self._stack = []
        self._output_shape = None
        for layer in layers or []:
            self.add(layer)

    def add(self, layer) -> None:
        if isinstance(layer, KerasTensor):
            layer = layer.layer
        if isinstance(layer, InputLayer):
            self.input_spec_shape = layer.batch_shape
            self._output_shape = layer.batch_shape
            return
        if not isinstance(layer, Module):
            raise TypeError(
                f"The added layer must be an instance of class Layer. Received: layer={layer!r} of type {type(layer)}."
            )
        name = getattr(layer, "name", None) or str(len(self._stack))
        if name in self._modules:
            raise ValueError(
                f'All layers added to a Sequential model should have unique names. Name "{name}" is already the name of a layer in this model.'
            )
        self.add_module(name, layer)
        self._stack.append(layer)
        if not self._stack[:-1] and self._output_shape is None:
            self._output_shape = self.input_spec_shape = getattr(layer, "input_spec_shape", None)
        if self._output_shape is not None:
            self._output_shape = _output_shape(layer, self._output_shape)
            self.built = True

    def pop(self):
        layer = self._stack.pop()
        del self._modules[getattr(layer, "name", None) or str(len(self._stack))]
        return layer

    @property
    def layers(self) -> list:
        return list(self._stack)

    def build(self, input_shape=None) -> None:
        shape = input_shape
        for layer in self._stack:
            shape = _output_shape(layer, shape)
        self._output_shape = shape
        self.built, self.built_input_shape = True, tuple(input_shape)

    def call(self, inputs, training=None):
        """Each layer on the last one's output; `training` reaches them through the call
        context that Layer.__call__ keeps."""
        x = inputs
        for layer in self._stack:
            x = layer(x)
        return x

    def compute_output_shape(self, input_shape):
        shape = input_shape
        for layer in self._stack:
            shape = _output_shape(layer, shape)
        return shape

    def get_config(self) -> dict:
        from ..saving import layer_config

        config = {"name": self.name, "layers": [layer_config(layer) for layer in self._stack]}
        known = self.input_spec_shape or getattr(self, "built_input_shape", None)
        if known is not None:  # so that load_model can build the layers before loading weights
            config["input_shape"] = known
        return config

    @classmethod
    def from_config(cls, config):
        from ..saving import layer_from_config

        model = cls(name=config.get("name"))
        if config.get("input_shape") is not None:
            model.add(
                InputLayer(batch_size=config["input_shape"][0], shape=config["input_shape"][1:])
            )
        for layer_cfg in config["layers"]:
            model.add(layer_from_config(layer_cfg))
        return model


def _output_shape(layer, shape):
    if isinstance(layer, Layer):
        layer.maybe_build(shape)
        return layer.compute_output_shape(shape)
    from .summary import module_output_shape

    return module_output_shape(layer, shape)
