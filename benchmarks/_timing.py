"""Shared timing helpers for the benchmarks: medians of repeated runs, and one plain table."""

from __future__ import annotations

import statistics
import time

CLOCKS = {"wall": time.perf_counter, "cpu": time.thread_time}


def median_seconds(fn, *, number=1, repeats=7, warmup=1, clock="wall") -> float:
    """Median over `repeats` of the time per call of `fn`, each repeat timing `number` calls.

    `clock="cpu"` counts this thread's CPU time only: steadier on a machine shared with other
    jobs, where wall time also counts the time spent waiting for a core.
    """
    now = CLOCKS[clock]
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = now()
        for _ in range(number):
            fn()
        times.append((now() - start) / number)
    return statistics.median(times)


def print_table(title: str, header: list[str], rows: list[list]) -> None:
    """Print rows under a header, columns padded to their widest cell."""
    cells = [header] + [[_cell(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    print(f"\n{title}")
    for k, row in enumerate(cells):
        print(
            "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths)))
        )
        if k == 0:
            print("  ".join("-" * w for w in widths))


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:.0f}"
    return str(value)
