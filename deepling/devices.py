"""Devices, as torch.device: the one place that decides where tensors may live.

deepling computes on the CPU (NumPy). `device("cuda")` is a valid name, as in PyTorch, but
making or moving a tensor there raises `DeviceUnavailableError` with a sentence saying so; the GPU
backend (CuPy) will come in here, and `cuda.is_available()` asks `cuda_ready()`.
"""

from __future__ import annotations

import builtins

# the device types PyTorch's parser knows, in its order (its error lists them)
_TYPES = ("cpu cuda ipu xpu mkldnn opengl opencl ideep hip ve fpga maia xla lazy vulkan mps "
          "meta hpu mtia privateuseone").split()  # fmt: skip


class DeviceUnavailableError(AssertionError, RuntimeError):
    """A device deepling cannot run on here. An AssertionError, as a CPU-only PyTorch raises
    ("Torch not compiled with CUDA enabled"), and a RuntimeError, as PyTorch without a driver
    raises."""


class device:  # noqa: N801 (PyTorch's name)
    """Where a tensor lives: `device("cpu")`, `device("cuda:0")`, `device("cuda", 0)`.

    Equal to devices of the same type and index (as in PyTorch, not to strings: compare
    `d.type == "cuda"` or `str(d) == "cuda:0"`); usable as a dict key and as a context manager
    that sets the default device.

    Example:
        >>> import deepling as dl
        >>> d = dl.device("cuda:0")
        >>> d, d.type, d.index, str(d)
        (device(type='cuda', index=0), 'cuda', 0, 'cuda:0')
    """

    __slots__ = ("_type", "_index", "_previous")

    def __init__(self, type, index: int | None = None):  # noqa: A002 (PyTorch's names)
        if isinstance(type, device):
            type, index = type.type, type.index  # noqa: A001
        elif isinstance(type, int) and not isinstance(type, bool):
            raise RuntimeError("Cannot access accelerator device when none is available.")
        elif not isinstance(type, str):
            raise TypeError(
                f"device() received an invalid combination of arguments - got "
                f"({builtins.type(type).__name__}), but expected one of: "
                "(torch.device device), (str type, int index = -1)"
            )
        else:
            type, index = _parse(type, index)  # noqa: A001
        self._type, self._index = type, index

    @property
    def type(self) -> str:
        return self._type

    @property
    def index(self) -> int | None:
        return self._index

    def __eq__(self, other) -> bool:
        if not isinstance(other, device):
            return NotImplemented
        return (self._type, self._index) == (other._type, other._index)

    def __hash__(self) -> int:
        return hash((self._type, self._index))

    def __str__(self) -> str:
        return self._type if self._index is None else f"{self._type}:{self._index}"

    def __repr__(self) -> str:
        if self._index is None:
            return f"device(type='{self._type}')"
        return f"device(type='{self._type}', index={self._index})"

    def __reduce__(self):
        return (device, (self._type, self._index))

    def __enter__(self) -> device:
        self._previous = _default.device
        set_default_device(self)
        return self

    def __exit__(self, *exc) -> bool:
        _default.device = self._previous
        return False


def _parse(text: str, index):
    """'cuda:1' -> ('cuda', 1), with PyTorch's errors for what it refuses."""
    name, sep, number = text.partition(":")
    if name not in _TYPES:
        raise RuntimeError(
            f"Expected one of {', '.join(_TYPES)} device type at start of device string: {text}"
        )
    if sep:
        if index is not None:
            raise RuntimeError(
                "type (string) must not include an index because index was passed explicitly: "
                + text
            )
        if not number.isdigit():
            raise RuntimeError(f"Invalid device string: '{text}'")
        index = int(number)
    if index is not None and index < 0:
        raise RuntimeError("Device index must not be negative")
    return name, index


CPU = device("cpu")


class _Default:
    device = CPU


_default = _Default()


def cuda_ready() -> bool:
    """Whether deepling can compute on a CUDA GPU: not yet (no GPU backend is built), so
    `cuda.is_available()` is False and programs take their CPU branch."""
    return False


def check(where) -> device:
    """`where` (None, a string or a device) as a device deepling can use, or
    DeviceUnavailableError, raised before anything is made."""
    if where is None:
        return _default.device
    d = where if isinstance(where, device) else device(where)
    if d._type != "cpu":
        raise DeviceUnavailableError(
            f"device '{where}' is not available: deepling runs on the CPU here (its GPU backend "
            "is not built yet). Use device='cpu', or pick it as PyTorch programs do: "
            "device = 'cuda' if torch.cuda.is_available() else 'cpu'"
        )
    return d


def set_default_device(where) -> None:
    """The device new tensors are made on (only the CPU here); None resets it.

    Example:
        >>> import deepling as dl
        >>> dl.set_default_device("cpu")
        >>> dl.get_default_device()
        device(type='cpu')
    """
    _default.device = CPU if where is None else check(where)


def get_default_device() -> device:
    return _default.device
