"""read_idx: round trips through files the tests write, and clear errors for damaged files."""

import gzip
import struct

import numpy as np
import pytest

from deepling.datasets import IDXFormatError, read_idx

_CODES = {np.dtype("u1"): 0x08, np.dtype("i1"): 0x09, np.dtype(">i2"): 0x0B}
_CODES |= {np.dtype(">i4"): 0x0C, np.dtype(">f4"): 0x0D, np.dtype(">f8"): 0x0E}


def idx_bytes(array: np.ndarray) -> bytes:
    """IDX encoding of `array`: magic 00 00 <type> <ndim>, big-endian sizes, big-endian data."""
    big = array.astype(array.dtype.newbyteorder(">"))
    header = bytes([0, 0, _CODES[big.dtype], array.ndim]) + struct.pack(
        f">{array.ndim}I", *array.shape
    )
    return header + big.tobytes()


def write_idx(path, array, gz=True):
    data = idx_bytes(array)
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


@pytest.mark.parametrize("gz", [True, False])
def test_uint8_images_round_trip(tmp_path, gz):
    images = np.random.default_rng(0).integers(0, 256, (5, 28, 28), dtype=np.uint8)
    out = read_idx(write_idx(tmp_path / "x.idx", images, gz=gz))
    assert out.shape == (5, 28, 28) and out.dtype == np.uint8
    np.testing.assert_array_equal(out, images)
    out[0, 0, 0] = 1  # a fresh, writable array (np.frombuffer on bytes would be read-only)


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.float32, np.float64])
def test_multibyte_types_come_back_in_native_order(tmp_path, dtype):
    values = np.array([[-3, 0, 2], [1000, -70000, 7]]).astype(dtype)
    out = read_idx(write_idx(tmp_path / "v.gz", values))
    assert out.dtype == np.dtype(dtype) and out.dtype.isnative
    np.testing.assert_array_equal(out, values)


def test_wrong_magic_number_is_named(tmp_path):
    path = tmp_path / "notidx.gz"
    path.write_bytes(gzip.compress(b"PK\x03\x04" + bytes(100)))
    with pytest.raises(
        IDXFormatError, match=r"notidx\.gz: not an IDX file: magic number 0x504b0304"
    ):
        read_idx(path)


def test_truncated_data_names_shape_and_byte_counts(tmp_path):
    data = idx_bytes(np.zeros((4, 28, 28), np.uint8))
    path = tmp_path / "short.gz"
    path.write_bytes(gzip.compress(data[:-10]))
    with pytest.raises(
        IDXFormatError, match=r"short\.gz: truncated.*\(4, 28, 28\).*3136 bytes.*3126"
    ):
        read_idx(path)


def test_truncated_header(tmp_path):
    path = tmp_path / "head.idx"
    path.write_bytes(bytes([0, 0, 8, 3]) + struct.pack(">I", 4))  # 1 of 3 sizes
    with pytest.raises(IDXFormatError, match="truncated inside the header"):
        read_idx(path)
    path.write_bytes(b"\0\0")
    with pytest.raises(IDXFormatError, match="too short"):
        read_idx(path)


def test_cut_gzip_stream(tmp_path):
    packed = gzip.compress(idx_bytes(np.arange(2000, dtype=np.uint8).reshape(2, 1000) % 7))
    path = tmp_path / "cut.gz"
    path.write_bytes(packed[: len(packed) // 2])  # what an interrupted copy leaves
    with pytest.raises(IDXFormatError, match=r"cut\.gz: corrupt or truncated gzip"):
        read_idx(path)


def test_extra_bytes_after_the_data(tmp_path):
    path = tmp_path / "long.idx"
    path.write_bytes(idx_bytes(np.zeros(3, np.uint8)) + b"\0")
    with pytest.raises(IDXFormatError, match=r"long\.idx: corrupt: more than the 3 data bytes"):
        read_idx(path)
