"""Reader for LeCun's IDX format (MNIST, Fashion-MNIST), gzipped or not.

An IDX file is a 4-byte magic number `00 00 <type> <ndim>`, then `ndim` big-endian uint32 sizes,
then the values, big-endian, in C order. MNIST images are type 0x08 (uint8) with ndim 3
(magic 2051), labels type 0x08 with ndim 1 (magic 2049).
"""

from __future__ import annotations

import gzip
import os
import struct
import zlib

import numpy as np

_TYPES = {0x08: "u1", 0x09: "i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_GZIP_MAGIC = b"\x1f\x8b"


class IDXFormatError(ValueError):
    """The file is not a well-formed IDX file (bad magic number, truncated, or extra bytes)."""


def _open(path):
    """Open `path` for reading, through gzip when it starts with gzip's magic bytes."""
    with open(path, "rb") as f:
        is_gzip = f.read(2) == _GZIP_MAGIC
    return gzip.open(path, "rb") if is_gzip else open(path, "rb")


def _read_header(f, path) -> tuple[np.dtype, tuple[int, ...]]:
    magic = f.read(4)
    if len(magic) < 4:
        raise IDXFormatError(f"{path}: truncated: {len(magic)} bytes, too short for an IDX header")
    if magic[:2] != b"\0\0" or magic[2] not in _TYPES or magic[3] == 0:
        raise IDXFormatError(
            f"{path}: not an IDX file: magic number 0x{magic.hex()} (expected 0x0000TTDD with a "
            f"type TT in {[f'{t:02x}' for t in _TYPES]} and ndim DD >= 1, e.g. 2051 for images, "
            "2049 for labels)"
        )
    ndim = magic[3]
    dims = f.read(4 * ndim)
    if len(dims) < 4 * ndim:
        raise IDXFormatError(f"{path}: truncated inside the header ({ndim} sizes announced)")
    return np.dtype(_TYPES[magic[2]]), struct.unpack(f">{ndim}I", dims)


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read an IDX file (`.gz` or raw) into a new, writable NumPy array in native byte order.

    Raises `IDXFormatError` (a ValueError) naming the file when the magic number is wrong, the
    data is shorter or longer than the header's sizes say, or the gzip stream is corrupt.
    """
    try:
        with _open(path) as f:
            dtype, shape = _read_header(f, path)
            out = np.empty(shape, dtype)
            expected = out.nbytes
            got = f.readinto(memoryview(out).cast("B")) if expected else 0
            extra = len(f.read(1))
    except (EOFError, gzip.BadGzipFile, zlib.error) as e:  # a cut or damaged gzip stream
        raise IDXFormatError(f"{path}: corrupt or truncated gzip data ({e})") from e
    if got < expected:
        raise IDXFormatError(
            f"{path}: truncated: the header announces shape {shape} ({expected} bytes of data) "
            f"but only {got} bytes follow"
        )
    if extra:
        raise IDXFormatError(f"{path}: corrupt: more than the {expected} data bytes of {shape}")
    return out.astype(dtype.newbyteorder("="), copy=False)
