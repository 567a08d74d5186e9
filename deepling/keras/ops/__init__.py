"""keras.ops: Keras 3's backend-independent op names (NumPy's names and arguments, plus the
`keras.ops.nn` activations and losses), each a row over deepling's ops.

Only names whose core op exists are here. Waiting for their core ops: sign, round, floor, ceil,
mod, floor_divide, cumsum, cumprod, sort, argsort, top_k, einsum, tile, repeat, flip, roll,
tril, triu, diag, diagonal, trace, norm, normalize, arccos and the other inverse/hyperbolic
trigonometric functions, isnan/isinf/isfinite, nonzero and the scatter ops.
"""

from .core import cast as cast
from .core import convert_to_numpy as convert_to_numpy
from .core import convert_to_tensor as convert_to_tensor
from .core import shape as shape
from .core import stop_gradient as stop_gradient
from .nn import binary_crossentropy as binary_crossentropy
from .nn import categorical_crossentropy as categorical_crossentropy
from .nn import dropout as dropout
from .nn import elu as elu
from .nn import gelu as gelu
from .nn import leaky_relu as leaky_relu
from .nn import log_sigmoid as log_sigmoid
from .nn import log_softmax as log_softmax
from .nn import moments as moments
from .nn import one_hot as one_hot
from .nn import relu as relu
from .nn import relu6 as relu6
from .nn import selu as selu
from .nn import sigmoid as sigmoid
from .nn import silu as silu
from .nn import softmax as softmax
from .nn import softplus as softplus
from .nn import sparse_categorical_crossentropy as sparse_categorical_crossentropy
from .nn import swish as swish
from .numpy import abs as abs  # noqa: A004
from .numpy import absolute as absolute
from .numpy import add as add
from .numpy import all as all  # noqa: A004
from .numpy import any as any  # noqa: A004
from .numpy import arange as arange
from .numpy import argmax as argmax
from .numpy import argmin as argmin
from .numpy import average as average
from .numpy import broadcast_to as broadcast_to
from .numpy import clip as clip
from .numpy import concatenate as concatenate
from .numpy import cos as cos
from .numpy import count_nonzero as count_nonzero
from .numpy import divide as divide
from .numpy import dot as dot
from .numpy import equal as equal
from .numpy import erf as erf
from .numpy import exp as exp
from .numpy import expand_dims as expand_dims
from .numpy import expm1 as expm1
from .numpy import eye as eye
from .numpy import full as full
from .numpy import full_like as full_like
from .numpy import greater as greater
from .numpy import greater_equal as greater_equal
from .numpy import identity as identity
from .numpy import less as less
from .numpy import less_equal as less_equal
from .numpy import linspace as linspace
from .numpy import log as log
from .numpy import log1p as log1p
from .numpy import logical_and as logical_and
from .numpy import logical_not as logical_not
from .numpy import logical_or as logical_or
from .numpy import logical_xor as logical_xor
from .numpy import logsumexp as logsumexp
from .numpy import matmul as matmul
from .numpy import max as max  # noqa: A004
from .numpy import maximum as maximum
from .numpy import mean as mean
from .numpy import min as min  # noqa: A004
from .numpy import minimum as minimum
from .numpy import multiply as multiply
from .numpy import ndim as ndim
from .numpy import negative as negative
from .numpy import not_equal as not_equal
from .numpy import ones as ones
from .numpy import ones_like as ones_like
from .numpy import pad as pad
from .numpy import power as power
from .numpy import prod as prod
from .numpy import reciprocal as reciprocal
from .numpy import reshape as reshape
from .numpy import rsqrt as rsqrt
from .numpy import sin as sin
from .numpy import size as size
from .numpy import split as split
from .numpy import sqrt as sqrt
from .numpy import square as square
from .numpy import squeeze as squeeze
from .numpy import stack as stack
from .numpy import std as std
from .numpy import subtract as subtract
from .numpy import sum as sum  # noqa: A004
from .numpy import take as take
from .numpy import take_along_axis as take_along_axis
from .numpy import tanh as tanh
from .numpy import tensordot as tensordot
from .numpy import transpose as transpose
from .numpy import true_divide as true_divide
from .numpy import var as var
from .numpy import where as where
from .numpy import zeros as zeros
from .numpy import zeros_like as zeros_like
