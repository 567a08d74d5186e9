"""What fit, evaluate and predict print: Keras 3's progress bar.

verbose=1 (and 'auto'): 'Epoch 3/10' (when there is more than one epoch), then
'32/32 ━━━━━━━━━━━━━━━━━━━━ 0s 2ms/step - loss: 0.1234 - mae: 0.2345'. On a terminal (or in
Jupyter) the bar is redrawn in place as batches finish, showing the time left; anywhere else
(a log file, a pipe, a captured stdout) only the finished line is printed, once per epoch, with
no '\\r' frames and no color codes. verbose=2: one line per epoch,
'32/32 - 0s - 2ms/step - loss: 0.1234 - mae: 0.2345'. verbose=0: nothing.
Metrics show in Keras 3's order: the training ones sorted by name, then the 'val_' ones.
"""

from __future__ import annotations

import sys
import time

_WIDTH = 20  # the bar's characters, as Keras's Progbar
_BOLD, _GREEN, _GREY, _END = "\x1b[1m", "\x1b[32m", "\x1b[37m", "\x1b[0m"


def format_time(seconds: float, unit: str = "step") -> str:
    """Keras's time per step: '2ms/step', '850us/step', or '1s/step' when slow."""
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s/{unit}"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/{unit}"
    return f"{seconds * 1e6:.0f}us/{unit}"


def _value(v, finished_format: bool = True) -> str:
    if not isinstance(v, float):
        return str(v)
    return f"{v:.4f}" if (abs(v) if finished_format else v) > 1e-3 else f"{v:.4e}"


def format_logs(logs: dict, absolute: bool = True) -> str:
    """' - name: value' for each metric, training ones sorted, then the validation ones."""
    keys = sorted(k for k in logs if not k.startswith("val_"))
    keys += sorted(k for k in logs if k.startswith("val_"))
    return "".join(f" - {k}: {_value(logs[k], absolute)}" for k in keys)


def dynamic_display() -> bool:
    """Whether a bar redrawn in place will show: a terminal, or a Jupyter kernel."""
    isatty = getattr(sys.stdout, "isatty", None)
    return bool(isatty and isatty()) or "ipykernel" in sys.modules


def _eta(seconds: float) -> str:
    if seconds > 3600:
        return f"{seconds // 3600:.0f}:{(seconds % 3600) // 60:02.0f}:{seconds % 60:02.0f}"
    if seconds > 60:
        return f"{seconds // 60:.0f}:{seconds % 60:02.0f}"
    return f"{seconds:.0f}s"


class Progress:
    """Keras 3's display of one epoch (or of one evaluate/predict pass: `header=False`)."""

    def __init__(self, verbose, epochs: int, steps: int | None, header: bool = True):
        self.verbose = 1 if verbose == "auto" else verbose
        if self.verbose not in (0, 1, 2, "0", "1", "2"):
            raise ValueError(f"verbose must be 0, 1, 2 or 'auto', got {verbose!r}")
        self.verbose = int(self.verbose)
        self.epochs, self.steps, self.header = epochs, steps, header
        self.live = self.verbose == 1 and dynamic_display()  # redraw after each batch
        self._start = self._first = self._last_draw = 0.0
        self._width = 0

    def epoch_begin(self, epoch: int) -> None:
        if not self.verbose:
            return
        self._start = time.perf_counter()
        self._first, self._last_draw, self._width = 0.0, 0.0, 0
        if self.header and self.epochs > 1:
            print(f"Epoch {epoch + 1}/{self.epochs}", file=sys.stdout, flush=True)

    def _per_step(self, done: int, now: float) -> float:
        """Keras's estimate: the first step (often slow) left out once there are others."""
        if not done:
            return 0.0
        if self._first and done > 1:
            return (now - self._first) / (done - 1)
        return (now - self._start) / done

    def _line(self, done: int, logs: dict, finished: bool, color: bool) -> str:
        now = time.perf_counter()
        per_step = self._per_step(done, now)
        bold, end = (_BOLD, _END) if color else ("", "")
        if self.steps:
            count = f"{done:>{len(str(self.steps))}}/{self.steps}"
            filled = int(_WIDTH * min(done / self.steps, 1.0))
            bar = "━" * filled if not color else (f"{_GREEN}{'━' * filled}{_END}" if filled else "")
            rest = "━" * (_WIDTH - filled)
            bar += f"{_GREY}{rest}{_END}" if color else rest
            head = f"{bold}{count}{end} {bar}"
        else:
            head = f"{done:7d}/Unknown"
        if self.steps and not finished:
            clock = _eta(per_step * (self.steps - done))
        else:
            clock = f"{now - self._start:.0f}s"
        return f"{head} {bold}{clock}{end} {format_time(per_step)}{format_logs(logs)}"

    def batch_end(self, step: int, logs: dict) -> None:
        """Redraw the live bar (at most every 50 ms)."""
        if not self.live:
            return
        now = time.perf_counter()
        if step == 0:
            self._first = now  # when the first step ended: the estimate leaves it out
        if now - self._last_draw < 0.05:
            return
        self._last_draw = now
        line = self._line(step + 1, logs, finished=False, color=True)
        self._draw(line)

    def _draw(self, line: str) -> None:
        visible = len(line) - line.count("\x1b[") * 4  # escape codes take no room
        pad = " " * max(self._width - visible, 0)
        sys.stdout.write("\r" + line + pad)
        sys.stdout.flush()
        self._width = visible

    def epoch_end(self, logs: dict, steps_done: int) -> None:
        if not self.verbose:
            return
        if self.steps is None:
            self.steps = steps_done or None  # the first pass tells how long an epoch is
        if self.verbose == 2:
            now = time.perf_counter()
            count = f"{steps_done:>{len(str(self.steps or steps_done))}}/{self.steps or steps_done}"
            took = f"{now - self._start:.0f}s"
            per_step = format_time((now - self._start) / max(steps_done, 1))
            print(f"{count} - {took} - {per_step}{format_logs(logs, absolute=False)}")
            return
        if self.live:
            self._draw(self._line(steps_done, logs, finished=True, color=True))
            sys.stdout.write("\n")
            sys.stdout.flush()
        else:
            print(self._line(steps_done, logs, finished=True, color=False))
