"""Keras's image preprocessing layers: Rescaling and Resizing, and the augmentations
RandomFlip and RandomRotation, which change images only while training.

They take (batch, h, w, channels) or one (h, w, channels) image (channels_first with
`data_format`), and give float32. The augmentations are made of differentiable ops (flips,
pixel gathers, constant weights), drawn from the layer's own generator when it has a `seed`,
else from deepling's one generator.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from ... import _backend
from ...autograd.function import array_op
from ...ops import arith
from ...ops.resample import resize
from ...ops.shape import pad
from ...tensor import Tensor
from . import conv_utils as cu
from .base import Layer


def _float(x):
    return x if x.dtype == np.float32 else x.to(np.float32)


class _ImageLayer(Layer):
    """Shared: the data format, one image or a batch, channels-last views."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = cu.normalize_data_format(data_format)

    def _batched(self, inputs):
        """(x as a channels_last batch, how to undo that)."""
        if inputs.ndim not in (3, 4):
            raise ValueError(
                f'Input 0 of layer "{self.name}" is incompatible with the layer: expected a 3D '
                f"(unbatched) or 4D (batched) image tensor, found ndim={inputs.ndim}. Full "
                f"shape received: {tuple(inputs.shape)}"
            )
        single = inputs.ndim == 3
        x = inputs.unsqueeze(0) if single else inputs
        if self.data_format == "channels_first":
            x = x.permute(0, 2, 3, 1)

        def undo(y):
            if self.data_format == "channels_first":
                y = y.permute(0, 3, 1, 2)
            return y[0] if single else y

        return _float(x), undo

    def _rng(self):
        return self._generator if self._generator is not None else _backend.rng()

    def train(self, mode: bool = True):
        self._mode_given = True  # fit (or the user) chose a mode: follow it from now on
        return super().train(mode)

    def _augmenting(self, training) -> bool:
        """Keras's rule: augment when called with training=True (fit does); a layer called
        on its own, before any train()/eval(), does not augment."""
        if training is not None:
            return bool(training)
        return self.training and self.__dict__.get("_mode_given", False)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


class Rescaling(Layer):
    """`inputs * scale + offset` in float32, e.g. Rescaling(1 / 255) for pixels in [0, 1].

    Example:
        >>> import numpy as np
        >>> from deepling.keras.layers import Rescaling
        >>> Rescaling(1 / 127.5, offset=-1)(np.array([[0, 255]], "uint8")).numpy()
        array([[-1.,  1.]], dtype=float32)
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale, self.offset = scale, offset

    def call(self, inputs):
        scale = Tensor._wrap(np.asarray(self.scale, np.float32))
        offset = Tensor._wrap(np.asarray(self.offset, np.float32))
        return arith.add(arith.mul(_float(inputs), scale), offset)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "scale": self.scale, "offset": self.offset}


class Resizing(_ImageLayer):
    """Resize images to (height, width) with tf.image.resize's rules ('bilinear', 'nearest',
    'bicubic'; half-pixel centres), optionally cropping or padding them to the target's aspect
    ratio first, as keras.layers.Resizing.

    Example:
        >>> import numpy as np
        >>> from deepling.keras.layers import Resizing
        >>> Resizing(14, 14)(np.zeros((2, 28, 28, 1), "float32")).shape
        torch.Size([2, 14, 14, 1])
    """

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
                 pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0,
                 antialias=False, data_format=None, **kwargs):  # fmt: skip
        super().__init__(data_format, **kwargs)
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError(
                "Only one of `pad_to_aspect_ratio` & `crop_to_aspect_ratio` can be True."
            )
        if fill_mode != "constant":
            raise ValueError(f"`fill_mode` must be 'constant' for Resizing, got {fill_mode!r}")
        if interpolation not in ("bilinear", "nearest", "bicubic"):
            raise NotImplementedError(
                f"Resizing: interpolation {interpolation!r} is not supported here "
                "(bilinear, nearest, bicubic)"
            )
        self.height, self.width = int(height), int(width)
        self.interpolation, self.antialias = interpolation, antialias
        self.crop_to_aspect_ratio, self.pad_to_aspect_ratio = (
            crop_to_aspect_ratio,
            pad_to_aspect_ratio,
        )
        self.fill_mode, self.fill_value = fill_mode, fill_value

    def call(self, inputs):
        x, undo = self._batched(inputs)
        h, w = x.shape[1:3]
        th, tw = self.height, self.width
        if self.crop_to_aspect_ratio:
            ch = max(min(h, int(w * th / tw)), 1)
            cw = max(min(w, int(h * tw / th)), 1)
            top, left = int((h - ch) / 2), int((w - cw) / 2)
            x = x[:, top : top + ch, left : left + cw]
        elif self.pad_to_aspect_ratio:
            ph, pw = max(h, int(w * th / tw)), max(w, int(h * tw / th))
            top, left = int((ph - h) / 2), int((pw - w) / 2)
            x = pad(x, (0, 0, left, pw - w - left, top, ph - h - top), value=self.fill_value)
        y = resize(x.permute(0, 3, 1, 2), (th, tw), self.interpolation, self.antialias)
        return undo(y.permute(0, 2, 3, 1))

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        first = len(shape) - 3 if self.data_format == "channels_last" else len(shape) - 2
        shape[first : first + 2] = [self.height, self.width]
        return tuple(shape)

    def get_config(self):
        return {
            **super().get_config(),
            **{k: getattr(self, k) for k in ("height", "width", "interpolation", "antialias")},
            "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
            "pad_to_aspect_ratio": self.pad_to_aspect_ratio,
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
        }


class RandomFlip(_ImageLayer):
    """While training, flip each image left-right and/or upside down with probability 1/2
    ('horizontal', 'vertical' or 'horizontal_and_vertical'); at inference, the identity.

    Example:
        >>> import numpy as np
        >>> from deepling.keras.layers import RandomFlip
        >>> x = np.arange(4, dtype="float32").reshape(1, 1, 4, 1)
        >>> RandomFlip("horizontal", seed=1)(x, training=True).numpy().ravel().tolist()
        [3.0, 2.0, 1.0, 0.0]
    """

    _MODES = ("horizontal", "vertical", "horizontal_and_vertical")

    def __init__(self, mode="horizontal_and_vertical", seed=None, data_format=None, **kwargs):
        super().__init__(data_format, **kwargs)
        if mode not in self._MODES:
            raise ValueError(
                f"RandomFlip layer {self.name} received an unknown mode argument {mode}"
            )
        self.mode, self.seed = mode, seed
        self._generator = None if seed is None else np.random.default_rng(seed)

    def call(self, inputs, training=None):
        if not self._augmenting(training):
            return inputs
        x, undo = self._batched(inputs)
        n = x.shape[0]

        def draw():  # an op, so that a compiled step draws anew on each call
            return (self._rng().random(n) < 0.5).astype(np.float32)[:, None, None, None]

        for axis, name in ((2, "horizontal"), (1, "vertical")):
            if name in self.mode:
                flip = array_op(draw)
                key = tuple(slice(None, None, -1) if a == axis else slice(None) for a in range(4))
                x = arith.add(arith.mul(x, 1 - flip), arith.mul(x[key], flip))
        return undo(x)

    def get_config(self):
        return {**super().get_config(), "mode": self.mode, "seed": self.seed}


def _fill_index(i, n, mode):
    """(index inside [0, n), valid) for integer positions i under a Keras fill mode."""
    if mode == "reflect":  # d c b a | a b c d | d c b a
        i = np.mod(i, 2 * n)
        return np.where(i >= n, 2 * n - 1 - i, i), np.ones(i.shape, bool)
    if mode == "wrap":
        return np.mod(i, n), np.ones(i.shape, bool)
    inside = (i >= 0) & (i < n)
    return np.clip(i, 0, n - 1), (inside if mode == "constant" else np.ones(i.shape, bool))


class RandomRotation(_ImageLayer):
    """While training, rotate each image by a random angle in [lower, upper] * 2 pi about its
    centre (factor=f: [-f, f]; positive is counter-clockwise), filling what comes from outside
    with `fill_mode` ('reflect', 'wrap', 'nearest', 'constant') and `interpolation`
    ('bilinear', 'nearest'), as keras.layers.RandomRotation; at inference, the identity.

    Example:
        >>> import numpy as np
        >>> from deepling.keras.layers import RandomRotation
        >>> RandomRotation(0.1)(np.ones((2, 8, 8, 1), "float32"), training=True).shape
        torch.Size([2, 8, 8, 1])
    """

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):  # fmt: skip
        super().__init__(data_format, **kwargs)
        if isinstance(factor, numbers.Real):
            lower, upper = -abs(factor), abs(factor)
        else:
            lower, upper = factor
        if lower > upper:
            raise ValueError(f"`factor` must have lower <= upper. Received: factor={factor}")
        if fill_mode not in ("reflect", "wrap", "constant", "nearest"):
            raise NotImplementedError(
                f"Unknown `fill_mode` {fill_mode}. Expected of one ('reflect', 'wrap', "
                "'constant', 'nearest')."
            )
        if interpolation not in ("nearest", "bilinear"):
            raise NotImplementedError(
                f"Unknown `interpolation` {interpolation}. Expected of one ('nearest', 'bilinear')."
            )
        self.factor, self.lower, self.upper = factor, lower, upper
        self.fill_mode, self.interpolation, self.fill_value = fill_mode, interpolation, fill_value
        self.seed = seed
        self._generator = None if seed is None else np.random.default_rng(seed)

    def _sources(self, n, h, w):
        """Where each output pixel samples its input: (y, x), each (N, H, W), Keras's matrix."""
        theta = self._rng().uniform(self.lower, self.upper, n) * 2 * math.pi
        cos, sin = np.cos(theta)[:, None, None], np.sin(theta)[:, None, None]
        cx, cy = (w - 1) / 2, (h - 1) / 2
        oy, ox = np.mgrid[0:h, 0:w].astype(np.float64)
        x = cos * (ox - cx) - sin * (oy - cy) + cx
        y = sin * (ox - cx) + cos * (oy - cy) + cy
        return y, x

    def _gather(self, x, rows, cols, weight):
        """weight * x[n, rows, cols] with the fill mode applied (constant: fill_value)."""
        n, h, w = x.shape[:3]
        r, r_ok = _fill_index(rows, h, self.fill_mode)
        c, c_ok = _fill_index(cols, w, self.fill_mode)
        ok = (r_ok & c_ok).astype(np.float32)
        picked = x[np.arange(n)[:, None, None], r, c]
        part = arith.mul(picked, Tensor._wrap((weight * ok)[..., None].astype(np.float32)))
        if self.fill_mode == "constant" and self.fill_value:
            fill = (weight * (1 - ok) * self.fill_value)[..., None].astype(np.float32)
            part = arith.add(part, Tensor._wrap(fill))
        return part

    def call(self, inputs, training=None):
        if not self._augmenting(training):
            return inputs
        x, undo = self._batched(inputs)
        y, xs = self._sources(*x.shape[:3])
        if self.interpolation == "nearest":
            ones = np.ones(y.shape)
            return undo(self._gather(x, np.rint(y).astype(np.int64), np.rint(xs).astype(np.int64),
                                     ones))  # fmt: skip
        y0, x0 = np.floor(y).astype(np.int64), np.floor(xs).astype(np.int64)
        dy, dx = y - y0, xs - x0
        out = None
        for rows, cols, weight in ((y0, x0, (1 - dy) * (1 - dx)), (y0, x0 + 1, (1 - dy) * dx),
                                   (y0 + 1, x0, dy * (1 - dx)), (y0 + 1, x0 + 1, dy * dx)):  # fmt: skip
            part = self._gather(x, rows, cols, weight)
            out = part if out is None else arith.add(out, part)
        return undo(out)

    def get_config(self):
        return {
            **super().get_config(),
            "factor": self.factor,
            "fill_mode": self.fill_mode,
            "interpolation": self.interpolation,
            "fill_value": self.fill_value,
            "seed": self.seed,
        }
