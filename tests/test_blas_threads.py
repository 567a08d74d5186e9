"""deepling.set_num_threads / get_num_threads (PyTorch's names) set the BLAS thread pool."""

import pytest

import deepling as dl


def test_set_and_get_num_threads():
    before = dl.get_num_threads()
    try:
        dl.set_num_threads(1)
        assert dl.get_num_threads() == 1
    finally:
        dl.set_num_threads(before)
    assert dl.get_num_threads() == before


@pytest.mark.parametrize(
    "value, message",
    [(0, "positive integer"), (-2, "positive integer"), (1.5, "expects an int, but got float")],
)
def test_bad_thread_counts_raise_as_pytorch(value, message):
    before = dl.get_num_threads()
    with pytest.raises(RuntimeError, match=message):
        dl.set_num_threads(value)
    assert dl.get_num_threads() == before
