"""torch.backends.cudnn: the switches tutorials set for reproducible GPU runs. deepling has no
cuDNN; its CPU results are deterministic already, so the switches change nothing here."""

enabled = True
deterministic = False  # `torch.backends.cudnn.deterministic = True` is accepted as is
benchmark = False


def is_available() -> bool:
    """False: no cuDNN here."""
    return False


def version():
    """None, as PyTorch without cuDNN answers."""
    return None
