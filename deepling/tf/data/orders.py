"""Index streams: the fast path of tf.data for data held in arrays.

A pipeline of `from_tensor_slices`/`range` followed only by shuffle, repeat, take, skip,
prefetch (and a finished cache) never touches its elements one by one: it passes a stream of
index arrays ("chunks") from stage to stage, and `batch` gathers each batch with one fancy
index (`TensorDataset._gather`, as DataLoader does). These are the stages on chunks.
"""

from __future__ import annotations

import numpy as np

BLOCK = 1 << 16  # indices per chunk of a source: a huge range never becomes one array


def blocks(n: int):
    """0 .. n-1 as chunks."""
    for start in range(0, n, BLOCK):
        yield np.arange(start, min(start + BLOCK, n))


def take(chunks, n: int):
    """The first n indices of the stream."""
    for chunk in chunks:
        if n <= 0:
            return
        yield chunk[:n]
        n -= len(chunk)


def skip(chunks, n: int):
    """The stream without its first n indices."""
    for chunk in chunks:
        if n >= len(chunk):
            n -= len(chunk)
            continue
        yield chunk[n:]
        n = 0


def regroup(chunks, size: int, drop_remainder: bool):
    """Index arrays of `size` (the last one shorter unless dropped), across chunk edges."""
    held, count = [], 0
    for chunk in chunks:
        while len(chunk):
            part = chunk[: size - count]
            chunk = chunk[len(part) :]
            held.append(part)
            count += len(part)
            if count == size:
                yield held[0] if len(held) == 1 else np.concatenate(held)
                held, count = [], 0
    if count and not drop_remainder:
        yield np.concatenate(held)


def buffered_shuffle(chunks, size: int, rng):
    """TF's shuffle with a buffer of `size`: fill the buffer, then for each further index
    emit a uniformly chosen buffered one and put the new one in its place; at the end emit
    what is left in random order. With a buffer as large as the data it is a uniform
    permutation; a small buffer only mixes nearby indices, as in TF."""
    buffer: list = []  # Python lists: about 50 ns per index, where NumPy scalars cost 400
    for chunk in chunks:
        items = chunk.tolist()
        if len(buffer) < size:
            room = size - len(buffer)
            buffer.extend(items[:room])
            items = items[room:]
        if items:
            yield np.asarray(_exchange(buffer, items, rng), np.int64)
    if buffer:
        yield rng.permutation(np.asarray(buffer, np.int64))


def _exchange(buffer: list, items: list, rng) -> list:
    """Emit a random buffered index for each new one, which takes its place."""
    out = []
    for j, index in zip(rng.integers(0, len(buffer), len(items)).tolist(), items):
        out.append(buffer[j])
        buffer[j] = index
    return out


def shuffle_items(items, size: int, rng):
    """The same buffered shuffle on elements that are not indices (after a map or filter)."""
    buffer: list = []
    for item in items:
        if len(buffer) < size:
            buffer.append(item)
            continue
        j = int(rng.integers(size))
        yield buffer[j]
        buffer[j] = item
    for j in rng.permutation(len(buffer)).tolist():
        yield buffer[j]
