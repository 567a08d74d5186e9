"""The lists of a Keras layer's weights (`weights`, `trainable_weights`, ...), `get_weights`
/`set_weights` and `trainable`, over a layer and everything under it, PyTorch-style modules
included."""

from __future__ import annotations

import numpy as np

from ...tensor import Tensor, mark_changed


def _is_layer(module) -> bool:
    """A Keras layer (it records which of its weights were made trainable)."""
    return hasattr(module, "_weight_trainable")


class WeightLists:
    """Layer's weight lists, as Keras 3 orders them."""

    def _own_weights(self, trainable=None):
        """Weights of this layer and everything under it, PyTorch-style modules included
        (theirs are trainable when they require grad)."""
        found, seen = [], set()
        for module in self.modules():
            is_layer = _is_layer(module)
            for name, w in module._parameters.items():
                if w is None or id(w) in seen:
                    continue
                seen.add(id(w))
                flag = (
                    module._weight_trainable.get(name, True) and module.trainable
                    if is_layer
                    else w.requires_grad
                )
                if trainable is None or flag == trainable:
                    found.append(w)
        return found

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        for module in self.modules():
            is_layer = _is_layer(module)
            if is_layer:
                module._trainable = bool(value)
            for name, w in module._parameters.items():
                if w is not None:
                    own = module._weight_trainable.get(name, True) if is_layer else True
                    w.requires_grad = bool(value) and own

    @property
    def weights(self) -> list:
        """Every weight, layer by layer as Keras 3 lists them: each layer's own (those made
        trainable first, in creation order), then its sub-layers'."""
        found, seen = [], set()
        for module in self.modules():
            for w in own_weights(module):
                if id(w) not in seen:
                    seen.add(id(w))
                    found.append(w)
        return found

    @property
    def variables(self) -> list:
        """Keras 3's name for `weights`."""
        return self.weights

    @property
    def trainable_variables(self) -> list:
        return self.trainable_weights

    @property
    def non_trainable_variables(self) -> list:
        return self.non_trainable_weights

    @property
    def trainable_weights(self) -> list:
        return self._own_weights(trainable=True)

    @property
    def non_trainable_weights(self) -> list:
        return self._own_weights(trainable=False)

    def get_weights(self) -> list:
        """Copies of the weights as NumPy arrays, in `weights`' order (kernel before bias)."""
        return [w._data.copy() for w in self.weights]

    def set_weights(self, weights) -> None:
        """Replace the weights from arrays; counts and shapes are checked before any change."""
        mine = self.weights
        if len(weights) != len(mine):
            raise ValueError(
                f"Layer {self.name} expected {len(mine)} weights, but received {len(weights)} input weights."
            )
        arrays = [np.asarray(w._data if isinstance(w, Tensor) else w) for w in weights]
        for w, a in zip(mine, arrays):
            if w.shape != a.shape:
                raise ValueError(
                    f"Layer {self.name} weight shape {tuple(w.shape)} is not compatible with provided weight shape {a.shape}."
                )
        for w, a in zip(mine, arrays):
            w._data[...] = a
            mark_changed(w)

    def count_params(self) -> int:
        if not self.built and not self.weights:
            raise ValueError(
                f"You tried to call `count_params` on layer '{self.name}', but the layer isn't built."
            )
        return int(sum(w.numel() for w in self.weights))


def own_weights(owner) -> list:
    """A layer's own weights (not its sub-layers'): those made trainable first, each in creation
    order, as Keras keeps them. A PyTorch-style module: its parameters, then its buffers."""
    if not _is_layer(owner):
        params = [p for p in owner._parameters.values() if p is not None]
        return params + [b for b in owner._buffers.values() if b is not None]
    made_trainable, seen, trainable, frozen = owner._weight_trainable, set(), [], []
    for name, p in owner._parameters.items():  # a weight also kept under a second attribute
        if p is not None and id(p) not in seen:  # counts once, as its first name made it
            seen.add(id(p))
            (trainable if made_trainable.get(name, True) else frozen).append(p)
    return trainable + frozen
