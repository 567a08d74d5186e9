"""Keras 3's serialized form of layers and models: what `config.json` in a `.keras` file holds.

A layer becomes `{'module': 'keras.layers', 'class_name': 'Dense', 'config': get_config(),
'registered_name': None, 'build_config': {'input_shape': [None, 4]}}`; Sequential and
functional models nest those for their layers. Reading takes Keras 3's form and tf.keras 2's
(`{'class_name', 'config'}`); classes come from `keras.layers`, `keras.models`, the classes
registered with `register_keras_serializable`, and `custom_objects`. Nothing is evaluated:
a class name that is not one of those is an error.
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor

_REGISTERED: dict = {}  # 'package>Name' -> class, filled by register_keras_serializable


def register_keras_serializable(package="Custom", name=None):
    """Decorator making a custom class loadable by name from `.keras` files (Keras's)."""

    def register(cls):
        key = f"{package}>{name or cls.__name__}"
        if key in _REGISTERED:
            raise ValueError(f"{key} has already been registered to {_REGISTERED[key]}")
        _REGISTERED[key] = cls
        cls._registered_name = key
        return cls

    return register


def get_registered_name(obj) -> str:
    cls = obj if isinstance(obj, type) else type(obj)
    return cls.__dict__.get("_registered_name", cls.__name__)


def get_registered_object(name, custom_objects=None, module_objects=None):
    for table in (custom_objects or {}, _REGISTERED, module_objects or {}):
        if name in table:
            return table[name]
    return None


def _module_of(cls) -> tuple[str, str | None]:
    """(module, registered_name) as Keras 3 writes them for this class."""
    from .models import Functional, Sequential

    if "_registered_name" in cls.__dict__:
        return cls.__module__, cls._registered_name
    if cls is Sequential:
        return "keras", None
    if cls is Functional:
        return "keras.src.models.functional", "Functional"
    if cls.__module__.startswith("deepling.keras.layers"):
        return "keras.layers", None
    return cls.__module__, cls.__name__


def serialize_keras_object(layer) -> dict:
    """Keras 3's dict for a layer or model, with its build shape when it is built."""
    module, registered = _module_of(type(layer))
    entry = {
        "module": module,
        "class_name": type(layer).__name__,
        "config": jsonable(layer.get_config()),
        "registered_name": registered,
    }
    shape = getattr(layer, "built_input_shape", None)
    if shape is not None and getattr(layer, "built", False):
        entry["build_config"] = {"input_shape": jsonable(shape)}
    return entry


def _classes() -> dict:
    from . import layers
    from .models import Functional, Sequential

    found = {n: getattr(layers, n) for n in dir(layers) if isinstance(getattr(layers, n), type)}
    found.update(Sequential=Sequential, Functional=Functional, Model=Functional)
    return found


def deserialize_keras_object(entry: dict, custom_objects=None):
    """The layer or model a `serialize_keras_object` dict describes, built to its build shape.

    Raises:
        ValueError: the class is neither deepling's nor registered nor in `custom_objects`.
    """
    name, registered = entry.get("class_name"), entry.get("registered_name")
    cls = get_registered_object(registered, custom_objects) or get_registered_object(
        name, custom_objects, _classes()
    )
    if cls is None:
        raise ValueError(
            f"Unknown layer class {name!r} (registered name {registered!r}): pass it in "
            "custom_objects, or decorate it with keras.saving.register_keras_serializable()"
        )
    layer = cls.from_config(dict(entry.get("config") or {}))
    shape = (entry.get("build_config") or {}).get("input_shape")
    if shape is not None and not getattr(layer, "built", True):
        layer.maybe_build(as_shape(shape))
    return layer


def as_shape(shape):
    """A JSON shape (lists) as Keras's tuples: [None, 4] -> (None, 4); a list of shapes
    (several inputs) -> a list of tuples."""
    if shape and isinstance(shape[0], (list, tuple)):
        return [tuple(s) for s in shape]
    return tuple(shape)


def jsonable(value):
    """Tuples become lists and NumPy scalars plain numbers, so a config is JSON."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (np.generic, Tensor)):
        return value.item()
    return value
