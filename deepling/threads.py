"""How many threads the BLAS library under NumPy uses for matrix products (PyTorch's
`torch.set_num_threads`/`get_num_threads`), through threadpoolctl.

On a small or shared machine one thread is often fastest for tutorial-sized models: the
products are too small to split, and threads that wait for a busy core cost more than they
give (`benchmarks/bench_threads.py` measures it). `OPENBLAS_NUM_THREADS=1` (or
`OMP_NUM_THREADS=1`, `MKL_NUM_THREADS=1`) before starting Python does the same for a whole run.
"""

from __future__ import annotations


def set_num_threads(num: int) -> None:
    """Use `num` BLAS threads from now on, in this process.

    Example:
        >>> import deepling as dl
        >>> dl.set_num_threads(1)
        >>> dl.get_num_threads()
        1
    """
    if isinstance(num, bool) or not isinstance(num, int):
        raise RuntimeError(f"set_num_threads expects an int, but got {type(num).__name__}")
    if num < 1:
        raise RuntimeError("set_num_threads expects a positive integer")
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=num, user_api="blas")  # not as a context: the limit stays


def get_num_threads() -> int:
    """The number of threads the BLAS library uses now (1 when NumPy's BLAS is not found)."""
    return blas_info()["num_threads"]


def blas_info() -> dict:
    """The BLAS library NumPy calls: its name, version and thread count (threadpoolctl's)."""
    from threadpoolctl import threadpool_info

    found = [p for p in threadpool_info() if p.get("user_api") == "blas"]
    if not found:
        return {"internal_api": "unknown", "version": None, "num_threads": 1}
    return max(found, key=lambda p: p["num_threads"])
