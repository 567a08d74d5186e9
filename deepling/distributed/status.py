"""What this installation offers: MPI (and 'gloo', its alias here) when mpi4py imports."""

from ._mpi import available


def is_available() -> bool:
    """Whether distributed training works here: True when mpi4py is installed."""
    return available()


def is_mpi_available() -> bool:
    return available()


def is_gloo_available() -> bool:
    """'gloo' is an alias of the MPI backend, so programs written for it run."""
    return available()


def is_nccl_available() -> bool:
    return False
