"""deepling.linalg, as torch.linalg: norms (norm, vector_norm, matrix_norm) and the inverses
of square matrices (inv, det, solve), all differentiable; LinAlgError for a singular matrix."""

from .ops.linalg import matmul as matmul
from .ops.linsolve import LinAlgError as LinAlgError
from .ops.linsolve import det as det
from .ops.linsolve import inv as inv
from .ops.linsolve import solve as solve
from .ops.norms import linalg_norm as norm
from .ops.norms import matrix_norm as matrix_norm
from .ops.norms import vector_norm as vector_norm

__all__ = ["LinAlgError", "det", "inv", "matmul", "matrix_norm", "norm", "solve", "vector_norm"]
