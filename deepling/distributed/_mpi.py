"""mpi4py, imported on first use: `import deepling.distributed` never loads MPI by itself."""

from __future__ import annotations

import importlib.util

INSTALL = 'pip install "deepling[mpi]"'


class DistributedUnavailableError(RuntimeError, ImportError):
    """MPI is missing: both PyTorch's RuntimeError and the ImportError of a missing module."""


def available() -> bool:
    """Whether mpi4py can be imported (looked up without importing it)."""
    try:
        return importlib.util.find_spec("mpi4py") is not None
    except ValueError:  # in sys.modules without a spec (blocked with None, as tests do)
        return False


def mpi():
    """The `mpi4py.MPI` module, or an error that names the extra to install."""
    try:
        from mpi4py import MPI
    except ImportError as e:
        raise DistributedUnavailableError(
            f"deepling.distributed runs over MPI, and mpi4py could not be imported ({e}). "
            f"Install it with the extra: {INSTALL} (mpi4py and the mpich wheel), or mpi4py "
            "built against your cluster's own MPI."
        ) from None
    return MPI
