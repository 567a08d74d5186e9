"""What Keras's image layers share: argument checks in Keras's words, the data format,
TensorFlow's 'same' padding, output sizes, and the moves between channels_last and the core's
channels-first ops."""

from __future__ import annotations

import numbers

from ...ops.shape import permute

_FORMATS = ("channels_first", "channels_last")
_state = {"image_data_format": "channels_last"}


def image_data_format() -> str:
    """The default data format of image layers: 'channels_last' unless set otherwise."""
    return _state["image_data_format"]


def set_image_data_format(data_format: str) -> None:
    """Set the default data format of image layers ('channels_first' or 'channels_last')."""
    _state["image_data_format"] = normalize_data_format(data_format)


def normalize_data_format(value) -> str:
    value = image_data_format() if value is None else str(value).lower()
    if value not in _FORMATS:
        raise ValueError(
            "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
            f"Received: data_format={value}"
        )
    return value


def normalize_tuple(value, n: int, name: str, allow_zero: bool = False) -> tuple:
    """An int or n ints as an n-tuple of ints, or Keras's ValueError."""

    def whole(v):
        return isinstance(v, numbers.Integral) and not isinstance(v, bool)

    values = (value,) * n if whole(value) else value
    if not isinstance(values, (tuple, list)) or len(values) != n or not all(map(whole, values)):
        raise ValueError(
            f"The `{name}` argument must be a tuple of {n} integers. Received {name}={value}"
        )
    if any(v < 0 or (v == 0 and not allow_zero) for v in values):
        limit = "< 0" if allow_zero else "<= 0"
        raise ValueError(
            f"The `{name}` argument must be a tuple of {n} integers. Received {name}={value} "
            f"including values {limit}"
        )
    return tuple(int(v) for v in values)


def normalize_padding(value, allowed=("valid", "same")) -> str:
    padding = str(value).lower() if isinstance(value, str) else value
    if padding not in allowed:
        choices = ", ".join(f'"{a}"' for a in allowed)
        raise ValueError(
            f"The `padding` argument must be one of {choices}. Received: padding={value}."
        )
    return padding


def same_pads(size, kernel, stride, dilation=1) -> tuple:
    """TensorFlow's 'SAME' padding of one axis: output ceil(size / stride), the odd pixel after."""
    span = dilation * (kernel - 1) + 1
    out = -(-size // stride)
    total = max((out - 1) * stride + span - size, 0)
    return total // 2, total - total // 2


def pads(sizes, kernel, strides, dilation, padding) -> tuple:
    """(before, after) per spatial axis for 'valid', 'same' or Conv1D's 'causal'."""
    if padding == "valid":
        return ((0, 0),) * len(sizes)
    if padding == "causal":
        return tuple((d * (k - 1), 0) for k, d in zip(kernel, dilation))
    return tuple(same_pads(n, k, s, d) for n, k, s, d in zip(sizes, kernel, strides, dilation))


def output_size(size, kernel, stride, dilation, padding):
    """One axis's output length (None stays None), as Keras computes it."""
    if size is None:
        return None
    if padding == "same":
        return -(-size // stride)
    if padding == "causal":
        return (size - 1) // stride + 1
    return (size - dilation * (kernel - 1) - 1) // stride + 1


def to_channels_first(x, data_format: str):
    """(N, *spatial, C) -> (N, C, *spatial) as a view; channels_first input as it is."""
    if data_format == "channels_first":
        return x
    return permute(x, (0, x.ndim - 1, *range(1, x.ndim - 1)))


def from_channels_first(y, data_format: str):
    if data_format == "channels_first":
        return y
    return permute(y, (0, *range(2, y.ndim), 1))


def spatial_and_channels(shape, data_format: str):
    """(spatial sizes, channels) of a batched input shape."""
    if data_format == "channels_first":
        return tuple(shape[2:]), shape[1]
    return tuple(shape[1:-1]), shape[-1]


def with_channels(batch, spatial, channels, data_format: str) -> tuple:
    if data_format == "channels_first":
        return (batch, channels, *spatial)
    return (batch, *spatial, channels)


def check_rank(layer, shape, rank: int) -> None:
    """Keras's InputSpec error for an input of the wrong rank."""
    ndim = len(shape)
    if ndim != rank + 2:
        expected = f"min_ndim={rank + 2}" if ndim < rank + 2 else f"ndim={rank + 2}"
        raise ValueError(
            f'Input 0 of layer "{layer.name}" is incompatible with the layer: expected '
            f"{expected}, found ndim={ndim}. Full shape received: {tuple(shape)}"
        )


def check_channels(layer, shape, expected: int, data_format: str) -> None:
    """Keras's InputSpec error for a channel count that differs from the built one."""
    axis = 1 if data_format == "channels_first" else -1
    if shape[axis] != expected:
        raise ValueError(
            f'Input 0 of layer "{layer.name}" is incompatible with the layer: expected axis '
            f"{axis} of input shape to have value {expected}, but received input with shape "
            f"{tuple(shape)}"
        )
