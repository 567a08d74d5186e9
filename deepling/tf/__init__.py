"""deepling.tf: TensorFlow's low-level names over deepling's one autograd core.

Change `import tensorflow as tf` to `import deepling.tf as tf`: `tf.Variable`,
`tf.GradientTape`, `tf.reduce_mean`, `tf.random.normal`, ... keep their TF names, defaults and
argument orders. `tf.keras` and `tf.optimizers` are Keras's own modules (`deepling.keras`,
`deepling.keras.optimizers`), as in TensorFlow; they load on first use.
"""

import importlib as _importlib  # private: the face's namespace holds TF's names only
import sys as _sys

from .._backend import bool_ as bool
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
from ..tape import GradientTape as GradientTape
from ..tensor import Tensor as Tensor
from . import image as image
from . import math as math
from . import nn as nn
from . import random as random
from ._aliases import Aliases
from .math import abs as abs  # noqa: A004
from .math import add as add
from .math import argmax as argmax
from .math import argmin as argmin
from .math import cast as cast
from .math import concat as concat
from .math import cos as cos
from .math import divide as divide
from .math import equal as equal
from .math import exp as exp
from .math import greater as greater
from .math import less as less
from .math import log as log
from .math import matmul as matmul
from .math import maximum as maximum
from .math import minimum as minimum
from .math import multiply as multiply
from .math import negative as negative
from .math import not_equal as not_equal
from .math import pow as pow  # noqa: A004
from .math import reduce_logsumexp as reduce_logsumexp
from .math import reduce_max as reduce_max
from .math import reduce_mean as reduce_mean
from .math import reduce_min as reduce_min
from .math import reduce_prod as reduce_prod
from .math import reduce_sum as reduce_sum
from .math import reshape as reshape
from .math import sigmoid as sigmoid
from .math import sin as sin
from .math import sqrt as sqrt
from .math import square as square
from .math import stack as stack
from .math import subtract as subtract
from .math import tanh as tanh
from .math import transpose as transpose
from .variables import Variable as Variable
from .variables import constant as constant
from .variables import convert_to_tensor as convert_to_tensor
from .variables import ones as ones
from .variables import ones_like as ones_like
from .variables import range as range  # noqa: A004
from .variables import zeros as zeros
from .variables import zeros_like as zeros_like

# TF's names for Keras's modules: the same module objects, imported only when first used
_KERAS = {
    f"{__name__}.keras": "deepling.keras",
    f"{__name__}.optimizers": "deepling.keras.optimizers",
}
if not any(isinstance(finder, Aliases) for finder in _sys.meta_path):
    _sys.meta_path.insert(0, Aliases(_KERAS))  # ahead of the path finder, so no module loads twice


def __getattr__(name: str):
    """Load `tf.optimizers` and `tf.keras` on first use, so `import deepling.tf` stays light."""
    if f"{__name__}.{name}" in _KERAS:
        return _importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'deepling.tf' has no attribute {name!r}")
