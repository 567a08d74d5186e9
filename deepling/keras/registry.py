"""One registry per kind of Keras object (activations, losses, metrics, initializers,
regularizers, optimizers): the names that `get()` resolves and that its error message lists.
Defining an object with `@REGISTRY.register(...)` is all it takes to make its names known."""

from __future__ import annotations


class Registry(dict):
    """Names -> objects of one kind, filled by `register` where each object is defined."""

    def __init__(self, kind: str, sort_names: bool = True):
        super().__init__()
        self.kind, self.sort_names = kind, sort_names

    def register(self, *names: str):
        """Decorator: file an object under `names` (its own `__name__` when none are given)."""

        def add(obj):
            for name in names or (obj.__name__,):
                self[name] = obj
            return obj

        return add

    def lookup(self, name: str):
        """The object filed under `name`, or Keras's ValueError listing the valid names."""
        found = self.get(name) if isinstance(name, str) else None
        if found is None:
            raise ValueError(f"Unknown {self.kind}: {name!r}. Valid names: {self.valid_names()}")
        return found

    def valid_names(self) -> str:
        return ", ".join(sorted(self) if self.sort_names else self)

    def name_of(self, obj) -> str | None:
        """The first name `obj` was filed under (what `serialize` writes), or None."""
        return next((name for name, found in self.items() if found is obj), None)
