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
        self._input_layer = None
        self._output_shape = None
        for layer in layers or []:
            self.add(layer)

    def add(self, layer) -> None:
        if isinstance(layer, KerasTensor):
            layer = layer.layer
        if isinstance(layer, InputLayer):
            self.__dict__["_input_layer"] = layer  # kept for get_config, not a sub-layer
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
        """Keras 3's: the layers (an InputLayer first when the input shape is known) and the
        shape the model was built for."""
        from ..layers.base import dtype_policy
        from ..serialization_lib import serialize_keras_object

        layers = [serialize_keras_object(layer) for layer in self._stack]
        config = {"name": self.name, "trainable": self.trainable, "dtype": dtype_policy(self.dtype)}
        known = self.input_spec_shape or getattr(self, "built_input_shape", None)
        if known is not None:  # so that load_model builds the layers before loading weights
            first = self._input_layer or InputLayer(batch_shape=known, name="input_layer")
            layers.insert(0, serialize_keras_object(first))
            config["build_input_shape"] = list(known)
        return {**config, "layers": layers}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """From Keras 3's config or tf.keras 2's (layers without 'module', 'input_shape')."""
        from ..serialization_lib import as_shape, deserialize_keras_object

        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for entry in config["layers"]:
            model.add(deserialize_keras_object(entry, custom_objects))
        shape = config.get("build_input_shape") or config.get("input_shape")
        if shape is not None and not model.built and model._stack:
            model.build(as_shape(shape))
        return model


def _output_shape(layer, shape):
    if isinstance(layer, Layer):
        layer.maybe_build(shape)
        return layer.compute_output_shape(shape)
    from .summary import module_output_shape

    return module_output_shape(layer, shape)
