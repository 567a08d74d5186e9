"""Layer.add_loss: losses a layer computes in `call` (activity penalties), kept until the
outermost layer's next call, as Keras keeps them."""

from __future__ import annotations

import numpy as np

from ...tensor import Tensor

_added_losses = {"on": False, "depth": 0}  # add_loss used yet; calls of layers in progress


def _outermost_call(layer, inputs, args, kwargs):
    """A call from outside any layer: forget the losses the last call added, then call."""
    for m in layer.modules():
        m.__dict__.pop("_added", None)
    _added_losses["depth"] = 1
    try:
        return layer(inputs, *args, **kwargs)
    finally:
        _added_losses["depth"] = 0


class AddedLosses:
    """The add_loss part of Layer (a mixin: Layer is this and a Module)."""

    _adds_losses = False  # True once any layer added a loss: the training loop then asks

    def add_loss(self, loss) -> None:
        """Add a loss computed in `call` (an activity penalty): it joins `losses`, and the
        loss that fit minimizes, until the next call of the outermost layer.

        Example:
            >>> import numpy as np
            >>> from deepling.keras import layers
            >>> class Penalized(layers.Layer):
            ...     def call(self, x):
            ...         self.add_loss(x.abs().sum())
            ...         return x
            >>> layer = Penalized()
            >>> _ = layer(np.array([[1.0, -2.0]], np.float32))
            >>> [float(v) for v in layer.losses]
            [3.0]
        """
        _added_losses["on"] = True
        AddedLosses._adds_losses = True  # the training loop now asks for them
        if not isinstance(loss, Tensor):
            loss = Tensor._wrap(np.asarray(loss, np.float32))
        self.__dict__.setdefault("_added", []).append(loss)

    def _call_losses(self) -> list:
        """The losses `add_loss` recorded in this layer and its sub-layers."""
        if not _added_losses["on"]:
            return []
        return [t for m in self.modules() for t in m.__dict__.get("_added", ())]
