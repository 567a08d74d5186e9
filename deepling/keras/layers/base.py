"""Layer: a Module that makes its weights on first use, from the shape of its input.

`build(input_shape)` creates the weights with `add_weight`; `call(inputs)` computes. Calling a
layer on a symbolic `Input` records a node for the functional API instead of computing.
"""

from __future__ import annotations

import inspect

import numpy as np

from ... import grad_mode
from ...creation import zeros
from ...nn.module import Module, Parameter
from ...tensor import Tensor, mark_changed, to_array
from .. import constraints, initializers, regularizers

_name_counts: dict = {}


def unique_name(base: str, zero_based: bool = True) -> str:
    """'dense', then 'dense_1', 'dense_2', ... as Keras names layers ('input_1', 'input_2', ...
    with zero_based=False, as Keras 2 names inputs)."""
    n = _name_counts.get(base, 0)
    _name_counts[base] = n + 1
    if not zero_based:
        return f"{base}_{n + 1}"
    return base if n == 0 else f"{base}_{n}"


def clear_session() -> None:
    """Restart layer naming from 'dense' (keras.backend.clear_session)."""
    _name_counts.clear()


def snake_case(name: str) -> str:
    out = []
    for i, c in enumerate(name):
        if (
            c.isupper()
            and i
            and (not name[i - 1].isupper() or (i + 1 < len(name) and name[i + 1].islower()))
        ):
            out.append("_")
        out.append(c.lower())
    return "".join(out)


class Layer(Module):
    """Base class of Keras layers.

    Args:
        trainable: whether its weights are trained.
        name: a unique name (made from the class name by default).
        input_shape: the shape of one sample, e.g. `(13,)`; builds the layer at once.
    """

    def __init__(self, trainable=True, name=None, dtype=None, input_shape=None,
                 batch_input_shape=None, **kwargs):  # fmt: skip
        super().__init__()
        if kwargs:
            raise TypeError(
                f"{type(self).__name__}: unexpected keyword argument(s) {sorted(kwargs)}"
            )
        self.name = name or unique_name(snake_case(type(self).__name__))
        self.dtype = _layer_dtype(dtype)  # of its weights, and its float inputs are cast to it
        self.built = False
        self._trainable = trainable
        self._weight_trainable: dict[str, bool] = {}
        self._regularizers: dict[str, object] = {}
        self._inbound = None  # functional API: the node that produced this layer's output
        if batch_input_shape is not None:
            self.input_spec_shape = tuple(batch_input_shape)
        elif input_shape is not None:
            self.input_spec_shape = (None, *tuple(input_shape))
        else:
            self.input_spec_shape = None

    # --- building ---
    def build(self, input_shape) -> None:
        """Create the weights for inputs of `input_shape` (batch dim None)."""

    def maybe_build(self, input_shape) -> None:
        if not self.built:
            if self.input_spec_shape is not None:
                _check_shape(self, self.input_spec_shape, input_shape)
            self.build(input_shape)
            self.built = True
            self.built_input_shape = input_shape

    def add_weight(self, name=None, shape=(), dtype=None, initializer="glorot_uniform",
                   regularizer=None, trainable=True, constraint=None) -> Parameter:  # fmt: skip
        """Make a weight, register it under `name` and return it. A `constraint` is applied by
        Keras optimizers after each update of the weight."""
        name = name or f"weight_{len(self._weight_trainable)}"
        array = initializers.get(initializer)(tuple(shape), dtype or self.dtype)
        constraint = constraints.get(constraint)
        kind = Weight if constraint is None else ConstrainedWeight
        weight = kind(array, requires_grad=trainable and self._trainable)
        if constraint is not None:
            weight.constraint = constraint
        setattr(self, name, weight)
        self._weight_trainable[name] = trainable
        if regularizer is not None:
            self._regularizers[name] = regularizers.get(regularizer)
        return weight

    # --- calling ---
    def __call__(self, inputs, *args, **kwargs):
        if not isinstance(inputs, Tensor):  # a symbolic Input: record a node of the graph
            from .functional import is_symbolic, symbolic_call

            if is_symbolic(inputs):
                return symbolic_call(self, inputs, args, kwargs)
            inputs = _as_tensor(inputs)
        if isinstance(inputs, Tensor):  # float inputs take the layer's dtype, as in Keras
            dtype = inputs._data.dtype
            if dtype is not self.dtype and dtype != self.dtype and dtype.kind == "f":
                inputs = inputs.to(self.dtype)
        if not self.built:
            self.maybe_build(_shape_of(inputs))
        training = kwargs.pop("training", None) if kwargs else None
        if training is None and _training_context:
            training = _training_context[-1]
        if training is None:  # the usual case: layers follow their train()/eval() mode
            return self.call(inputs, *args, **kwargs)
        if _takes_training(type(self)):
            kwargs["training"] = training
        _training_context.append(training)  # `model(x, training=True)` reaches every layer
        try:
            return self.call(inputs, *args, **kwargs)
        finally:
            _training_context.pop()

    def call(self, inputs, *args, **kwargs):
        return inputs

    def forward(self, *args, **kwargs):
        return self.call(*args, **kwargs)

    def compute_output_shape(self, input_shape):
        """Found by running the layer once on zeros (batch size 1) without recording."""
        self.maybe_build(input_shape)
        with grad_mode.no_grad():
            out = self.call(_zeros_like_shape(input_shape))
        if isinstance(out, (list, tuple)):
            return [(None, *o.shape[1:]) for o in out]
        return (None, *out.shape[1:])

    # --- weights ---
    def _own_weights(self, trainable=None):
        """Weights of this layer and everything under it, PyTorch-style modules included
        (theirs are trainable when they require grad)."""
        found, seen = [], set()
        for module in self.modules():
            is_layer = isinstance(module, Layer)
            for name, w in module._parameters.items():
                if w is None or id(w) in seen:
                    continue
                seen.add(id(w))
                flag = (
                    module._weight_trainable.get(name, True) and module.trainable
                    if is_layer
                    else w.requires_grad
                )
                if trainable is None or flag == trainable:
                    found.append(w)
        return found

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        for module in self.modules():
            is_layer = isinstance(module, Layer)
            if is_layer:
                module._trainable = bool(value)
            for name, w in module._parameters.items():
                if w is not None:
                    own = module._weight_trainable.get(name, True) if is_layer else True
                    w.requires_grad = bool(value) and own

    @property
    def weights(self) -> list:
        return self.trainable_weights + self.non_trainable_weights

    @property
    def trainable_weights(self) -> list:
        return self._own_weights(trainable=True)

    @property
    def non_trainable_weights(self) -> list:
        return self._own_weights(trainable=False)

    def get_weights(self) -> list:
        """Copies of the weights as NumPy arrays (kernel before bias, trainable first)."""
        return [w._data.copy() for w in self.weights]

    def set_weights(self, weights) -> None:
        """Replace the weights from arrays; counts and shapes are checked before any change."""
        mine = self.weights
        if len(weights) != len(mine):
            raise ValueError(
                f"Layer {self.name} expected {len(mine)} weights, but received {len(weights)} input weights."
            )
        arrays = [np.asarray(w._data if isinstance(w, Tensor) else w) for w in weights]
        for w, a in zip(mine, arrays):
            if w.shape != a.shape:
                raise ValueError(
                    f"Layer {self.name} weight shape {tuple(w.shape)} is not compatible with provided weight shape {a.shape}."
                )
        for w, a in zip(mine, arrays):
            w._data[...] = a
            mark_changed(w)

    def count_params(self) -> int:
        if not self.built and not self.weights:
            raise ValueError(
                f"You tried to call `count_params` on layer '{self.name}', but the layer isn't built."
            )
        return int(sum(w.numel() for w in self.weights))

    @property
    def losses(self) -> list:
        """Regularization penalties of this layer's (and sub-layers') current weights."""
        return [reg(weight) for reg, weight in self._regularization_terms()]

    def _regularization_terms(self) -> list:
        """(regularizer, weight) pairs of this layer and its sub-layers."""
        return [
            (reg, layer._parameters[name])
            for layer in self.modules()
            if isinstance(layer, Layer)
            for name, reg in layer._regularizers.items()
        ]

    # --- config ---
    def get_config(self) -> dict:
        return {"name": self.name, "trainable": self.trainable, "dtype": self.dtype.name}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


_training_context: list = []  # `training` of the calls in progress (Keras's call context)
_TAKES_TRAINING: dict = {}


def _takes_training(cls) -> bool:
    """Whether `cls.call` has a `training` argument (looked up once per class)."""
    found = _TAKES_TRAINING.get(cls)
    if found is None:
        found = _TAKES_TRAINING[cls] = "training" in inspect.signature(cls.call).parameters
    return found


class Weight(Parameter):
    """A Keras layer's weight: a Parameter whose `.numpy()`, and that of what is computed from
    it (`model(x).numpy()`), works without `.detach()`, as Keras's variables and tensors do."""

    __slots__ = ()
    _numpy_without_detach = True


class ConstrainedWeight(Weight):
    """A weight that carries a constraint (`w -> w'`), which Keras optimizers apply to its
    array after each update."""

    __slots__ = ("constraint",)


def _layer_dtype(dtype) -> np.dtype:
    """A layer's dtype (float32 by default); Keras's mixed-precision policies are not here."""
    if isinstance(dtype, str) and dtype.startswith("mixed_"):
        raise NotImplementedError(f"dtype policy {dtype!r}: mixed precision is not supported")
    return np.dtype(getattr(dtype, "name", dtype) or "float32")


def _as_tensor(inputs):
    """NumPy arrays and lists become tensors, float64 as float32, as Keras converts them."""
    if (
        isinstance(inputs, (list, tuple))
        and inputs
        and all(isinstance(x, (Tensor, np.ndarray)) for x in inputs)
    ):  # several inputs (Concatenate, Add, a functional model)
        return [x if isinstance(x, Tensor) else _as_tensor(x) for x in inputs]
    array = to_array(inputs._data if isinstance(inputs, Tensor) else inputs)
    if array.dtype == np.float64:
        array = array.astype(np.float32)
    return Tensor._wrap(array)


def _shape_of(inputs):
    if isinstance(inputs, (list, tuple)):
        return [(None, *x.shape[1:]) for x in inputs]
    return (None, *inputs.shape[1:])


def _zeros_like_shape(shape):
    if isinstance(shape, list):
        return [_zeros_like_shape(s) for s in shape]
    return zeros(*[1 if d is None else d for d in shape])


def _check_shape(layer, expected, got):
    if isinstance(got, list):
        return
    if len(expected) != len(got) or any(
        e is not None and e != g for e, g in zip(expected[1:], got[1:])
    ):
        raise ValueError(
            f'Input 0 of layer "{layer.name}" is incompatible with the layer: expected shape='
            f"{expected}, found shape={got}"
        )
