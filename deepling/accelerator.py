"""deepling.accelerator, as torch.accelerator: the device-neutral way to ask for a GPU.

`device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available()
else "cpu"` picks the CPU here: deepling has no accelerator backend yet (`devices.cuda_ready`).
"""

from __future__ import annotations

from . import cuda
from .devices import device


def is_available() -> bool:
    """Whether an accelerator deepling can compute on is present (not yet: False)."""
    return cuda.is_available()


def current_accelerator(check_available: bool = False) -> device | None:
    """The accelerator's device type (`device(type='cuda')`), or None when there is none."""
    return device("cuda") if cuda.is_available() else None


def device_count() -> int:
    """The number of accelerators deepling can use (0 here)."""
    return cuda.device_count() if cuda.is_available() else 0
