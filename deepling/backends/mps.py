"""torch.backends.mps: Apple's GPU backend, which deepling does not have."""


def is_available() -> bool:
    """False: deepling computes on the CPU (`device = "mps" if ... else "cpu"` picks the CPU)."""
    return False


def is_built() -> bool:
    """False: no MPS backend is built into deepling."""
    return False
