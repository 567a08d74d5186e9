"""Files written whole or not at all: a temporary beside the target, renamed over it, and the
temporaries of a killed save removed by the next save to that path."""

from __future__ import annotations

import contextlib
import os
import re

_CHUNK = 1 << 24  # write in 16 MiB pieces


def write_chunks(out, data: bytes) -> None:
    view = memoryview(data)
    for start in range(0, len(view), _CHUNK):
        out.write(view[start : start + _CHUNK])


_TEMP_TAIL = re.compile(r"(\d+)\.[0-9a-f]{8}")  # what follows `.<target>.tmp.`: pid, random


def write_atomic(path: str, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, then rename it over `path` (atomic).

    The temporary is `.<target>.tmp.<pid>.<random>`, so the next save to the same path finds
    what a killed save left behind (`_remove_stale_temps`) and removes it.
    """
    folder, base = os.path.split(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"cannot save to {path}: parent directory {folder} does not exist")
    _remove_stale_temps(folder, base)
    tmp = os.path.join(folder, f".{base}.tmp.{os.getpid()}.{os.urandom(4).hex()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as out:
            write_chunks(out, data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _remove_stale_temps(folder: str, base: str) -> None:
    """Remove the temporaries of `base` whose writing process is gone (killed mid-save). Those
    of a live process are kept, so a concurrent save is never broken; and since the target
    only ever changes by an atomic rename, removing a temporary cannot tear the target."""
    prefix = f".{base}.tmp."
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        found = _TEMP_TAIL.fullmatch(name[len(prefix) :]) if name.startswith(prefix) else None
        if found and not _alive(int(found.group(1))):
            with contextlib.suppress(OSError):  # another save may have removed it first
                os.unlink(os.path.join(folder, name))


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # another thread of this process may be writing it now
    if os.name == "nt":  # os.kill would signal it; Windows refuses to unlink an open file
        return False
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists but belongs to another user
    return True


def read_bytes(f) -> tuple[bytes, str]:
    """The whole content of a path or a binary file object, and a name for messages."""
    if hasattr(f, "read"):
        return f.read(), getattr(f, "name", repr(f))
    path = os.fspath(f)
    with open(path, "rb") as file:
        return file.read(), path
