"""What a compiled program is made of: Python source generated from a recording, run with the
recording's captured objects, and the guards it was recorded under."""

from __future__ import annotations

import builtins

import numpy as np

from ..tensor import Tensor
from .replay import _replaced


class Generated:
    """`source` (generated here from recorded calls, never read from data) executed into
    `namespace`; `holds()` checks that every captured tensor still holds the array read."""

    def __init__(self, rec, source: str, name: str, **helpers):
        self.source = source
        namespace = dict(rec.namespace)
        namespace.update(_wrap=Tensor._wrap, _asarray=np.asarray, _copy=np.array,
                         _replaced=_replaced, **helpers)  # fmt: skip
        exec(builtins.compile(source, f"<deepling.compile {name}>", "exec"), namespace)  # noqa: S102
        self.namespace = namespace
        seen, self.guards = set(), []
        for tensor, array in rec.leaf_guards:
            if id(tensor) not in seen:
                seen.add(id(tensor))
                self.guards.append((tensor, array))

    def holds(self) -> bool:
        for tensor, array in self.guards:
            if tensor._data is not array:
                return False
        return True
