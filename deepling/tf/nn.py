"""tf.nn: activations, losses and helpers with TensorFlow's names and defaults (softmax over
the last axis, leaky_relu's alpha 0.2), each a row over deepling's ops."""

from __future__ import annotations

import functools

import numpy as np

from .. import ops
from ..ops import crossentropy, nn_ops
from ..ops.loss import bce_with_logits
from . import nn_conv
from . import random as _random
from .array_ops import gather
from .math import _axis, _t, l2_normalize, log_sigmoid, sigmoid, softplus, tanh  # noqa: F401
from .tensor import Tensor, as_tf

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _tf_row(fn):
    """One of nn_conv's functions, its result shown as a TF tensor."""

    @functools.wraps(fn)
    def row(*args, **kwargs):
        return as_tf(fn(*args, **kwargs))

    return row


avg_pool1d = _tf_row(nn_conv.avg_pool1d)
avg_pool2d = _tf_row(nn_conv.avg_pool2d)
bias_add = _tf_row(nn_conv.bias_add)
conv1d = _tf_row(nn_conv.conv1d)
conv2d = _tf_row(nn_conv.conv2d)
conv2d_transpose = _tf_row(nn_conv.conv2d_transpose)
depthwise_conv2d = _tf_row(nn_conv.depthwise_conv2d)
max_pool1d = _tf_row(nn_conv.max_pool1d)
max_pool2d = _tf_row(nn_conv.max_pool2d)


def relu(features, name=None) -> Tensor:
    """max(features, 0); the slope at 0 is 0."""
    return as_tf(ops.relu(_t(features)))


def relu6(features, name=None) -> Tensor:
    """min(max(features, 0), 6)."""
    return as_tf(ops.clamp(_t(features), 0.0, 6.0))


def elu(features, name=None) -> Tensor:
    """features if > 0, else exp(features) - 1."""
    return as_tf(ops.elu(_t(features)))


def selu(features, name=None) -> Tensor:
    """scale * elu(features, alpha) with the self-normalizing constants (1.0507, 1.6733)."""
    return as_tf(_SELU_SCALE * ops.elu(_t(features), _SELU_ALPHA))


def gelu(features, approximate=False, name=None) -> Tensor:
    """x * Phi(x) (the normal CDF), or its tanh approximation with `approximate=True`."""
    return as_tf(ops.gelu(_t(features), "tanh" if approximate else "none"))


def leaky_relu(features, alpha=0.2, name=None) -> Tensor:
    """features if > 0, else alpha * features (TF's default alpha is 0.2)."""
    return as_tf(ops.leaky_relu(_t(features), float(alpha)))


def silu(features, beta=1.0) -> Tensor:
    """features * sigmoid(beta * features) (also tf.nn.swish)."""
    x = _t(features)
    return as_tf(x * ops.sigmoid(x if beta == 1.0 else beta * x))


swish = silu


def softmax(logits, axis=None, name=None) -> Tensor:
    """exp(logits) / sum(exp(logits)) along `axis` (default: the last one)."""
    return as_tf(ops.softmax(_t(logits), axis=-1 if axis is None else int(axis)))


def log_softmax(logits, axis=None, name=None) -> Tensor:
    """logits - logsumexp(logits) along `axis` (default: the last one)."""
    return as_tf(ops.log_softmax(_t(logits), axis=-1 if axis is None else int(axis)))


def l2_loss(t, name=None) -> Tensor:
    """sum(t ** 2) / 2."""
    return as_tf(ops.sum(ops.square(_t(t))) / 2)


def moments(x, axes, shift=None, keepdims=False, name=None):
    """(mean, variance) over `axes` (the variance divides by n). `shift` is accepted as TF
    accepts it: TF does not use it either."""
    x = _t(x)
    axes = _axis(axes)
    mean = ops.mean(x, axis=axes, keepdims=True)
    # TF holds the mean constant inside the variance, which keeps first derivatives and changes
    # second ones; the plain composition gives the true ones at every order
    variance = ops.mean(ops.square(x - mean), axis=axes, keepdims=keepdims)
    return as_tf(mean if keepdims else ops.reshape(mean, tuple(variance.shape))), as_tf(variance)


def dropout(x, rate, noise_shape=None, seed=None, name=None) -> Tensor:
    """Zero each entry with probability `rate` and scale the rest by 1 / (1 - rate), always
    (tf.nn.dropout has no training switch). `seed` gives repeatable masks, as tf.random's."""
    x, rate = _t(x), float(rate)
    if not 0 <= rate < 1:
        raise ValueError(f"rate must be a scalar tensor or a float in the range [0, 1), got {rate}")
    shape = None if noise_shape is None else tuple(int(n) for n in np.asarray(noise_shape))
    rng = None if seed is None else _random._rng(seed, "dropout", x.dtype)
    return as_tf(nn_ops.dropout(x, rate, noise_shape=shape, rng=rng))


def embedding_lookup(params, ids, max_norm=None, name=None) -> Tensor:
    """Rows of `params` at `ids` (tf.gather along axis 0)."""
    if max_norm is not None:
        raise NotImplementedError("embedding_lookup: max_norm is not supported")
    return gather(params, ids)


# --- losses: one value per example, not reduced ---
def softmax_cross_entropy_with_logits(labels, logits, axis=-1, name=None) -> Tensor:
    """-sum(labels * log_softmax(logits)) along `axis`: one loss per example, differentiable
    in both labels and logits."""
    logits = _t(logits)
    labels = ops.cast(_t(labels), logits.dtype)
    logp = ops.log_softmax(logits, axis=int(axis))
    return as_tf(crossentropy.soft_cross_entropy(logp, labels, dim=int(axis)))


def sparse_softmax_cross_entropy_with_logits(labels, logits, name=None) -> Tensor:
    """-log_softmax(logits)[label] for class indices `labels` (logits' shape without its last
    dim): one loss per example."""
    logits, labels = _t(logits), _t(labels)
    if tuple(labels.shape) != tuple(logits.shape[:-1]):
        raise ValueError(
            f"labels shape {tuple(labels.shape)} must equal logits shape {tuple(logits.shape)} "
            "without its last dimension"
        )
    rows = ops.reshape(logits, (-1, logits.shape[-1]))
    loss = crossentropy.softmax_cross_entropy(rows, labels._data.reshape(-1), may_ignore=False)
    return as_tf(ops.reshape(loss, tuple(labels.shape)))


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None) -> Tensor:
    """max(x, 0) - x * z + log(1 + exp(-|x|)) elementwise, for logits x and labels z."""
    if labels is None or logits is None:
        raise ValueError("Both labels and logits must be provided.")
    logits = _t(logits)
    labels = ops.cast(_t(labels), logits.dtype)
    if tuple(labels.shape) != tuple(logits.shape):
        raise ValueError(
            f"logits and labels must have the same shape ({tuple(logits.shape)} vs "
            f"{tuple(labels.shape)})"
        )
    return as_tf(bce_with_logits(logits, labels))
