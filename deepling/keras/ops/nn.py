"""keras.ops.nn: activations, one_hot, moments, dropout and the cross-entropies."""

from __future__ import annotations

import numpy as np

from ... import ops
from ...ops import loss as _loss
from ...ops import nn_ops
from ...tensor import Tensor
from .. import loss_functions as _losses
from .core import _t
from .numpy import _axis, _dtype, _unary

relu = _unary(ops.relu, "relu")
sigmoid = _unary(ops.sigmoid, "sigmoid")
softplus = _unary(ops.softplus, "softplus")


def relu6(x) -> Tensor:
    return ops.clamp(_t(x), 0.0, 6.0)


def softmax(x, axis=-1) -> Tensor:
    return ops.softmax(_t(x), axis=axis)


def log_softmax(x, axis=-1) -> Tensor:
    return ops.log_softmax(_t(x), axis=axis)


def elu(x, alpha=1.0) -> Tensor:
    return ops.elu(_t(x), alpha)


def selu(x) -> Tensor:
    return 1.0507009873554804934193349852946 * ops.elu(_t(x), 1.6732632423543772848170429916717)


def gelu(x, approximate=True) -> Tensor:
    """x * Phi(x); Keras's default is the tanh approximation."""
    return ops.gelu(_t(x), "tanh" if approximate else "none")


def leaky_relu(x, negative_slope=0.2) -> Tensor:
    return ops.leaky_relu(_t(x), negative_slope)


def silu(x) -> Tensor:
    x = _t(x)
    return x * ops.sigmoid(x)


swish = silu


def log_sigmoid(x) -> Tensor:
    return ops.neg(ops.softplus(ops.neg(_t(x))))


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False) -> Tensor:
    """Rows with 1 at each index (0 for indices outside [0, num_classes))."""
    if sparse:
        raise NotImplementedError("sparse one_hot is not supported")
    index = np.asarray(_t(x)._data)
    out = (index[..., None] == np.arange(num_classes)).astype(_dtype(dtype))
    return Tensor._wrap(np.moveaxis(out, -1, axis) if axis != -1 else out)


def moments(x, axes, keepdims=False, synchronized=False):
    """(mean, variance) over `axes`."""
    x = _t(x)
    m = ops.mean(x, axis=_axis(axes), keepdims=True)
    v = ops.mean(ops.square(x - m), axis=_axis(axes), keepdims=keepdims)
    return (m if keepdims else ops.reshape(m, tuple(v.shape))), v


def dropout(x, rate, noise_shape=None, seed=None) -> Tensor:
    """keras.random.dropout: zero a `rate` share, scale the rest by 1 / (1 - rate)."""
    from ..random import _generator

    return nn_ops.dropout(_t(x), float(rate), noise_shape=noise_shape, rng=_generator(seed))


def binary_crossentropy(target, output, from_logits=False) -> Tensor:
    """Elementwise binary cross-entropy (probabilities clipped to [1e-7, 1 - 1e-7])."""
    output = _t(output)
    target = ops.cast(_t(target), output.dtype)
    if from_logits:
        return _loss.bce_with_logits(output, target)
    return _loss.bce(output, target, clip=_losses.EPSILON)


def categorical_crossentropy(target, output, from_logits=False, axis=-1) -> Tensor:
    """Per-sample cross-entropy of one-hot (or soft) targets."""
    return _losses.categorical_crossentropy(target, output, from_logits=from_logits, axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1) -> Tensor:
    """Per-sample cross-entropy of integer targets."""
    return _losses.sparse_categorical_crossentropy(target, output, from_logits, axis=axis)
