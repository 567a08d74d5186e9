"""`deepling.cuda`, as torch.cuda: is a GPU usable? CuPy is imported on first question only,
never by `import deepling`. A GPU is usable when CuPy sees one and deepling's GPU backend is
built (`devices.cuda_ready`, not yet): until then `is_available()` is False and programs take
their CPU branch."""

from __future__ import annotations

import functools

from . import devices


@functools.cache
def _cupy():
    """CuPy when it imports and sees at least one device, else None (asked once per process)."""
    try:
        import cupy

        return cupy if cupy.cuda.runtime.getDeviceCount() > 0 else None
    except Exception:  # no CuPy, no driver, or no device: all mean "no GPU" here
        return None


def is_available() -> bool:
    """True when deepling can compute on a CUDA GPU: its GPU backend is built and CuPy sees a
    device (False on this build: `device = "cuda" if torch.cuda.is_available() else "cpu"`
    picks the CPU)."""
    return devices.cuda_ready() and _cupy() is not None


def device_count() -> int:
    """The number of CUDA devices CuPy sees (0 without CuPy)."""
    cupy = _cupy()
    return 0 if cupy is None else int(cupy.cuda.runtime.getDeviceCount())


def current_device() -> int:
    cupy = _cupy()
    if cupy is None:
        raise RuntimeError("No CUDA GPUs are available")
    return int(cupy.cuda.runtime.getDevice())


def manual_seed(seed: int) -> None:
    """Seed the GPU's generator; silently ignored without a GPU, as in PyTorch."""
    cupy = _cupy()
    if cupy is not None:
        cupy.random.seed(int(seed))


manual_seed_all = manual_seed


def synchronize() -> None:
    """Wait for the GPU to finish queued work (a no-op without one)."""
    cupy = _cupy()
    if cupy is not None:
        cupy.cuda.Device().synchronize()


def empty_cache() -> None:
    """Release cached GPU memory (nothing to release without a GPU, as in PyTorch)."""
    cupy = _cupy()
    if cupy is not None:
        cupy.get_default_memory_pool().free_all_blocks()
