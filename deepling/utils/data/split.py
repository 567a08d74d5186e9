"""random_split: disjoint random Subsets of given sizes or fractions."""

from __future__ import annotations

import math

import numpy as np

from .dataset import Subset
from .sampler import numpy_rng


def _split_lengths(n: int, lengths) -> list[int]:
    """Fractions summing to 1 become counts (floor, then the remainder one by one, as PyTorch)."""
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        for i, frac in enumerate(lengths):
            if not 0 <= frac <= 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
        counts = [math.floor(n * frac) for frac in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        return counts
    if any(int(k) != k or k < 0 for k in lengths):
        raise ValueError(f"lengths must be non-negative integers or fractions, got {lengths}")
    return [int(k) for k in lengths]


def random_split(dataset, lengths, generator=None) -> list[Subset]:
    """Split `dataset` at random into non-overlapping `Subset`s of the given lengths.

    Args:
        dataset: any dataset with `__len__`.
        lengths: sizes that sum to `len(dataset)`, or fractions that sum to 1.
        generator: where the permutation comes from (default: deepling's one generator).

    Example:
        >>> train, test = random_split(range(10), [0.8, 0.2])
        >>> len(train), len(test)
        (8, 2)
    """
    counts = _split_lengths(len(dataset), list(lengths))
    if sum(counts) != len(dataset):
        raise ValueError(
            f"Sum of input lengths ({sum(counts)}) does not equal the length of the input "
            f"dataset ({len(dataset)})!"
        )
    order = numpy_rng(generator).permutation(len(dataset)).tolist()
    ends = np.cumsum(counts).tolist()
    return [Subset(dataset, order[end - k : end]) for end, k in zip(ends, counts)]
