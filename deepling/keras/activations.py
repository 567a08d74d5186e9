"""Keras activations by name: `Dense(3, activation='softmax')`. Each is a composition of ops."""

from __future__ import annotations

from .. import ops

_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772, 1.0507009873554805


def linear(x):
    """The identity: Keras's default activation."""
    return x


def relu(x, negative_slope: float = 0.0, max_value=None, threshold: float = 0.0):
    """max(x, 0), with Keras's options for a leaky slope, a cap and a threshold."""
    if threshold != 0.0:
        x = ops.where(
            x > threshold, x, negative_slope * (x - threshold) if negative_slope else x * 0
        )
        return x if max_value is None else ops.clamp(x, max=max_value)
    y = ops.leaky_relu(x, negative_slope) if negative_slope else ops.relu(x)
    return y if max_value is None else ops.clamp(y, max=max_value)


def sigmoid(x):
    return ops.sigmoid(x)


def softmax(x, axis: int = -1):
    return ops.softmax(x, axis)


def log_softmax(x, axis: int = -1):
    return ops.log_softmax(x, axis)


def tanh(x):
    return ops.tanh(x)


def elu(x, alpha: float = 1.0):
    return ops.elu(x, alpha)


def selu(x):
    return _SELU_SCALE * ops.elu(x, _SELU_ALPHA)


def softplus(x):
    return ops.softplus(x)


def softsign(x):
    return x / (1 + ops.abs(x))


def swish(x):
    return x * ops.sigmoid(x)


silu = swish


def gelu(x, approximate: bool = False):
    return ops.gelu(x, "tanh" if approximate else "none")


def leaky_relu(x, negative_slope: float = 0.2):
    """Keras's default slope is 0.2 (PyTorch's is 0.01)."""
    return ops.leaky_relu(x, negative_slope)


def exponential(x):
    return ops.exp(x)


def relu6(x):
    return ops.clamp(x, 0.0, 6.0)


def hard_sigmoid(x):
    """relu6(x + 3) / 6, Keras 3's (Keras 2's was clip(0.2 x + 0.5, 0, 1))."""
    return ops.clamp(x + 3.0, 0.0, 6.0) / 6.0


def hard_silu(x):
    """x * hard_sigmoid(x)."""
    return x * hard_sigmoid(x)


hard_swish = hard_silu


def mish(x):
    """x * tanh(softplus(x))."""
    return x * ops.tanh(ops.softplus(x))


def log_sigmoid(x):
    """log(sigmoid(x)) = -softplus(-x), finite for large |x|."""
    return -ops.softplus(-x)


_BY_NAME = {f.__name__: f for f in (linear, relu, sigmoid, softmax, log_softmax, tanh, elu, selu,
                                     softplus, softsign, swish, gelu, leaky_relu, exponential, relu6,
                                     hard_sigmoid, hard_silu, mish, log_sigmoid)}  # fmt: skip
_BY_NAME.update(silu=silu, hard_swish=hard_swish)


def get(identifier):
    """An activation function from a name, a function or None (linear)."""
    if identifier is None:
        return linear
    if callable(identifier):
        return identifier
    fn = _BY_NAME.get(identifier) if isinstance(identifier, str) else None
    if fn is None:
        raise ValueError(
            f"Unknown activation: {identifier!r}. Valid names: {', '.join(sorted(_BY_NAME))}"
        )
    return fn


def serialize(fn) -> str:
    name = getattr(fn, "__name__", None)
    return name if name in _BY_NAME else repr(fn)
