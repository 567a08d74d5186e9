"""Random computation graphs over every differentiable op of the PyTorch face, replayed in
deepling and PyTorch (tests/test_fuzz_graphs.py)."""

from . import everyday_math, everyday_shape, math_ops, nn_ops, shape_ops, vision_ops  # noqa: F401 (POOL)
from .graph import Draws, Graph, Lib, derivatives
from .pool import LOSSES, POOL
