"""deepling.tf: TensorFlow's names over deepling's one autograd core (it follows TF 2.21.0).

Change `import tensorflow as tf` to `import deepling.tf as tf`: `tf.Variable`,
`tf.GradientTape`, `tf.reduce_mean`, `tf.random.normal`, `tf.data.Dataset`, `tf.Module`,
`tf.function`, ... keep their TF names, defaults and argument orders, and tensors print as TF
prints them. `tf.keras`, `tf.optimizers`, `tf.initializers`, `tf.losses` and `tf.metrics` are
Keras's own modules (`deepling.keras`, ...), as in TensorFlow; they load on first use.
"""

import importlib as _importlib  # private: the face's namespace holds TF's names only
import sys as _sys
import types as _types

from .. import _backend as _b
from .._backend import bool_ as bool  # noqa: A004
from .._backend import float16 as float16
from .._backend import float16 as half
from .._backend import float32 as float32
from .._backend import float64 as double
from .._backend import float64 as float64
from .._backend import int8 as int8
from .._backend import int16 as int16
from .._backend import int32 as int32
from .._backend import int64 as int64
from .._backend import uint8 as uint8
from . import config as config
from . import data as data
from . import distribute as distribute
from . import image as image
from . import linalg as linalg
from . import math as math
from . import nn as nn
from . import random as random
from ._aliases import Aliases
from .array_ops import boolean_mask as boolean_mask
from .array_ops import broadcast_to as broadcast_to
from .array_ops import clip_by_global_norm as clip_by_global_norm
from .array_ops import clip_by_norm as clip_by_norm
from .array_ops import clip_by_value as clip_by_value
from .array_ops import concat as concat
from .array_ops import expand_dims as expand_dims
from .array_ops import eye as eye
from .array_ops import fill as fill
from .array_ops import gather as gather
from .array_ops import gather_nd as gather_nd
from .array_ops import identity as identity
from .array_ops import linspace as linspace
from .array_ops import matmul as matmul
from .array_ops import newaxis as newaxis
from .array_ops import one_hot as one_hot
from .array_ops import pad as pad
from .array_ops import rank as rank
from .array_ops import reshape as reshape
from .array_ops import shape as shape
from .array_ops import size as size
from .array_ops import split as split
from .array_ops import squeeze as squeeze
from .array_ops import stack as stack
from .array_ops import tensordot as tensordot
from .array_ops import transpose as transpose
from .array_ops import unstack as unstack
from .array_ops import where as where
from .function import function as function
from .math import abs as abs  # noqa: A004
from .math import add as add
from .math import add_n as add_n
from .math import argmax as argmax
from .math import argmin as argmin
from .math import cast as cast
from .math import cos as cos
from .math import divide as divide
from .math import equal as equal
from .math import exp as exp
from .math import greater as greater
from .math import greater_equal as greater_equal
from .math import less as less
from .math import less_equal as less_equal
from .math import log as log
from .math import logical_and as logical_and
from .math import logical_not as logical_not
from .math import logical_or as logical_or
from .math import maximum as maximum
from .math import minimum as minimum
from .math import multiply as multiply
from .math import negative as negative
from .math import not_equal as not_equal
from .math import pow as pow  # noqa: A004
from .math import reduce_all as reduce_all
from .math import reduce_any as reduce_any
from .math import reduce_logsumexp as reduce_logsumexp
from .math import reduce_max as reduce_max
from .math import reduce_mean as reduce_mean
from .math import reduce_min as reduce_min
from .math import reduce_prod as reduce_prod
from .math import reduce_std as reduce_std
from .math import reduce_sum as reduce_sum
from .math import reduce_variance as reduce_variance
from .math import sigmoid as sigmoid
from .math import sin as sin
from .math import sqrt as sqrt
from .math import square as square
from .math import subtract as subtract
from .math import tanh as tanh
from .math import truediv as truediv
from .module import Module as Module
from .runtime import __version__ as __version__
from .runtime import executing_eagerly as executing_eagerly
from .runtime import get_logger as get_logger
from .runtime import print as print  # noqa: A004
from .runtime import version as version
from .tape import GradientTape as GradientTape
from .tape import UnconnectedGradients as UnconnectedGradients
from .tape import custom_gradient as custom_gradient
from .tape import stop_gradient as stop_gradient
from .tensor import Tensor as Tensor
from .tensor import TensorShape as TensorShape
from .tensor import TensorSpec as TensorSpec
from .tensor import is_tensor as is_tensor
from .variables import Variable as Variable
from .variables import constant as constant
from .variables import convert_to_tensor as convert_to_tensor
from .variables import name_scope as name_scope
from .variables import ones as ones
from .variables import ones_like as ones_like
from .variables import range as range  # noqa: A004
from .variables import zeros as zeros
from .variables import zeros_like as zeros_like


def as_dtype(type_value):
    """The dtype named by `type_value` ('float32', tf.float32, np.float32, ...)."""
    return _b.to_dtype(type_value)


dtypes = _types.SimpleNamespace(
    bool=bool, float16=float16, half=half, float32=float32, float64=float64, double=double,
    int8=int8, int16=int16, int32=int32, int64=int64, uint8=uint8, as_dtype=as_dtype,
)  # fmt: skip

# TF's names for Keras's modules: the same module objects, imported only when first used
_KERAS = {
    f"{__name__}.keras": "deepling.keras",
    f"{__name__}.optimizers": "deepling.keras.optimizers",
    f"{__name__}.initializers": "deepling.keras.initializers",
    f"{__name__}.losses": "deepling.keras.losses",
    f"{__name__}.metrics": "deepling.keras.metrics",
}
if not any(isinstance(finder, Aliases) for finder in _sys.meta_path):
    _sys.meta_path.insert(0, Aliases(_KERAS))  # ahead of the path finder, so no module loads twice


def __getattr__(name: str):
    """Load `tf.optimizers` and `tf.keras` on first use, so `import deepling.tf` stays light."""
    if f"{__name__}.{name}" in _KERAS:
        return _importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'deepling.tf' has no attribute {name!r}")
