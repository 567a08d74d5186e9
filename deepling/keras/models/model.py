"""keras.Model: a Layer plus the training loop, built three ways.

- `Model(inputs, outputs)`: the functional API (see functional.py);
- a subclass defining `call()`: layers are attributes, weights appear on the first call;
- `Model(module)`: any PyTorch-style `nn.Module`, so the PyTorch face can `compile`/`fit` too.
"""

from __future__ import annotations

from ...distributed.scope import current_replicas
from ...grad_mode import no_grad
from ...nn.module import Module
from ...tensor import Tensor
from ...training import Trainer
from .. import metrics as metrics_module
from .. import optimizers
from ..layers.base import Layer, _zeros_like_shape, snake_case, unique_name
from .compile_utils import COMPILE_IGNORED, Compiled, CompiledLoss, CompiledMetrics


class Model(Trainer, Layer):
    """A trainable stack of layers with `compile`, `fit`, `evaluate`, `predict` and `summary`."""

    optimizer = None  # until compile()

    def __new__(cls, *args, **kwargs):
        if args or "inputs" in kwargs:
            from .functional import Functional, is_graph_input

            first = args[0] if args else kwargs["inputs"]
            if cls is Model:
                return object.__new__(Functional if is_graph_input(first) else ModuleModel)
            if is_graph_input(first) and not issubclass(cls, Functional):
                # `class CustomModel(keras.Model)` built as CustomModel(inputs, outputs): a
                # functional model that keeps the subclass's methods (train_step, ...)
                return object.__new__(_functional_subclass(cls))
        return object.__new__(cls)

    def __init__(self, *args, name=None, trainable=True, **kwargs):
        Layer.__init__(
            self,
            name=name or unique_name(snake_case(type(self).__name__)),
            trainable=trainable,
            **kwargs,
        )

    def call(self, inputs, *args, **kwargs):
        raise NotImplementedError(
            f"{type(self).__name__} must define call(self, inputs) (or build it from Input)"
        )

    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
                weighted_metrics=None, **kwargs):  # fmt: skip
        """Choose the optimizer, the loss (per output if several) and the metrics to report.

        `loss` is a name ('mse'), a Keras loss, a function `f(y_true, y_pred)` or a PyTorch-style
        loss module such as `nn.CrossEntropyLoss()` (called as `loss(y_pred, y_true)`).
        """
        unknown = sorted(set(kwargs) - COMPILE_IGNORED)
        if unknown:
            raise TypeError(f"Invalid keyword argument(s) in `compile()`: {tuple(unknown)}")
        optimizer = optimizers.get(optimizer)
        self._compiled = Compiled(loss, metrics, loss_weights, weighted_metrics)
        self.optimizer = optimizer
        self._replicas = current_replicas()  # compiled in a strategy's scope: data-parallel fit
        self._loss_tracker = metrics_module.Mean(name="loss")
        self.run_eagerly = bool(kwargs.get("run_eagerly") or False)  # else fit's steps compile
        self.compiled = True

    compiled = False

    # --- Keras 3's training structure (the steps themselves: deepling/training_steps.py) ---
    @property
    def metrics(self) -> list:
        """The loss tracker, the compiled metrics (each one, as tf.keras 2 lists them), then
        metrics kept as attributes of the model (`self.mae_tracker = keras.metrics.Mean()`).
        fit resets them all at the start of each epoch; a subclass may override this property
        to list its own."""
        compiled, tracker = self._compiled.metrics if self._compiled else (), self._loss_tracker
        found = [tracker, *compiled] if tracker is not None else [*compiled]
        tracked = self.__dict__.get("_attribute_metrics")
        return found + [m for m in tracked.values() if m not in found] if tracked else found

    def __setattr__(self, name, value):
        # Keras tracks the metrics kept as attributes, so `metrics` lists them
        if isinstance(value, metrics_module.Metric) and name != "_loss_tracker":
            self.__dict__.setdefault("_attribute_metrics", {})[name] = value
        elif name in self.__dict__.get("_attribute_metrics", ()):
            del self.__dict__["_attribute_metrics"][name]
        super().__setattr__(name, value)

    @property
    def compiled_loss(self) -> CompiledLoss:
        """tf.keras 2's `self.compiled_loss(y, y_pred, sample_weight, regularization_losses)`:
        the compiled loss plus the given penalties, also recorded by the 'loss' tracker."""
        return CompiledLoss(self)

    @property
    def compiled_metrics(self) -> CompiledMetrics:
        """tf.keras 2's `self.compiled_metrics.update_state(y, y_pred, sample_weight)`."""
        return CompiledMetrics(self)

    def build(self, input_shape=None) -> None:
        """Create the weights of a subclassed model by calling it once on zeros of
        `input_shape` (batch dim None), as Keras builds it."""
        if self.built or input_shape is None:
            self.built = True
            return
        self.built = True
        self.built_input_shape = (
            tuple(input_shape) if not isinstance(input_shape, list) else input_shape
        )
        was_training = self.training
        self.eval()
        try:
            with no_grad():
                self(_zeros_like_shape(self.built_input_shape))
        finally:
            self.train(was_training)

    def maybe_build(self, input_shape) -> None:
        """A subclassed model makes its weights in its first call, so there is nothing to
        build ahead of it unless the subclass defines its own `build`."""
        if self.built:
            return
        if type(self).build is Model.build:
            self.built, self.built_input_shape = True, input_shape
            return
        super().maybe_build(input_shape)

    @property
    def layers(self) -> list:
        return [m for m in self._modules.values() if m is not None]

    def get_layer(self, name=None, index=None):
        if index is not None:
            return self.layers[index]
        for layer in self.layers:
            if getattr(layer, "name", None) == name:
                return layer
        raise ValueError(
            f"No such layer: {name}. Existing layers are: {[getattr(m, 'name', '?') for m in self.layers]}"
        )

    def summary(self, line_length=None, positions=None, print_fn=None, **kwargs) -> None:
        """Print Keras's table of layers, output shapes and parameter counts."""
        from .summary import summary

        summary(self, print_fn=print_fn, line_length=line_length, positions=positions)

    # --- saving (implemented in keras/saving.py) ---
    def save_weights(self, filepath, overwrite=True) -> None:
        from ..saving import save_weights

        save_weights(self, filepath, overwrite)

    def load_weights(self, filepath, skip_mismatch=False) -> None:
        from ..saving import load_weights

        load_weights(self, filepath, skip_mismatch)

    def save(self, filepath, overwrite=True, **kwargs) -> None:
        from ..saving import save_model

        save_model(self, filepath, overwrite, **kwargs)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A functional config (`layers`, `input_layers`, ...) makes a functional model, as
        Keras's `Model.from_config` does; a subclass's config goes to its constructor."""
        if "input_layers" in config and "layers" in config:
            from .functional_config import functional_from_config

            return functional_from_config(config, custom_objects)
        return cls(**config)

    def export(self, filepath, format="tf_saved_model", verbose=None, input_signature=None,  # noqa: A002 (Keras)
               **kwargs) -> None:  # fmt: skip
        """Export the forward pass for inference; deepling writes `format="onnx"` (run it with
        onnxruntime). None dims of the inputs (the batch) stay dynamic. Other formats raise."""
        from ..export import export_model

        export_model(self, filepath, format, verbose, input_signature, **kwargs)

    def get_config(self) -> dict:
        raise NotImplementedError(
            f"{type(self).__name__} has no get_config(); subclassed models cannot be re-created from a config"
        )


def _functional_subclass(cls):
    """`cls` with Functional's graph machinery mixed in (made once per class)."""
    from .functional import Functional

    made = _FUNCTIONAL_SUBCLASSES.get(cls)
    if made is None:
        made = type(cls.__name__, (cls, Functional), {"__module__": cls.__module__})
        made.__qualname__ = cls.__qualname__
        _FUNCTIONAL_SUBCLASSES[cls] = made
    return made


_FUNCTIONAL_SUBCLASSES: dict = {}


class ModuleModel(Model):
    """Wraps a PyTorch-style `nn.Module` so it can `compile`, `fit` and `summary` as Keras does.

    `keras.Model(net)` shares `net`'s parameters (training it trains `net`); `compile` takes
    Keras names or a PyTorch loss module and optimizer, e.g.
    `compile(optim.SGD(net.parameters(), lr=0.1), loss=nn.CrossEntropyLoss())`. `summary()`
    shows output shapes once the model has been called or fitted.
    """

    def __init__(self, module, name=None, **kwargs):
        if not isinstance(module, Module):
            raise TypeError(
                f"Model(...) takes Input tensors and outputs, or an nn.Module; got {type(module).__name__}"
            )
        Layer.__init__(self, name=name or unique_name(snake_case(type(module).__name__)))
        self.module = module
        self.built = True

    def call(self, inputs, *args, **kwargs):
        if isinstance(inputs, Tensor):  # summary() traces shapes from the last input seen
            self.last_input_shape = (None, *inputs.shape[1:])
        return self.module(inputs, *args, **kwargs)
