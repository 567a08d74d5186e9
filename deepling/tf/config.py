"""tf.config: the devices deepling runs on (one CPU) and TF's switches about them."""

from __future__ import annotations

import types
from typing import NamedTuple

from .function import functions_run_eagerly as functions_run_eagerly
from .function import run_functions_eagerly as run_functions_eagerly


class PhysicalDevice(NamedTuple):
    """A device as TF lists it."""

    name: str
    device_type: str


class LogicalDevice(NamedTuple):
    name: str
    device_type: str


_CPU = PhysicalDevice(name="/physical_device:CPU:0", device_type="CPU")


def list_physical_devices(device_type=None) -> list:
    """The devices of a type: `[]` for "GPU" (deepling computes on the CPU), the CPU for
    "CPU" or None.

    Example:
        >>> import deepling.tf as tf
        >>> tf.config.list_physical_devices("GPU")
        []
    """
    if device_type is None or str(device_type).upper() == "CPU":
        return [_CPU]
    return []


def list_logical_devices(device_type=None) -> list:
    """As `list_physical_devices`, as logical devices ('/device:CPU:0')."""
    return [LogicalDevice("/device:CPU:0", "CPU") for _ in list_physical_devices(device_type)]


def get_visible_devices(device_type=None) -> list:
    return list_physical_devices(device_type)


def set_visible_devices(devices, device_type=None) -> None:
    """Only the CPU can be made visible (hiding every device, or a GPU list, is an error)."""
    devices = [devices] if isinstance(devices, PhysicalDevice) else list(devices)
    if any(d != _CPU for d in devices) or (not devices and device_type in (None, "CPU")):
        raise ValueError(f"deepling computes on the CPU only; cannot make {devices} visible")


def _set_memory_growth(device, enable) -> None:
    """GPU memory growth: no GPU is ever listed, so there is no device to set it on."""
    raise ValueError(f"Cannot set memory growth on {device}: deepling lists no GPU")


def _get_memory_growth(device) -> bool:
    raise ValueError(f"Cannot get memory growth of {device}: deepling lists no GPU")


experimental = types.SimpleNamespace(
    list_physical_devices=list_physical_devices,
    list_logical_devices=list_logical_devices,
    set_memory_growth=_set_memory_growth,
    get_memory_growth=_get_memory_growth,
    set_visible_devices=set_visible_devices,
    get_visible_devices=get_visible_devices,
)
