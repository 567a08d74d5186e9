"""Keras activations by name: `Dense(3, activation='softmax')`. Each is a composition of ops."""

from __future__ import annotations

from .. import ops
from .registry import Registry

ACTIVATIONS = Registry("activation")  # the names Dense(activation=...) and get() accept

_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772, 1.0507009873554805


@ACTIVATIONS.register()
def linear(x):
    """The identity: Keras's default activation."""
    return x


@ACTIVATIONS.register()
def relu(x, negative_slope: float = 0.0, max_value=None, threshold: float = 0.0):
    """max(x, 0), with Keras's options for a leaky slope, a cap and a threshold."""
    if threshold != 0.0:
        x = ops.where(
            x > threshold, x, negative_slope * (x - threshold) if negative_slope else x * 0
        )
        return x if max_value is None else ops.clamp(x, max=max_value)
    y = ops.leaky_relu(x, negative_slope) if negative_slope else ops.relu(x)
    return y if max_value is None else ops.clamp(y, max=max_value)


@ACTIVATIONS.register()
def sigmoid(x):
    return ops.sigmoid(x)


@ACTIVATIONS.register()
def softmax(x, axis: int = -1):
    return ops.softmax(x, axis)


@ACTIVATIONS.register()
def log_softmax(x, axis: int = -1):
    return ops.log_softmax(x, axis)


@ACTIVATIONS.register()
def tanh(x):
    return ops.tanh(x)


@ACTIVATIONS.register()
def elu(x, alpha: float = 1.0):
    return ops.elu(x, alpha)


@ACTIVATIONS.register()
def selu(x):
    return _SELU_SCALE * ops.elu(x, _SELU_ALPHA)


@ACTIVATIONS.register()
def softplus(x):
    return ops.softplus(x)


@ACTIVATIONS.register()
def softsign(x):
    return x / (1 + ops.abs(x))


@ACTIVATIONS.register("swish", "silu")
def swish(x):
    return x * ops.sigmoid(x)


silu = swish


@ACTIVATIONS.register()
def gelu(x, approximate: bool = False):
    return ops.gelu(x, "tanh" if approximate else "none")


@ACTIVATIONS.register()
def leaky_relu(x, negative_slope: float = 0.2):
    """Keras's default slope is 0.2 (PyTorch's is 0.01)."""
    return ops.leaky_relu(x, negative_slope)


@ACTIVATIONS.register()
def exponential(x):
    return ops.exp(x)


@ACTIVATIONS.register()
def relu6(x):
    return ops.clamp(x, 0.0, 6.0)


@ACTIVATIONS.register()
def hard_sigmoid(x):
    """relu6(x + 3) / 6, Keras 3's (Keras 2's was clip(0.2 x + 0.5, 0, 1))."""
    return ops.clamp(x + 3.0, 0.0, 6.0) / 6.0


@ACTIVATIONS.register("hard_silu", "hard_swish")
def hard_silu(x):
    """x * hard_sigmoid(x)."""
    return x * hard_sigmoid(x)


hard_swish = hard_silu


@ACTIVATIONS.register()
def mish(x):
    """x * tanh(softplus(x))."""
    return x * ops.tanh(ops.softplus(x))


@ACTIVATIONS.register()
def log_sigmoid(x):
    """log(sigmoid(x)) = -softplus(-x), finite for large |x|."""
    return -ops.softplus(-x)


def get(identifier):
    """An activation function from a name, a function or None (linear)."""
    if identifier is None:
        return linear
    if callable(identifier):
        return identifier
    return ACTIVATIONS.lookup(identifier)


def serialize(fn) -> str:
    return ACTIVATIONS.name_of(fn) or repr(fn)
