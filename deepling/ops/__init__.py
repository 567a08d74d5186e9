"""Differentiable operations, one file per kind; each op is a Function and a lowercase wrapper.

The names below are `torch.*`'s tensor functions: each kind file lists its public ops in
`__all__`, and this package (and so `deepling`) exports exactly those. The primitives of the
losses (loss.py, crossentropy.py) and of layers (nn_ops.py, norm.py) are reached by module.
"""

from . import (
    activation,
    arith,
    compare,
    conv,
    cumulative,
    index,
    layout,
    linalg,
    linsolve,
    logic,
    matrix,
    moments,
    names,  # noqa: F401 (binds PyTorch's names of backward nodes)
    norms,
    ordering,
    pointwise,
    pool,
    reduce,
    shape,
    trig,
    unary,
)
from .activation import *  # noqa: F403
from .arith import *  # noqa: F403
from .compare import *  # noqa: F403
from .conv import *  # noqa: F403
from .cumulative import *  # noqa: F403
from .index import *  # noqa: F403
from .layout import *  # noqa: F403
from .linalg import *  # noqa: F403
from .linsolve import *  # noqa: F403
from .logic import *  # noqa: F403
from .matrix import *  # noqa: F403
from .moments import *  # noqa: F403
from .norms import *  # noqa: F403
from .ordering import *  # noqa: F403
from .pointwise import *  # noqa: F403
from .pool import *  # noqa: F403
from .reduce import *  # noqa: F403
from .shape import *  # noqa: F403
from .trig import *  # noqa: F403
from .unary import *  # noqa: F403

_KINDS = (activation, arith, compare, conv, cumulative, index, layout, linalg, linsolve, logic, matrix,
          moments, norms, pointwise, pool, reduce, ordering, shape, trig, unary)  # fmt: skip
__all__ = [name for kind in _KINDS for name in kind.__all__]
