"""Differentiable operations, one file per kind; each op is a Function and a lowercase wrapper.

The names below are `torch.*`'s tensor functions: each kind file lists its public ops in
`__all__`, and this package (and so `deepling`) exports exactly those. The primitives of the
losses (loss.py, crossentropy.py) and of layers (nn_ops.py, norm.py) are reached by module.
"""

from . import activation, arith, conv, index, linalg, moments, pool, reduce, shape, unary
from .activation import *  # noqa: F403
from .arith import *  # noqa: F403
from .conv import *  # noqa: F403
from .index import *  # noqa: F403
from .linalg import *  # noqa: F403
from .moments import *  # noqa: F403
from .pool import *  # noqa: F403
from .reduce import *  # noqa: F403
from .shape import *  # noqa: F403
from .unary import *  # noqa: F403

__all__ = [
    name
    for kind in (activation, arith, conv, index, linalg, moments, pool, reduce, shape, unary)
    for name in kind.__all__
]
