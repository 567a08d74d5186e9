"""One registry per kind of Keras object (activations, losses, metrics, initializers,
regularizers, constraints, optimizers): the names that `get()` resolves and that its error
message lists, and Keras 3's serialized form of its objects (what `.keras` files hold).
Defining an object with `@REGISTRY.register(...)` is all it takes to make its names known."""

from __future__ import annotations


class Registry(dict):
    """Names -> objects of one kind, filled by `register` where each object is defined."""

    def __init__(self, kind: str, sort_names: bool = True, module: str | None = None):
        super().__init__()
        self.kind, self.sort_names = kind, sort_names
        self.module = module or f"keras.{kind}s"  # Keras's module, written by serialize

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

    # --- Keras 3's serialized form ---
    def serialize(self, obj):
        """`{'module', 'class_name', 'config', 'registered_name'}` for an object with a
        `get_config` (Keras 3's `serialize_keras_object`); a function's name; None for None."""
        if obj is None or isinstance(obj, str):
            return obj
        if not hasattr(obj, "get_config"):
            return self.name_of(obj) or getattr(obj, "__name__", repr(obj))
        return {
            "module": self.module,
            "class_name": type(obj).__name__,
            "config": obj.get_config(),
            "registered_name": None,
        }

    def deserialize(self, config: dict, custom_objects=None):
        """The object a `serialize` dict describes, from Keras 3's form or tf.keras 2's
        (`{'class_name', 'config'}`); classes are looked up by class name, then in
        `custom_objects` (by class name or by Keras's 'package>Name')."""
        name = config.get("class_name")
        custom = custom_objects or {}
        cls = (
            custom.get(config.get("registered_name")) or custom.get(name) or self.class_named(name)
        )
        if cls is None:
            raise ValueError(
                f"Unknown {self.kind} class {name!r}: known are {sorted(self._classes())}; "
                "pass others in custom_objects"
            )
        settings = dict(config.get("config") or {})
        from_config = getattr(cls, "from_config", None)
        return from_config(settings) if from_config is not None else cls(**settings)

    def class_named(self, name: str):
        return self._classes().get(name)

    def _classes(self) -> dict:
        return {obj.__name__: obj for obj in self.values() if isinstance(obj, type)}
