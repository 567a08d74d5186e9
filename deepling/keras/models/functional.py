"""The functional API's model: `Model(inputs, outputs)` replays the recorded layer calls."""

from __future__ import annotations

from ..layers.base import unique_name
from ..layers.functional import InputLayer, KerasTensor, resolve, topological_nodes
from .model import Model


def is_graph_input(x) -> bool:
    if isinstance(x, dict):
        x = list(x.values())
    if isinstance(x, (list, tuple)):
        return bool(x) and all(isinstance(t, KerasTensor) for t in x)
    return isinstance(x, KerasTensor)


def _as_list(x):
    if isinstance(x, dict):
        return list(x.values())
    return list(x) if isinstance(x, (list, tuple)) else [x]


class Functional(Model):
    """A model whose layers form a graph from `inputs` to `outputs` (several of each allowed)."""

    def __init__(self, inputs, outputs, name=None, trainable=True, **kwargs):
        super().__init__(name=name or unique_name("model"), trainable=trainable, **kwargs)
        self._inputs, self._outputs = _as_list(inputs), _as_list(outputs)
        self._single_output = isinstance(outputs, KerasTensor)
        self._nodes = [
            n for n in topological_nodes(self._outputs) if not isinstance(n.layer, InputLayer)
        ]
        missing = [
            n
            for n in topological_nodes(self._outputs)
            if isinstance(n.layer, InputLayer) and all(n is not i for i in self._inputs)
        ]
        if missing:
            raise ValueError(
                f"Graph disconnected: the outputs need input '{missing[0].name}', which is not among the model's inputs"
            )
        for node in self._nodes:
            if node.layer.name not in self._modules:
                self.add_module(node.layer.name, node.layer)
        self.output_names = [o.layer.name for o in self._outputs]
        self.input_names = [i.layer.name for i in self._inputs]
        self.input_spec_shape = self._inputs[0].shape if len(self._inputs) == 1 else None
        self.built = True

    def call(self, inputs, training=None):
        """Replay the recorded layers in order; `training` reaches them through the call
        context that Layer.__call__ keeps."""
        given = _as_list(inputs)
        if len(given) != len(self._inputs):
            raise ValueError(
                f"Model '{self.name}' expects {len(self._inputs)} inputs but received {len(given)}"
            )
        values = {id(k): v for k, v in zip(self._inputs, given)}
        done = {}  # one call per (layer, parents) even when the layer has several outputs
        for node in self._nodes:
            key = (id(node.layer), tuple(id(p) for p in node.parents + node.extra_parents))
            if key not in done:
                args = [values[id(p)] for p in node.parents]
                extra = node.extra_parents  # symbolic tensors among the other arguments
                call_args = resolve(node.args, values) if extra else node.args
                call_kwargs = resolve(node.kwargs, values) if extra else node.kwargs
                done[key] = node.layer(
                    args if node.multi_input else args[0], *call_args, **call_kwargs
                )
            out = done[key]
            values[id(node)] = out if node.index is None else out[node.index]
        outs = [values[id(o)] for o in self._outputs]
        return outs[0] if self._single_output else outs

    def compute_output_shape(self, input_shape):
        shapes = [o.shape for o in self._outputs]
        return shapes[0] if self._single_output else shapes

    @property
    def inputs(self) -> list:
        return list(self._inputs)

    @property
    def outputs(self) -> list:
        return list(self._outputs)

    @property
    def layers(self) -> list:
        firsts = [i.layer for i in self._inputs]
        return firsts + [m for m in self._modules.values() if m is not None]

    def get_config(self) -> dict:
        from ..saving import functional_config

        return functional_config(self)

    @classmethod
    def from_config(cls, config):
        from ..saving import functional_from_config

        return functional_from_config(config)
