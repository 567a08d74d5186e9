"""What `fit` prints: a tqdm bar per epoch (verbose=1), one line per epoch (2), or nothing (0)."""

from __future__ import annotations

import sys
import time


def format_logs(logs: dict) -> str:
    return " - ".join(
        f"{k}: {v:.4f}" if isinstance(v, float) else f"{k}: {v}" for k, v in logs.items()
    )


class Progress:
    """Keras's epoch display: 'Epoch 3/10', then steps, time per step and running metrics."""

    def __init__(self, verbose, epochs: int, steps: int | None):
        self.verbose = 1 if verbose == "auto" else int(verbose)
        self.epochs, self.steps = epochs, steps
        self._bar = None
        self._start = 0.0

    def epoch_begin(self, epoch: int) -> None:
        self._start = time.perf_counter()
        if self.verbose:
            print(f"Epoch {epoch + 1}/{self.epochs}", file=sys.stdout, flush=self.verbose == 1)
        if self.verbose == 1:
            from tqdm import tqdm  # loaded only when a bar is shown

            self._bar = tqdm(
                total=self.steps, file=sys.stdout, leave=True, mininterval=0.1, unit="step",
                bar_format="{n_fmt}/{total_fmt} [{bar:30}] - {elapsed}{postfix}", ascii=".=",
            )  # fmt: skip

    def batch_end(self, step: int, logs: dict) -> None:
        if self._bar is not None:
            self._bar.update(1)
            if self._bar.n == self._bar.total or step % 10 == 0:
                self._bar.set_postfix_str(format_logs(logs), refresh=False)

    def epoch_end(self, logs: dict, steps_done: int) -> None:
        per_step = (time.perf_counter() - self._start) / max(steps_done, 1)
        timing = (
            f"{per_step * 1e3:.0f}ms/step" if per_step >= 1e-3 else f"{per_step * 1e6:.0f}us/step"
        )
        if self._bar is not None:
            self._bar.set_postfix_str(f"{timing} - {format_logs(logs)}", refresh=True)
            self._bar.close()
            self._bar = None
        elif self.verbose == 2:
            took = time.perf_counter() - self._start
            print(
                f"{steps_done}/{self.steps or steps_done} - {took:.0f}s - {timing} - {format_logs(logs)}"
            )
