"""A convolution's arguments checked as PyTorch checks them (its error texts), and turned into
the window Geometry: stride, padding (ints, 'same' or 'valid'), dilation, output padding. (The
TensorFlow and Keras faces state their own (before, after) padding and build the Geometry.)"""

from __future__ import annotations

import numbers

from ..autograd.function import ShapeError
from ._windows import extent, geometry


def ints(value, n: int, name: str, op: str = "convolution", caller: str | None = None) -> tuple:
    """An int or a sequence of n (or 1) ints as an n-tuple, or PyTorch's error (`caller`
    names the function in a TypeError)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return (int(value),) * n
    if isinstance(value, (tuple, list)) and all(
        isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in value
    ):
        if len(value) == n:
            return tuple(int(v) for v in value)
        if len(value) == 1:
            return (int(value[0]),) * n
        raise ShapeError(
            f"expected {name} to be a single integer value or a list of {n} values to match "
            f"the {op} dimensions, but got {name}={list(value)}"
        )
    raise TypeError(
        f"{caller or op}(): argument '{name}' must be tuple of ints, not {type(value).__name__}"
    )


def _sizes(shape) -> str:
    return " x ".join(str(n) for n in shape)


def check_conv(name, rank, input, weight, bias, groups, transposed) -> bool:
    """PyTorch's checks of ranks, channels, groups, bias and dtypes; True if batched."""
    if input.ndim not in (rank + 1, rank + 2):
        raise ShapeError(
            f"Expected {rank + 1}D (unbatched) or {rank + 2}D (batched) input to {name}, but got "
            f"input of size: {list(input.shape)}"
        )
    if weight.ndim != rank + 2:
        raise ShapeError(
            f"{name}: expected a {rank + 2}-D weight ({'in, out/groups' if transposed else 'out, in/groups'}"
            f", {', '.join('k' * rank)}), but got weight of size {list(weight.shape)}"
        )
    if not isinstance(groups, numbers.Integral) or isinstance(groups, bool):
        raise TypeError(f"{name}(): argument 'groups' must be int, not {type(groups).__name__}")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    shape = list(input.shape) if input.ndim == rank + 2 else [1, *input.shape]
    w = list(weight.shape)
    if w[0] % groups:
        raise ShapeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
            f"but got weight of size {w} instead"
        )
    if transposed:
        expected, out = w[0], w[1] * groups
        head = f"Given transposed=1, weight of size {w}"
    else:
        expected, out = w[1] * groups, w[0]
        head = f"Given groups={groups}, weight of size {w}"
    if shape[1] != expected:
        raise ShapeError(
            f"{head}, expected input{shape} to have {expected} channels, but got {shape[1]} "
            "channels instead"
        )
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != out):
        raise ShapeError(
            f"Given weight of size {w}, expected bias to be 1-dimensional with {out} elements, "
            f"but got bias of size {list(bias.shape)} instead"
        )
    dtype = input.dtype
    if dtype.kind != "f":
        raise RuntimeError(f"{name}: expected a floating-point input, but got {dtype}")
    for what, t in (("weight", weight), ("bias", bias)):
        if t is not None and t.dtype != dtype:
            raise RuntimeError(
                f"Input type ({dtype}) and {what} type ({t.dtype}) should be the same"
            )
    return input.ndim == rank + 2


def _positive(values, what) -> None:
    if min(values) <= 0:
        raise RuntimeError(f"non-positive {what} is not supported")


def pads(padding, rank, kernel, stride, dilation, caller=None) -> tuple:
    """(before, after) per spatial dim from PyTorch's padding: ints, 'valid' or 'same' (the odd
    element after)."""
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * rank
        if padding != "same":
            raise RuntimeError(f"Invalid padding string: {padding!r}")
        if max(stride) > 1:
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return tuple((t // 2, t - t // 2) for t in totals)
    pairs = tuple((p, p) for p in ints(padding, rank, "padding", caller=caller))
    if min(min(pair) for pair in pairs) < 0:
        raise RuntimeError("negative padding is not supported")
    return pairs


def _as_2d(rank, *tuples):
    """Per-dim tuples of a 1-D op as 2-D ones with a unit first dim."""
    if rank == 2:
        return tuples
    return tuple((((0, 0) if isinstance(t[0], tuple) else 1),) + tuple(t) for t in tuples)


def _window_args(name, rank, w_shape, stride, padding, dilation):
    """(kernel, stride, dilation, padding pairs) per dim, checked as PyTorch checks them."""
    kernel = tuple(w_shape[2:])
    stride = ints(stride, rank, "stride", caller=name)
    dilation = ints(dilation, rank, "dilation", caller=name)
    _positive(stride, "stride")
    _positive(dilation, "dilation")
    return kernel, stride, dilation, pads(padding, rank, kernel, stride, dilation, name)


def conv_geometry(name, rank, x_shape, w_shape, stride, padding, dilation):
    """The Geometry of a convolution of a batched input, with PyTorch's checks."""
    kernel, stride, dilation, pairs = _window_args(name, rank, w_shape, stride, padding, dilation)
    size = tuple(x_shape[2:])
    padded = tuple(n + lo + hi for n, (lo, hi) in zip(size, pairs))
    spans = tuple(extent(k, d) for k, d in zip(kernel, dilation))
    if any(p < s for p, s in zip(padded, spans)):
        raise ShapeError(
            f"Calculated padded input size per channel: ({_sizes(padded)}). Kernel size: "
            f"({_sizes(spans)}). Kernel size can't be greater than actual input size"
        )
    return geometry(*_as_2d(rank, size, kernel, stride, dilation, pairs), 2 if rank == 2 else 1)


def transpose_geometry(name, rank, x_shape, w_shape, stride, padding, output_padding, dilation,
                       groups):  # fmt: skip
    """The Geometry of the convolution that a transposed convolution is the transpose of, and
    the transposed convolution's output shape."""
    if isinstance(padding, str):
        raise TypeError(f"{name}(): argument 'padding' must be tuple of ints, not str")
    kernel, stride, dilation, pairs = _window_args(name, rank, w_shape, stride, padding, dilation)
    extra = ints(output_padding, rank, "output_padding", caller=name)
    if any(e < 0 for e in extra):
        raise RuntimeError("negative output_padding is not supported")
    if any(e >= s and e >= d for e, s, d in zip(extra, stride, dilation)):
        raise ShapeError(
            "output padding must be smaller than either stride or dilation, but got "
            f"output_padding={list(extra)}, stride={list(stride)}, dilation={list(dilation)}"
        )
    size = tuple(x_shape[2:])
    out = tuple(
        (n - 1) * s - lo - hi + extent(k, d) + e
        for n, s, (lo, hi), k, d, e in zip(size, stride, pairs, kernel, dilation, extra)
    )
    if min(out) <= 0:
        raise ShapeError(
            f"Given input size per channel: ({_sizes(size)}). Calculated output size per "
            f"channel: ({_sizes(out)}). Output size is too small"
        )
    g = geometry(*_as_2d(rank, out, kernel, stride, dilation, pairs), 2 if rank == 2 else 1,
                 _as_2d(rank, size)[0])  # fmt: skip
    return g, (x_shape[0], w_shape[1] * groups, *out)
