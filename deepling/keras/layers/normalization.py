"""BatchNormalization and LayerNormalization over deepling's one Normalize op (as torch's); only
the moving statistics follow Keras rather than torch: momentum 0.99 on the biased variance."""

from __future__ import annotations

import warnings

from ...creation import as_tensor
from ...ops import arith, moments
from ...ops.norm import Normalize, standardize_with
from ...tensor import Tensor
from .. import constraints, initializers, regularizers
from .base import Layer, only_off


def as_float_tensor(x) -> Tensor:
    """Arrays and lists become Tensors; integer inputs become float32."""
    x = as_tensor(x)
    return x if x.dtype.kind == "f" else x.float()


class _Norm(Layer):
    """Shared parts: axis checks, gamma/beta weights, config; builds at once given a shape."""

    supports_masking = True  # the output keeps the input's mask

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        self.axis, self.epsilon = axis if isinstance(axis, int) else list(axis), epsilon
        self.center, self.scale = center, scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        if self.input_spec_shape is not None:
            self.maybe_build(self.input_spec_shape)

    def build(self, input_shape):
        ndim = len(input_shape)
        axes = (self.axis,) if isinstance(self.axis, int) else tuple(self.axis)
        if any(a < -ndim or a >= ndim for a in axes):
            raise ValueError(f"Invalid axis: {self.axis} for input with shape {input_shape}")
        self._ndim, self._feature_axes = ndim, tuple(sorted(a % ndim for a in axes))
        if any(input_shape[a] is None for a in self._feature_axes):
            raise ValueError(
                f"Axis {self.axis} of input tensor should have a defined dimension but the layer "
                f"received an input with shape {input_shape}."
            )
        self._bshape = tuple(input_shape[d] if d in self._feature_axes else 1 for d in range(ndim))
        shape = tuple(input_shape[a] for a in self._feature_axes)
        for name, on in (("gamma", self._has_gamma()), ("beta", self._has_beta())):
            if on:
                self.add_weight(
                    name=name,
                    shape=shape,
                    initializer=getattr(self, name + "_initializer"),
                    regularizer=getattr(self, name + "_regularizer"),
                    constraint=getattr(self, name + "_constraint"),
                )
        return shape

    def _has_gamma(self) -> bool:
        return self.scale

    def _has_beta(self) -> bool:
        return self.center

    def _check(self, x) -> None:
        if x.ndim != self._ndim or any(x.shape[a] != self._bshape[a] for a in self._feature_axes):
            raise ValueError(
                f'Input 0 of layer "{self.name}" is incompatible with the layer: expected ndim='
                f"{self._ndim} with axis {self.axis} of size "
                f"{[self._bshape[a] for a in self._feature_axes]}, but received shape {tuple(x.shape)}"
            )

    def _scale_shift(self, y):
        """y * gamma + beta, the weights broadcast against the inputs."""
        y = arith.mul(y, self.gamma.reshape(self._bshape)) if self._has_gamma() else y
        return arith.add(y, self.beta.reshape(self._bshape)) if self._has_beta() else y

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        }


class BatchNormalization(_Norm):
    """`gamma * (x - mean) / sqrt(var + epsilon) + beta` per feature, over every other axis.

    Training uses the batch's mean and biased variance and updates `moving_mean`/`_variance` to
    `moving * momentum + batch * (1 - momentum)`; inference (or `trainable=False`) uses those.

    Args:
        axis: the feature axis (-1: channels last).
        momentum, epsilon: 0.99 and 1e-3, Keras's defaults; center/scale: learn beta/gamma.

    Example:
        >>> from deepling.keras.layers import BatchNormalization
        >>> bn = BatchNormalization(input_shape=(64,))
        >>> bn.count_params(), len(bn.non_trainable_weights)
        (256, 2)
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 synchronized=False, renorm=False, renorm_clipping=None, renorm_momentum=0.99,
                 **kwargs):  # fmt: skip
        # synchronized: one process holds the whole batch, so its statistics are the global ones
        only_off(type(self).__name__, renorm=renorm)
        self.synchronized, self.renorm_clipping, self.renorm_momentum = (
            synchronized, renorm_clipping, renorm_momentum,
        )  # fmt: skip
        self.momentum = momentum  # set before the base class, which may build at once
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        super().__init__(
            axis, epsilon, center, scale, beta_initializer, gamma_initializer, **kwargs
        )

    def build(self, input_shape):
        shape = super().build(input_shape)
        for name in ("moving_mean", "moving_variance"):
            init = getattr(self, name + "_initializer")
            self.add_weight(name=name, shape=shape, initializer=init, trainable=False)

    def call(self, inputs, training=None):
        x = as_float_tensor(inputs)
        self._check(x)
        training = self.training if training is None else bool(training)
        if not (training and self.trainable):  # a frozen layer runs in inference mode (Keras)
            moving = standardize_with(x, self.moving_mean, self.moving_variance, self.epsilon,
                                      self._bshape)  # fmt: skip
            return self._scale_shift(moving)
        reduce = tuple(d for d in range(x.ndim) if d not in self._feature_axes)
        m = self.momentum

        def update(mean, var):  # the batch's mean and biased variance, as Keras keeps them
            mm, mv = self.moving_mean._data, self.moving_variance._data
            mm[...] = mm * m + mean.reshape(mm.shape) * (1 - m)
            mv[...] = mv * m + var.reshape(mv.shape) * (1 - m)

        return self._scale_shift(Normalize(reduce, self.epsilon, update)(x))

    def get_config(self):
        names = ("moving_mean_initializer", "moving_variance_initializer")
        inits = {k: initializers.serialize(getattr(self, k)) for k in names}
        renorm = {"renorm": False, "renorm_clipping": self.renorm_clipping, "renorm_momentum": self.renorm_momentum}  # fmt: skip
        extra = {"synchronized": self.synchronized, **renorm}
        return {**super().get_config(), "momentum": self.momentum, **inits, **extra}


class LayerNormalization(_Norm):
    """Normalizes each sample over `axis` (the features): `gamma * (x - mean) / sqrt(var +
    epsilon) + beta`, with `gamma`, `beta` shaped like those axes. Same in training and inference.

    Example:
        >>> import numpy as np
        >>> from deepling.keras.layers import LayerNormalization
        >>> y = LayerNormalization()(np.array([[1.0, 3.0]], dtype="float32"))
        >>> np.round(y.numpy(), 4)
        array([[-0.9995,  0.9995]], dtype=float32)
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, rms_scaling=False,
                 **kwargs):  # fmt: skip
        if rms_scaling:
            warnings.warn(
                "You passed `rms_scaling=True`, which is deprecated. This argument incorrectly "
                "scales the input by the variance, not the root mean square.",
                stacklevel=2,
            )
        self.rms_scaling = rms_scaling
        super().__init__(axis, epsilon, center, scale, **kwargs)

    def _has_gamma(self) -> bool:
        return self.scale or self.rms_scaling

    def _has_beta(self) -> bool:
        return self.center and not self.rms_scaling

    def call(self, inputs):
        x = as_float_tensor(inputs)
        self._check(x)
        if self.rms_scaling:  # Keras's (deprecated) formula: x / sqrt(var + eps) * gamma
            var = moments.var(x, self._feature_axes, keepdim=True, correction=0)
            return self._scale_shift(x * (var + self.epsilon) ** -0.5)
        return self._scale_shift(Normalize(self._feature_axes, self.epsilon)(x))

    def get_config(self):
        return {**super().get_config(), "rms_scaling": self.rms_scaling}
