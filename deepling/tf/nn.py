"""tf.nn: activations with TensorFlow's names and defaults (softmax over the last axis)."""

from __future__ import annotations

from .. import ops
from ..tensor import Tensor
from .math import _t, sigmoid, tanh  # noqa: F401  (tf.nn.sigmoid and tf.nn.tanh are tf.math's)
from .nn_conv import avg_pool1d as avg_pool1d
from .nn_conv import avg_pool2d as avg_pool2d
from .nn_conv import bias_add as bias_add
from .nn_conv import conv1d as conv1d
from .nn_conv import conv2d as conv2d
from .nn_conv import conv2d_transpose as conv2d_transpose
from .nn_conv import depthwise_conv2d as depthwise_conv2d
from .nn_conv import max_pool1d as max_pool1d
from .nn_conv import max_pool2d as max_pool2d


def relu(features, name=None) -> Tensor:
    """max(features, 0); the slope at 0 is 0."""
    return ops.relu(_t(features))


def softmax(logits, axis=None, name=None) -> Tensor:
    """exp(logits) / sum(exp(logits)) along `axis` (default: the last one)."""
    return ops.softmax(_t(logits), axis=-1 if axis is None else axis)


def log_softmax(logits, axis=None, name=None) -> Tensor:
    """logits - logsumexp(logits) along `axis` (default: the last one)."""
    return ops.log_softmax(_t(logits), axis=-1 if axis is None else axis)
