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
    """A model whose layers form a graph from `inputs` to `outputs` (several of each allowed).

    Its `layers` (InputLayers included) are in Keras's order (see `keras_layer_order`), which
    is also the order of its weights: a `.keras` file finds each layer's weights by position.
    """

    def __init__(self, inputs, outputs, name=None, trainable=True, **kwargs):
        super().__init__(name=name or unique_name("functional"), trainable=trainable, **kwargs)
        self._inputs, self._outputs = _as_list(inputs), _as_list(outputs)
        self._single_input = isinstance(inputs, KerasTensor)
        self._single_output = isinstance(outputs, KerasTensor)
        nodes = topological_nodes(self._outputs)
        self._nodes = [n for n in nodes if not isinstance(n.layer, InputLayer)]
        missing = [
            n
            for n in nodes
            if isinstance(n.layer, InputLayer) and all(n is not i for i in self._inputs)
        ]
        if missing:
            raise ValueError(
                f"Graph disconnected: the outputs need input '{missing[0].name}', which is not among the model's inputs"
            )
        self.__dict__["_layer_order"] = keras_layer_order(self._inputs, self._outputs)
        for layer in self._layer_order:
            if not isinstance(layer, InputLayer) and layer.name not in self._modules:
                self.add_module(layer.name, layer)
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
        return list(self._layer_order)

    def get_config(self) -> dict:
        from .functional_config import functional_config

        return functional_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from .functional_config import functional_from_config

        return functional_from_config(config, custom_objects)


def keras_layer_order(inputs: list, outputs: list) -> list:
    """The layers of the graph as Keras orders them (keras/src/ops/function.py `map_graph`):
    by depth from the outputs, deepest (the inputs) first; ties in the order a depth-first
    walk from the outputs first meets them."""
    calls, first_seen = _calls_from_outputs(inputs, outputs)
    in_graph = {key for _, _, key in calls}
    depth_of_call, depth_of_layer = {}, {}
    for layer, parents, key in reversed(calls):  # from the outputs: parents are one deeper
        depth = max(depth_of_call.setdefault(key, 0), depth_of_layer.get(id(layer), 0))
        depth_of_layer[id(layer)] = depth_of_call[key] = depth
        for parent in parents:
            parent_key = _call_key(parent)
            if parent_key in in_graph:
                depth_of_call[parent_key] = max(depth + 1, depth_of_call.get(parent_key, 0))
    layers = {id(c[0]): c[0] for c in calls}
    for t in inputs:  # an input no output needs still belongs to the model
        if id(t.layer) not in depth_of_layer:
            depth_of_layer[id(t.layer)], first_seen[id(t.layer)] = 0, -1
            layers[id(t.layer)] = t.layer
    order = sorted(layers, key=lambda k: (-depth_of_layer[k], first_seen[k]))
    return [layers[k] for k in order]


def _call_key(tensor) -> tuple:
    return (id(tensor.layer), tensor.node_index)


def _calls_from_outputs(inputs: list, outputs: list):
    """Keras's `_build_map`: the layer calls (layer, parents, key) the outputs depend on, each
    after those it reads, and the order in which the walk first met each layer."""
    finished, calls, first_seen = set(), [], {}
    given = {id(t) for t in inputs}
    stack = [(t, False) for t in reversed(outputs)]
    while stack:
        tensor, expanded = stack.pop()
        key = _call_key(tensor)
        if expanded:
            if key not in finished:
                finished.add(key)
                calls.append((tensor.layer, tensor.parents + tensor.extra_parents, key))
            continue
        if key in finished:
            continue
        is_input = isinstance(tensor.layer, InputLayer)
        if not is_input and id(tensor) in given:  # an inner tensor given as a model input
            finished.add(key)
            continue
        first_seen.setdefault(id(tensor.layer), len(first_seen))
        stack.append((tensor, True))
        if not is_input:
            stack.extend((p, False) for p in reversed(tensor.parents + tensor.extra_parents))
    return calls, first_seen
