"""torch.nn.utils.rnn: padding a list of sequences, and packed sequences.

A PackedSequence holds the steps of sequences of different lengths, time-major, longest first:
`data` is (sum(lengths), *), `batch_sizes[t]` how many sequences are still running at step t.
Recurrent layers read it as a padded batch with a mask (a finished sequence keeps its state),
so `h_n` is each sequence's state after its own last step.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ...ops.index import index_add
from ...ops.shape import pad, stack
from ...tensor import Tensor

__all__ = ["PackedSequence", "pack_padded_sequence", "pack_sequence", "pad_packed_sequence",
           "pad_sequence", "unpack_sequence", "unpad_sequence"]  # fmt: skip


class PackedSequence(NamedTuple):
    """Sequences of different lengths packed time-major (see the module's docstring).

    Attributes:
        data: (sum(lengths), *) the steps, step 0 of every sequence first.
        batch_sizes: int64 (T,) the number of sequences running at each step.
        sorted_indices: where each packed column came from (None when given sorted).
        unsorted_indices: its inverse.
    """

    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None = None
    unsorted_indices: Tensor | None = None

    def to(self, *args, **kwargs) -> PackedSequence:
        return self._replace(data=self.data.to(*args, **kwargs))

    def float(self) -> PackedSequence:
        return self._replace(data=self.data.float())

    def double(self) -> PackedSequence:
        return self._replace(data=self.data.double())

    @property
    def is_cuda(self) -> bool:
        return False

    def is_pinned(self) -> bool:
        return False


def _int_array(x) -> np.ndarray:
    return np.asarray(x._data if isinstance(x, Tensor) else x).astype(np.int64).reshape(-1)


def _positions(lengths: np.ndarray):
    """(time, column) of each packed step, in the packed (time-major) order."""
    steps = np.arange(int(lengths.max()))[:, None]
    running = steps < lengths[None, :]  # (T, B): lengths are sorted, longest first
    t, b = np.nonzero(running)
    return t, b


def pack_padded_sequence(input, lengths, batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:  # fmt: skip
    """Pack a padded batch (T, B, *) (or (B, T, *) with batch_first) whose sequence b has
    `lengths[b]` valid steps. With enforce_sorted=False the lengths may come in any order."""
    lengths = _int_array(lengths)
    batch = input.shape[0 if batch_first else 1]
    if lengths.shape[0] != batch:
        raise RuntimeError(
            f"Expected `len(lengths)` to be equal to batch_size, but got {lengths.shape[0]} "
            f"(batch_size={batch})"
        )
    if enforce_sorted:
        if np.any(np.diff(lengths) > 0):
            raise RuntimeError(
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is "
                "True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or "
                "pack_sequence to sidestep this requirement if you do not need ONNX "
                "exportability."
            )
        order = None
    else:
        order = np.argsort(-lengths, kind="stable")
        lengths = lengths[order]
    if lengths.size and lengths.min() <= 0:
        raise RuntimeError(
            "Length of all samples has to be greater than 0, but found an element in 'lengths' "
            "that is <= 0"
        )
    steps = input.shape[1 if batch_first else 0]
    if lengths.size and lengths.max() > steps:
        raise RuntimeError(
            f"pack_padded_sequence: a sequence of length {int(lengths.max())} is longer than the "
            f"padded batch, which has {steps} steps (input shape {list(input.shape)}, "
            f"batch_first={batch_first})"
        )
    t, b = _positions(lengths)
    column = b if order is None else order[b]
    data = input[column, t] if batch_first else input[t, column]
    sizes = Tensor._wrap(np.bincount(t).astype(np.int64))
    if order is None:
        return PackedSequence(data, sizes, None, None)
    return PackedSequence(data, sizes, Tensor._wrap(order), Tensor._wrap(np.argsort(order)))


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False,
                        padding_value: float = 0.0, total_length: int | None = None):  # fmt: skip
    """The inverse of pack_padded_sequence: (padded, lengths), in the original batch order;
    steps past a sequence's end hold `padding_value`."""
    data, sizes = sequence.data, _int_array(sequence.batch_sizes)
    lengths = (np.arange(sizes[0])[None, :] < sizes[:, None]).sum(axis=0)
    steps = len(sizes)
    if total_length is not None:
        if total_length < steps:
            raise ValueError(
                "Expected total_length to be at least the length of the longest sequence in "
                f"input, but got total_length={total_length} and max sequence length being "
                f"{steps}"
            )
        steps = total_length
    t, b = _positions(lengths)
    if sequence.unsorted_indices is not None:
        order = _int_array(sequence.sorted_indices)
        b, lengths = order[b], lengths[np.argsort(order)]
    shape = (steps, int(sizes[0]), *data.shape[1:])
    padded = index_add(data, (t, b), shape)
    if padding_value:
        fill = np.full(shape, padding_value, data._data.dtype)
        fill[t, b] = 0
        padded = padded + Tensor._wrap(fill)
    if batch_first:
        padded = padded.transpose(0, 1)
    return padded, Tensor._wrap(lengths.astype(np.int64))


def pad_sequence(sequences, batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right") -> Tensor:  # fmt: skip
    """Stack tensors of shape (L_i, *) into (max L, B, *) (or (B, max L, *)), padding the
    shorter ones with `padding_value` on the right (or the left)."""
    if padding_side not in ("left", "right"):
        raise ValueError(
            f"Expected padding_side to be one of left or right, but got {padding_side}."
        )
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    longest = max(s.shape[0] for s in sequences)
    padded = []
    for s in sequences:
        if s.shape[1:] != sequences[0].shape[1:]:
            raise RuntimeError(
                f"pad_sequence: every sequence needs the same trailing shape; got "
                f"{list(sequences[0].shape)} and {list(s.shape)}"
            )
        extra = longest - s.shape[0]
        widths = (0, extra) if padding_side == "right" else (extra, 0)
        flat = [0, 0] * (s.ndim - 1) + list(widths)
        padded.append(pad(s, tuple(flat), value=padding_value) if extra else s)
    return stack(padded, dim=0 if batch_first else 1)


def pack_sequence(sequences, enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of (L_i, *) tensors (longest first unless enforce_sorted=False)."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences, lengths, batch_first: bool = False) -> list:
    """The list of (L_i, *) tensors inside a padded batch."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [padded_sequences[i, :n] for i, n in enumerate(_int_array(lengths).tolist())]


def unpack_sequence(packed_sequences: PackedSequence) -> list:
    """The list of (L_i, *) tensors inside a PackedSequence, in their original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
