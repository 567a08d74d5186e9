"""TensorFlow's array names (`tf.reshape`, `tf.gather`, `tf.split`, `tf.pad`, `tf.where`, ...)
over deepling's ops, with TF's argument orders, defaults and dtypes.

Gathers are basic or advanced indexing (`ops.getitem`, whose gradient is an index-add), so
they differentiate to any order; `tensordot` is permutes, reshapes and one matmul. Names
whose core op is not in deepling yet (tile, reverse, roll, sort, argsort) are absent.
"""

from __future__ import annotations

import math

import numpy as np

from .. import _backend, ops
from ..tensor import Tensor as _CoreTensor
from .tensor import Tensor, as_tf
from .variables import _shape, _tf_array, convert_to_tensor

newaxis = None


def _t(x) -> _CoreTensor:
    return x if isinstance(x, _CoreTensor) else convert_to_tensor(x)


def _ints(values) -> list:
    return [int(v) for v in np.asarray(_tf_array(values)).reshape(-1)]


def _axis(axis: int, ndim: int) -> int:
    if not -ndim <= axis < max(ndim, 1):
        raise ValueError(f"axis {axis} is out of bounds for a tensor of rank {ndim}")
    return axis % max(ndim, 1)


# --- shapes ---
def reshape(tensor, shape, name=None) -> Tensor:
    """The same values in a new shape; one entry of `shape` may be -1."""
    return as_tf(ops.reshape(_t(tensor), tuple(_ints(shape))))


def transpose(a, perm=None, conjugate=False, name="transpose") -> Tensor:
    """Reorder the dims by `perm`; by default reverse them all."""
    a = _t(a)
    perm = tuple(range(a.ndim))[::-1] if perm is None else tuple(_ints(perm))
    return as_tf(ops.permute(a, *perm) if perm else ops.add(a, 0))


def expand_dims(input, axis, name=None) -> Tensor:
    """A new dim of size 1 at `axis` (-1 appends one)."""
    x = _t(input)
    return as_tf(ops.unsqueeze(x, _axis(int(axis), x.ndim + 1)))


def squeeze(input, axis=None, name=None) -> Tensor:
    """Drop dims of size 1 (all of them, or those in `axis`, which must have size 1)."""
    x = _t(input)
    if axis is None:
        return as_tf(ops.squeeze(x))
    axes = sorted({_axis(a, x.ndim) for a in _ints(axis)})
    for a in axes:
        if x.shape[a] != 1:
            raise ValueError(
                f"Can not squeeze dim[{a}], expected a dimension of 1, got {x.shape[a]} for "
                f"a tensor of shape {tuple(x.shape)}"
            )
    shape = [d for i, d in enumerate(x.shape) if i not in axes]
    return as_tf(ops.reshape(x, tuple(shape)))


def broadcast_to(input, shape, name=None) -> Tensor:
    """`input` repeated along its dims of size 1 (and new leading dims) to `shape`."""
    return as_tf(ops.broadcast_to(_t(input), tuple(_ints(shape))))


def concat(values, axis, name="concat") -> Tensor:
    """Join tensors along an existing axis (`axis` has no default, as in TF)."""
    return as_tf(ops.cat([_t(v) for v in values], int(axis)))


def stack(values, axis=0, name="stack") -> Tensor:
    """Join tensors along a new axis."""
    return as_tf(ops.stack([_t(v) for v in values], int(axis)))


def unstack(value, num=None, axis=0, name="unstack") -> list:
    """The slices of `value` along `axis`, as a list of tensors of one rank less."""
    x = _t(value)
    axis = _axis(int(axis), x.ndim)
    if num is not None and int(num) != x.shape[axis]:
        raise ValueError(f"num={num} does not match dim {axis} of shape {tuple(x.shape)}")
    lead = (slice(None),) * axis
    return [as_tf(ops.getitem(x, (*lead, i))) for i in range(x.shape[axis])]


def split(value, num_or_size_splits, axis=0, num=None, name="split") -> list:
    """Pieces along `axis`: an int makes that many equal pieces, a list gives the sizes (one
    of which may be -1 for the rest)."""
    x = _t(value)
    axis = _axis(int(axis), x.ndim)
    n = x.shape[axis]
    if np.ndim(num_or_size_splits) == 0:
        count = int(num_or_size_splits)
        if count <= 0 or n % count:
            raise ValueError(
                f"Dimension size must be evenly divisible by {count} but is {n} for 'split' "
                f"with input shape {tuple(x.shape)}"
            )
        sizes = [n // count] * count
    else:
        sizes = _ints(num_or_size_splits)
        if sizes.count(-1) == 1:
            sizes[sizes.index(-1)] = n - (sum(sizes) + 1)
    return [as_tf(piece) for piece in ops.split(x, sizes, axis)]


def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None) -> Tensor:
    """Pad each dim by `paddings[d] = [before, after]` with `constant_values`.

    Only mode "CONSTANT" is supported (REFLECT and SYMMETRIC raise NotImplementedError).
    """
    x = _t(tensor)
    if str(mode).upper() != "CONSTANT":
        raise NotImplementedError(f"tf.pad: mode {mode!r} is not supported, only 'CONSTANT'")
    widths = np.asarray(_tf_array(paddings)).reshape(-1, 2)
    if len(widths) != x.ndim:
        raise ValueError(
            f"paddings must have one [before, after] pair per dim: got {len(widths)} pairs for "
            f"a tensor of rank {x.ndim}"
        )
    flat = [int(v) for pair in widths[::-1] for v in pair]  # the core's order: last dim first
    return as_tf(ops.pad(x, flat, value=float(constant_values)))


def shape(input, out_type=_backend.int32, name=None) -> Tensor:
    """The shape of `input` as a 1-D int32 tensor."""
    return Tensor._wrap(np.asarray(_t(input).shape, _backend.to_dtype(out_type)))


def size(input, out_type=_backend.int32, name=None) -> Tensor:
    """The number of elements of `input`, as an int32 scalar."""
    return Tensor._wrap(np.asarray(_t(input).numel(), _backend.to_dtype(out_type)))


def rank(input, name=None) -> Tensor:
    """The number of dims of `input`, as an int32 scalar."""
    return Tensor._wrap(np.asarray(_t(input).ndim, np.int32))


# --- indexing ---
def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    """Slices of `params` along `axis` (default 0) at `indices`: the result's shape is
    params.shape[:axis] + indices.shape + params.shape[axis + 1:]. With `batch_dims` b, the
    first b dims of params and indices are matched pairwise.

    Example:
        >>> import deepling.tf as tf
        >>> tf.gather([10.0, 20.0, 30.0], [2, 0]).numpy()
        array([30., 10.], dtype=float32)
    """
    x, index = _t(params), _index(indices)
    b = int(batch_dims) % (index.ndim + 1) if batch_dims else 0
    axis = b if axis is None else _axis(int(axis), x.ndim)
    if axis < b:
        raise ValueError(f"batch_dims ({batch_dims}) must be less than or equal to axis ({axis})")
    if b:
        index = index.reshape(index.shape[:b] + (1,) * (axis - b) + index.shape[b:])
    key = _batch_aranges(x.shape[:b], index.ndim) + (slice(None),) * (axis - b) + (index,)
    return as_tf(ops.getitem(x, key))


def _index(indices) -> np.ndarray:
    index = np.asarray(_t(indices)._data)
    if index.dtype.kind not in "iu":
        raise TypeError(f"indices must be integers, got dtype {index.dtype}")
    return index.astype(np.int64, copy=False)


def _batch_aranges(batch_shape, rank: int) -> tuple:
    """Index arrays 0..n-1 for each batch dim, shaped to broadcast against a rank-`rank` index."""
    out = []
    for i, n in enumerate(batch_shape):
        shape = [1] * rank
        shape[i] = n
        out.append(np.arange(n).reshape(shape))
    return tuple(out)


def gather_nd(params, indices, batch_dims=0, name=None) -> Tensor:
    """Entries (or slices) of `params` at the index vectors along the last dim of `indices`:
    shape indices.shape[:-1] + params.shape[b + depth:].

    Example:
        >>> import deepling.tf as tf
        >>> tf.gather_nd([[1, 2], [3, 4]], [[0, 1], [1, 0]]).numpy()
        array([2, 3], dtype=int32)
    """
    x, index = _t(params), _index(indices)
    b = int(batch_dims)
    depth = index.shape[-1]
    if b + depth > x.ndim:
        raise ValueError(
            f"index depth {depth} with batch_dims={b} is more than the rank {x.ndim} of params"
        )
    columns = tuple(index[..., k] for k in range(depth))
    key = _batch_aranges(x.shape[:b], index.ndim - 1) + columns
    return as_tf(ops.getitem(x, key))


def boolean_mask(tensor, mask, axis=None, name="boolean_mask") -> Tensor:
    """The entries of `tensor` where `mask` is True, `mask` covering dims axis..axis+k."""
    x, m = _t(tensor), np.asarray(_t(mask)._data, bool)
    axis = 0 if axis is None else _axis(int(axis), x.ndim)
    if x.shape[axis : axis + m.ndim] != m.shape:
        raise ValueError(
            f"mask shape {m.shape} does not match dims {axis}.. of tensor shape {tuple(x.shape)}"
        )
    return as_tf(ops.getitem(x, (slice(None),) * axis + (m,)))


def where(condition, x=None, y=None, name=None) -> Tensor:
    """`x` where `condition` is True, else `y` (broadcasting); all three must be given.

    The one-argument form (the indices of True entries) waits for the core's `nonzero` op.
    """
    if x is None and y is None:
        raise NotImplementedError(
            "tf.where(condition) with one argument (the indices of True entries) is not "
            "available yet: pass x and y"
        )
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    return as_tf(ops.where(_t(condition), _t(x), _t(y)))


# --- filled tensors ---
def fill(dims, value, name=None) -> Tensor:
    """A tensor of shape `dims` filled with `value` (its dtype by TF's rule)."""
    array = _tf_array(value)
    return Tensor._wrap(np.full(_shape(dims), array, array.dtype))


def eye(num_rows, num_columns=None, batch_shape=None, dtype=_backend.float32, name=None):
    """The identity matrix (num_rows x num_columns), repeated over `batch_shape`."""
    matrix = np.eye(int(num_rows), None if num_columns is None else int(num_columns),
                    dtype=_backend.to_dtype(dtype))  # fmt: skip
    if batch_shape is not None:
        matrix = np.broadcast_to(matrix, (*_ints(batch_shape), *matrix.shape)).copy()
    return Tensor._wrap(matrix)


def linspace(start, stop, num, name=None, axis=0) -> Tensor:
    """`num` evenly spaced values from `start` to `stop` (both included), float32 for Python
    numbers (the dtype of `start` for tensors)."""
    lo, hi = _tf_array(start), _tf_array(stop)
    dtype = lo.dtype if lo.dtype.kind == "f" else np.dtype(np.float32)
    values = np.linspace(lo, hi, int(num), axis=int(axis))
    return Tensor._wrap(values.astype(dtype))


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """Rows with `on_value` (1) at each index and `off_value` (0) elsewhere; an index outside
    [0, depth) gives a row of `off_value`. The new dim goes at `axis` (default last).

    Example:
        >>> import deepling.tf as tf
        >>> tf.one_hot([0, 2], 3).numpy().tolist()
        [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """
    index = _index(indices)
    given = next((np.asarray(_tf_array(v)) for v in (on_value, off_value) if v is not None), None)
    dtype = _backend.to_dtype(dtype) or (given.dtype if given is not None else np.float32)
    on = 1 if on_value is None else _tf_array(on_value)
    off = 0 if off_value is None else _tf_array(off_value)
    hits = index[..., None] == np.arange(int(depth))
    out = np.where(hits, np.asarray(on, dtype), np.asarray(off, dtype))
    if axis is not None and int(axis) != -1:
        out = np.moveaxis(out, -1, int(axis))
    return Tensor._wrap(out)


def identity(input, name=None) -> Tensor:
    """A new tensor with the value of `input` (a snapshot of a Variable); the gradient passes."""
    x = _t(input)
    return as_tf(ops.add(x, 0) if x.requires_grad else Tensor._wrap(x._data.copy()))


# --- clipping: compositions of ops, so gradients flow as in TF ---
def clip_by_value(t, clip_value_min, clip_value_max, name=None) -> Tensor:
    """Values limited to [min, max]; the gradient passes where min <= t <= max."""
    low, high = (np.asarray(_t(v)._data) for v in (clip_value_min, clip_value_max))
    return as_tf(ops.clamp(_t(t), low, high))


def clip_by_norm(t, clip_norm, axes=None, name=None) -> Tensor:
    """t * clip_norm / max(||t||, clip_norm): scaled down to L2 norm `clip_norm` (over `axes`,
    default all) when longer, unchanged otherwise."""
    t = _t(t)
    axes = None if axes is None else tuple(_ints(axes))
    squares = ops.sum(ops.square(t), axis=axes, keepdims=True)
    positive = ops.gt(squares, 0)
    norm = ops.where(positive, ops.sqrt(ops.where(positive, squares, 1.0)), squares)
    return as_tf(t * clip_norm / ops.maximum(norm, clip_norm))


def global_norm(t_list, name=None) -> Tensor:
    """sqrt(sum of the squares of every entry of every tensor in `t_list`); None entries skip."""
    kept = [_t(t) for t in t_list if t is not None]
    if not kept:
        return Tensor._wrap(np.asarray(0.0, np.float32))
    total = ops.sum(ops.square(kept[0]))
    for t in kept[1:]:
        total = total + ops.sum(ops.square(t))
    return as_tf(ops.sqrt(total))


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """Scale every tensor by clip_norm / max(global_norm, clip_norm); returns (the list, the
    global norm). A non-finite norm makes every entry nan, as in TF. None entries stay None."""
    if isinstance(t_list, _CoreTensor) or not isinstance(t_list, (list, tuple)):
        raise TypeError("`t_list` should be a sequence of tensors")
    norm = global_norm(t_list) if use_norm is None else _t(use_norm)
    scale = clip_norm / ops.maximum(norm, clip_norm)
    if not math.isfinite(float(norm)):
        scale = scale * float("nan")
    clipped = [None if t is None else as_tf(_t(t) * ops.cast(scale, _t(t).dtype)) for t in t_list]
    return clipped, norm


# --- products ---
def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, output_type=None, name=None) -> Tensor:  # fmt: skip
    """a @ b over the last two dims (leading dims are batch dims); optionally transposed
    first (real tensors: adjoint is transpose). Sparse hints change nothing here."""
    a, b = _t(a), _t(b)
    if transpose_a or adjoint_a:
        a = ops.transpose(a, -1, -2)
    if transpose_b or adjoint_b:
        b = ops.transpose(b, -1, -2)
    out = ops.matmul(a, b)
    return as_tf(out if output_type is None else ops.cast(out, _backend.to_dtype(output_type)))


def tensordot(a, b, axes, name=None) -> Tensor:
    """Sum of products over `axes` of a and b: an int n (the last n of a with the first n of
    b) or two lists of axes; one matmul on permuted, reshaped operands.

    Example:
        >>> import deepling.tf as tf
        >>> tf.tensordot(tf.ones([2, 3]), tf.ones([3, 4]), 1).shape
        TensorShape([2, 4])
    """
    a, b = _t(a), _t(b)
    if np.ndim(axes) == 0:
        n = int(axes)
        a_axes, b_axes = list(range(a.ndim - n, a.ndim)), list(range(n))
    else:
        a_axes, b_axes = ([_axis(i, t.ndim) for i in np.atleast_1d(ax).tolist()]
                          for ax, t in zip(axes, (a, b)))  # fmt: skip
    if [a.shape[i] for i in a_axes] != [b.shape[i] for i in b_axes]:
        raise ValueError(
            f"tensordot: dims {a_axes} of {tuple(a.shape)} do not match dims {b_axes} of "
            f"{tuple(b.shape)}"
        )
    a_free = [i for i in range(a.ndim) if i not in a_axes]
    b_free = [i for i in range(b.ndim) if i not in b_axes]
    k = math.prod(a.shape[i] for i in a_axes)
    left = ops.reshape(ops.permute(a, *a_free, *a_axes), (-1, k))
    right = ops.reshape(ops.permute(b, *b_axes, *b_free), (k, -1))
    shape = [a.shape[i] for i in a_free] + [b.shape[i] for i in b_free]
    return as_tf(ops.reshape(ops.matmul(left, right), tuple(shape)))
