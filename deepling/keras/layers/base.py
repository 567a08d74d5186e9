"""Layer: a Module that makes its weights on first use, from the shape of its input.

`build(input_shape)` creates the weights with `add_weight`; `call(inputs)` computes. Calling a
layer on a symbolic `Input` records a node for the functional API instead of computing.
"""

from __future__ import annotations

import functools
import inspect
import re
from functools import partial

import numpy as np

from ... import grad_mode
from ...creation import zeros
from ...nn.module import Module, Parameter
from ...tensor import Tensor, to_array
from .. import constraints, initializers, regularizers, variables
from . import masks
from .added_losses import AddedLosses, _added_losses, _outermost_call
from .weight_lists import WeightLists
from .weight_lists import own_weights as own_weights

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
    """Keras's `to_snake_case`: 'BatchNormalization' -> 'batch_normalization', 'Conv2D' ->
    'conv2d', 'LSTM' -> 'lstm', 'RMSprop' -> 'rm_sprop' (layer names and file paths)."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


class Layer(AddedLosses, WeightLists, Module):
    """Base class of Keras layers.

    Args:
        trainable: whether its weights are trained.
        name: a unique name (made from the class name by default).
        input_shape: the shape of one sample, e.g. `(13,)`; builds the layer at once.
    """

    def __init__(self, activity_regularizer=None, trainable=True, name=None, dtype=None,
                 input_shape=None, batch_input_shape=None, **kwargs):  # fmt: skip
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
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self._inbound = None  # functional API: the node that produced this layer's output
        if batch_input_shape is not None:
            self.input_spec_shape = tuple(batch_input_shape)
        elif input_shape is not None:
            self.input_spec_shape = (None, *tuple(input_shape))
        else:
            self.input_spec_shape = None

    def __setattr__(self, name, value) -> None:
        # a variable of another face (a tf.Variable) kept as an attribute is a weight, as Keras
        # tracks it: trained by fit when trainable, listed in weights, saved with them
        if (
            isinstance(value, Tensor)
            and not isinstance(value, Parameter)
            and value.grad_fn is None
            and callable(getattr(value, "assign", None))
        ):
            self._dicts("parameters")
            self._forget(name, self._parameters)
            self._parameters[name] = value
            self._weight_trainable[name] = bool(getattr(value, "trainable", value.requires_grad))
            return
        super().__setattr__(name, value)

    def __init_subclass__(cls, **kwargs):
        """A layer's own `build`, called directly (`layer.build((None, 4))`, as Keras allows
        before `set_weights`), marks it built, so the first call does not build it again."""
        super().__init_subclass__(**kwargs)
        build = cls.__dict__.get("build")
        if build is not None:

            @functools.wraps(build)
            def built_by(self, input_shape, *args, **kw):
                result = build(self, input_shape, *args, **kw)
                self.built = True
                if getattr(self, "built_input_shape", None) is None:
                    self.built_input_shape = input_shape
                return result

            cls.build = built_by

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

    def add_weight(self, *args, **kwargs) -> Parameter:
        """Make a weight, register it under `name` and return it: Keras 3's signature
        `add_weight(shape, initializer, dtype, trainable, autocast, regularizer, constraint,
        aggregation, overwrite_with_gradient, name)`, or tf.keras 2's, whose positional order
        starts with the name (`add_weight("kernel", (2, 3), initializer="ones")`).

        Args:
            shape: the weight's shape (default `()`).
            initializer: a name or an initializer (default 'glorot_uniform' for floats,
                'zeros' for ints and bools).
            dtype: the weight's dtype (default the layer's).
            trainable: whether optimizers update it.
            regularizer: a penalty added to the loss.
            constraint: applied by Keras optimizers after each update of the weight.
            autocast, aggregation: mixed precision and multi-device settings; deepling has one
                device and no mixed precision, so they change nothing.

        Example:
            >>> from deepling.keras.layers import Layer
            >>> Layer().add_weight(shape=(2, 3), initializer="ones").shape
            torch.Size([2, 3])
        """
        if args and isinstance(args[0], str):  # tf.keras 2's order
            bound = _KERAS2_ADD_WEIGHT.bind(*args, **kwargs).arguments
            only_off("add_weight", use_resource=bound.pop("use_resource", None),
                     synchronization=bound.pop("synchronization", None))  # fmt: skip
            if bound.get("trainable") is None:
                bound.pop("trainable", None)
        else:
            bound = _KERAS3_ADD_WEIGHT.bind(*args, **kwargs).arguments
        return self._add_weight(**bound)

    def _add_weight(self, shape=None, initializer=None, dtype=None, trainable=True,
                    autocast=True, regularizer=None, constraint=None, aggregation="none",
                    overwrite_with_gradient=False, name=None) -> Parameter:  # fmt: skip
        if overwrite_with_gradient:
            raise NotImplementedError("add_weight(overwrite_with_gradient=True) is not supported")
        shape = () if shape is None else shape
        dtype = _layer_dtype(dtype) if dtype is not None else self.dtype
        if initializer is None:
            initializer = "glorot_uniform" if dtype.kind == "f" else "zeros"
        name = name or f"weight_{len(self._weight_trainable)}"
        array = initializers.get(initializer)(tuple(shape), dtype)
        path = f"{self.name}/{name}"
        trains = trainable and self._trainable and np.dtype(dtype).kind == "f"
        weight = variables.weight(array, name, path, trains, constraints.get(constraint))
        setattr(self, name, weight)
        self._weight_trainable[name] = trainable
        if regularizer is not None:
            self._regularizers[name] = regularizers.get(regularizer)
        return weight

    # --- calling ---
    def __call__(self, inputs, *args, **kwargs):
        if _added_losses["on"] and not _added_losses["depth"]:  # only once add_loss was used
            return _outermost_call(self, inputs, args, kwargs)
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
        call = self.call
        if masks.MASKS or self.makes_masks or (kwargs and "mask" in kwargs):  # see masks.py
            call = partial(masks.call_with_masks, self, call)
        if training is None:  # the usual case: layers follow their train()/eval() mode
            out = call(inputs, *args, **kwargs)
        else:
            if _takes_training(type(self)):
                kwargs["training"] = training
            _training_context.append(training)  # `model(x, training=True)` reaches all layers
            try:
                out = call(inputs, *args, **kwargs)
            finally:
                _training_context.pop()
        if self.activity_regularizer is not None:  # as Keras: an added loss of this call
            self.add_loss(_activity_penalty(self.activity_regularizer, out))
        return out

    def call(self, inputs, *args, **kwargs):
        return inputs

    # --- masks (masks.py): Keras's supports_masking and compute_mask ---
    supports_masking = False  # True: the output carries compute_mask's mask (the input's)
    makes_masks = False  # True: compute_mask makes a mask from the input (Embedding, Masking)

    def compute_mask(self, inputs, mask=None):
        """The mask of the output, from the input and its mask: the input's, by default."""
        return mask

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

    @property
    def losses(self) -> list:
        """Regularization penalties of this layer's (and sub-layers') current weights, then the
        losses added by `add_loss` during the last call."""
        return [reg(weight) for reg, weight in self._regularization_terms()] + self._call_losses()

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
        config = {"name": self.name, "trainable": self.trainable, "dtype": dtype_policy(self.dtype)}
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _keras3_add_weight(shape=None, initializer=None, dtype=None, trainable=True, autocast=True,
                       regularizer=None, constraint=None, aggregation="none",
                       overwrite_with_gradient=False, name=None): ...  # fmt: skip


def _keras2_add_weight(name=None, shape=None, dtype=None, initializer=None, regularizer=None,
                       trainable=None, constraint=None, use_resource=None,
                       synchronization=None, aggregation="none"): ...  # fmt: skip


_KERAS3_ADD_WEIGHT = inspect.signature(_keras3_add_weight)
_KERAS2_ADD_WEIGHT = inspect.signature(_keras2_add_weight)
Layer.add_weight.__signature__ = inspect.signature(_keras3_add_weight).replace(
    parameters=[inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD),
                *_KERAS3_ADD_WEIGHT.parameters.values()]
)  # fmt: skip

_training_context: list = []  # `training` of the calls in progress (Keras's call context)
_TAKES_TRAINING: dict = {}


def _takes_training(cls) -> bool:
    """Whether `cls.call` has a `training` argument (looked up once per class)."""
    found = _TAKES_TRAINING.get(cls)
    if found is None:
        found = _TAKES_TRAINING[cls] = "training" in inspect.signature(cls.call).parameters
    return found


def _layer_dtype(dtype) -> np.dtype:
    """A layer's dtype (float32 by default), from a name, a NumPy dtype or a DTypePolicy's
    config; Keras's mixed-precision policies are not here."""
    if isinstance(dtype, dict):  # {'class_name': 'DTypePolicy', 'config': {'name': 'float32'}}
        dtype = dtype.get("config", {}).get("name")
    if isinstance(dtype, str) and dtype.startswith("mixed_"):
        raise NotImplementedError(f"dtype policy {dtype!r}: mixed precision is not supported")
    return np.dtype(getattr(dtype, "name", dtype) or "float32")


def only_off(owner: str, **settings) -> None:
    """Refuse Keras features deepling does not have unless they are off (None or False), so a
    config that names them in their off state (as every Keras 3 config does) still loads."""
    on = {k: v for k, v in settings.items() if v not in (None, False)}
    if on:
        raise NotImplementedError(f"{owner}: {on} is not supported in deepling")


def dtype_policy(dtype: np.dtype) -> dict:
    """Keras 3's serialized dtype policy, as layer configs hold it."""
    config = {"name": np.dtype(dtype).name}
    return {"module": "keras", "class_name": "DTypePolicy", "config": config, "registered_name": None}  # fmt: skip


def _activity_penalty(regularizer, outputs):
    """Keras's activity regularization: the penalty of each output, divided by its batch size."""
    total = 0.0
    for out in outputs if isinstance(outputs, (list, tuple)) else [outputs]:
        if isinstance(out, Tensor):
            penalty = regularizer(out)
            total = total + (penalty / out.shape[0] if out.ndim and out.shape[0] else penalty)
    return total


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
