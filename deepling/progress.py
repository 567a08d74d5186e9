"""What `fit` prints: a tqdm bar per epoch (verbose=1), one line per epoch (2), or nothing (0).

The lines follow Keras 2: 'Epoch 3/10', then
'32/32 [==============================] - 0s 2ms/step - loss: 0.1234 - mae: 0.2345' (verbose=1)
or '32/32 - 0s - loss: 0.1234 - mae: 0.2345 - 64ms/epoch - 2ms/step' (verbose=2).
A live tqdm bar is drawn only on a terminal or in Jupyter (tqdm is imported only then);
elsewhere (a log file, a captured stdout) verbose=1 prints the finished bar line once per
epoch, as Keras's Progbar does.
"""

from __future__ import annotations

import sys
import time


def format_logs(logs: dict) -> str:
    return " - ".join(
        f"{k}: {v:.4f}" if isinstance(v, float) else f"{k}: {v}" for k, v in logs.items()
    )


def format_time(seconds: float) -> str:
    """Keras's per-step time: '2ms' or '850us' (or '1s' when slow)."""
    if seconds >= 1:
        return f"{seconds:.0f}s"
    return f"{seconds * 1e3:.0f}ms" if seconds >= 1e-3 else f"{seconds * 1e6:.0f}us"


def one_line(steps: int, seconds: float, logs: dict) -> str:
    """evaluate()/predict()'s single line: '3/3 [====...====] - 0s 2ms/step - loss: ...'."""
    line = (
        f"{steps}/{steps} [{'=' * 30}] - {seconds:.0f}s {format_time(seconds / max(steps, 1))}/step"
    )
    return f"{line} - {format_logs(logs)}" if logs else line


def dynamic_display() -> bool:
    """Whether a bar redrawn in place will show: a terminal, or a Jupyter kernel."""
    isatty = getattr(sys.stdout, "isatty", None)
    return bool(isatty and isatty()) or "ipykernel" in sys.modules


class Progress:
    """Keras's epoch display: 'Epoch 3/10', then steps, time per step and running metrics."""

    def __init__(self, verbose, epochs: int, steps: int | None):
        self.verbose = 1 if verbose == "auto" else verbose
        if self.verbose not in (0, 1, 2):
            raise ValueError(f"verbose must be 0, 1, 2 or 'auto', got {verbose!r}")
        self.verbose = int(self.verbose)
        self.epochs, self.steps = epochs, steps
        self.bar = None
        self._start = 0.0

    def epoch_begin(self, epoch: int) -> None:
        if not self.verbose:
            return
        self._start = time.perf_counter()
        print(f"Epoch {epoch + 1}/{self.epochs}", file=sys.stdout, flush=True)
        if self.verbose == 1 and dynamic_display():
            from tqdm import tqdm  # loaded only when a bar is shown

            self.bar = tqdm(
                total=self.steps,
                file=sys.stdout,
                leave=True,
                mininterval=0.1,
                unit="step",
                bar_format="{n_fmt}/{total_fmt} [{bar:30}] - {elapsed}{postfix}",
                ascii=".=",
            )

    def batch_end(self, step: int, logs: dict) -> None:
        if self.bar is not None:
            self.bar.update(1)
            if self.bar.n == self.bar.total or step % 10 == 0:
                self.bar.set_postfix_str(format_logs(logs), refresh=False)

    def epoch_end(self, logs: dict, steps_done: int) -> None:
        if not self.verbose:
            return
        took = time.perf_counter() - self._start
        per_step = format_time(took / max(steps_done, 1))
        if self.bar is not None:
            self.bar.set_postfix_str(f"{per_step}/step - {format_logs(logs)}", refresh=True)
            self.bar.close()
            self.bar = None
        elif self.verbose == 1:
            print(f"{one_line(steps_done, took, logs)}")
        else:
            print(
                f"{steps_done}/{self.steps or steps_done} - {took:.0f}s - {format_logs(logs)} - "
                f"{format_time(took)}/epoch - {per_step}/step"
            )
