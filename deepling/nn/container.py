"""Containers: Sequential (chains its modules), ModuleList and ModuleDict (hold them)."""

from __future__ import annotations

import itertools
import operator
from collections import OrderedDict

from .module import Module, _addindent


class _ModuleSequence(Module):
    """What Sequential and ModuleList share: a list of modules indexed 0..n-1."""

    def __init__(self, modules=None):
        super().__init__()
        self.extend(modules or [])

    def _pos(self, idx) -> int:
        idx, n = operator.index(idx), len(self._modules)
        if not -n <= idx < n:
            raise IndexError(f"index {idx} is out of range for {type(self).__name__} of length {n}")
        return idx % n

    def _slice(self, items):
        return type(self)([m for _, m in items])

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return self._slice(list(self._modules.items())[idx])
        return list(self._modules.values())[self._pos(idx)]

    def __setitem__(self, idx, module) -> None:
        self.add_module(list(self._modules)[self._pos(idx)], module)

    def __delitem__(self, idx) -> None:
        modules = list(self._modules.values())
        del modules[idx if isinstance(idx, slice) else self._pos(idx)]
        self._renumber(modules)

    def _renumber(self, modules) -> None:
        """Keep names 0..n-1 after a removal or insertion, as torch does."""
        self._modules.clear()
        self.extend(modules)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def append(self, module: Module):
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules):
        for module in modules:
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        modules = list(self._modules.values())
        modules.insert(index, module)
        self._renumber(modules)


class Sequential(_ModuleSequence):
    """Modules called in order, each on the previous one's output.

    `Sequential(m0, m1, ...)` names them '0', '1', ...; `Sequential(OrderedDict(...))` keeps the
    given names.

    Example:
        >>> import deepling as dl
        >>> dl.nn.Sequential(dl.nn.Linear(1, 1), dl.nn.Sigmoid())
        Sequential(
          (0): Linear(in_features=1, out_features=1, bias=True)
          (1): Sigmoid()
        )
    """

    def __init__(self, *args):
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, module in args[0].items():
                self.add_module(name, module)
        else:
            self.extend(args)

    def _slice(self, items):
        return type(self)(OrderedDict(items))  # a slice keeps the names

    def forward(self, input):
        for module in self._modules.values():
            input = module(input)
        return input


class ModuleList(_ModuleSequence):
    """A list of modules whose parameters the owning module sees; it has no forward.

    Example:
        >>> import deepling as dl
        >>> layers = dl.nn.ModuleList([dl.nn.Linear(2, 2) for _ in range(3)])
        >>> len(list(layers.parameters()))
        6
    """

    def __iadd__(self, modules) -> ModuleList:
        return self.extend(modules)

    def __add__(self, other) -> ModuleList:
        return type(self)(list(self) + list(other))

    def __repr__(self) -> str:
        """Like torch: runs of identical children print once, as '(0-2): 3 x Linear(...)'."""
        lines, start = [], 0
        for text, run in itertools.groupby(repr(m) for m in self):
            n = len(list(run))
            label = f"({start}): " if n == 1 else f"({start}-{start + n - 1}): {n} x "
            lines.append(label + _addindent(text, 2))
            start += n
        body = "\n  " + "\n  ".join(lines) + "\n" if lines else ""
        return f"{self._get_name()}({body})"


class ModuleDict(Module):
    """An ordered dict of modules (string keys), registered with the owning module."""

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def update(self, modules) -> None:
        items = modules.items() if hasattr(modules, "items") else modules
        for key, module in items:
            self[key] = module


# the read and remove methods of a dict, acting on the registered modules
for _name in (
    "__getitem__",
    "__delitem__",
    "__len__",
    "__iter__",
    "__contains__",
    "keys",
    "items",
    "values",
    "pop",
    "clear",
):
    setattr(ModuleDict, _name, lambda self, *args, _n=_name: getattr(self._modules, _n)(*args))
