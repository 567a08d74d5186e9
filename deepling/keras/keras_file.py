"""Keras 3's `.keras` file: a zip of `metadata.json`, `config.json` (the model's serialized
config with its `compile_config`) and `model.weights.h5` (see weights_file.py).

Reading builds the model from `config.json` through `serialization_lib` (class names looked up,
never evaluated), compiles it from `compile_config` when asked, then loads the weights and the
optimizer's state, so training resumes where it stopped.
"""

from __future__ import annotations

import io
import json
import time
import warnings
import zipfile

from .. import __version__
from . import losses, metrics, weights_file
from .optimizers import OPTIMIZERS, Optimizer
from .serialization_lib import deserialize_keras_object, jsonable, serialize_keras_object

KERAS_VERSION = "3.15.0"  # the Keras whose format this is
_CONFIG, _METADATA, _WEIGHTS = "config.json", "metadata.json", "model.weights.h5"


def dumps(model, include_optimizer: bool = True) -> bytes:
    config = serialize_keras_object(model)
    compiled = compile_config(model)
    if compiled is not None:
        config["compile_config"] = compiled
    metadata = {
        "keras_version": KERAS_VERSION,
        "date_saved": time.strftime("%Y-%m-%d@%H:%M:%S"),
        "deepling_version": __version__,
    }
    weights = weights_file.dumps(model, with_optimizer=include_optimizer)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(_METADATA, json.dumps(metadata))
        archive.writestr(_CONFIG, json.dumps(config))
        archive.writestr(_WEIGHTS, weights)
    return buffer.getvalue()


def read_archive(data: bytes, where: str) -> dict:
    """{'config': ..., 'weights': bytes} of a `.keras` file, or a ValueError naming it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if _CONFIG not in names or _WEIGHTS not in names:
                raise ValueError(
                    f"{where}: a zip file without the {_CONFIG} and {_WEIGHTS} of a .keras file "
                    f"(it holds {sorted(names)[:5]})"
                )
            return {"config": json.loads(archive.read(_CONFIG)), "weights": archive.read(_WEIGHTS)}  # fmt: skip
    except zipfile.BadZipFile as e:
        raise ValueError(f"{where}: not a .keras file ({e})") from None


def loads(data: bytes, where: str, custom_objects=None, compile=True):  # noqa: A002
    stored = read_archive(data, where)
    config = stored["config"]
    model = deserialize_keras_object(config, custom_objects)
    compiled = config.get("compile_config")
    if compile and compiled:
        compile_from_config(model, compiled, custom_objects)
    weights_file.load_into(model, stored["weights"], where, with_optimizer=compile)
    return model


# --- compile() settings ---
def compile_config(model) -> dict | None:
    """compile()'s settings in Keras 3's form, or None when one of them cannot be written as
    JSON (a plain function, a PyTorch loss module or optimizer, a schedule object): the model
    then loads uncompiled, with a warning now."""
    compiled = getattr(model, "_compiled", None)
    optimizer = getattr(model, "optimizer", None)
    if compiled is None:
        return None
    try:
        config = {
            "optimizer": _serialize(optimizer, OPTIMIZERS),
            "loss": _serialize(compiled.loss_spec, losses.LOSSES),
            "loss_weights": compiled.loss_weights,
            "metrics": _serialize(compiled.metric_spec or None, metrics.METRICS),
            "weighted_metrics": _serialize(compiled.weighted_spec or None, metrics.METRICS),
            "run_eagerly": False,
            "steps_per_execution": 1,
            "jit_compile": False,
        }
        json.dumps(config)
    except (TypeError, ValueError) as e:
        warnings.warn(f"compile() settings not saved ({e}); the model will load uncompiled", stacklevel=4)  # fmt: skip
        return None
    return jsonable(config)


def _serialize(spec, registry):
    if spec is None or isinstance(spec, (str, int, float)):
        return spec
    if isinstance(spec, dict):
        return {k: _serialize(v, registry) for k, v in spec.items()}
    if isinstance(spec, (list, tuple)):
        return [_serialize(v, registry) for v in spec]
    if type(spec) is losses.LossFunctionWrapper:  # a named loss function, wrapped
        spec = spec.fn
    if isinstance(spec, (losses.Loss, metrics.Metric, Optimizer)):
        return registry.serialize(spec)
    name = registry.name_of(spec)
    if name is None:
        raise TypeError(f"{type(spec).__name__} {spec!r:.60} has no Keras name or config")
    return name


def compile_from_config(model, config: dict, custom_objects=None) -> None:
    optimizer = config.get("optimizer")
    if isinstance(optimizer, dict):
        optimizer = OPTIMIZERS.deserialize(optimizer, custom_objects)
    model.compile(
        optimizer=optimizer or "rmsprop",
        loss=_deserialize(config.get("loss"), losses.Loss, losses, custom_objects),
        metrics=_deserialize(config.get("metrics"), metrics.Metric, metrics, custom_objects),
        loss_weights=config.get("loss_weights"),
        weighted_metrics=_deserialize(
            config.get("weighted_metrics"), metrics.Metric, metrics, custom_objects
        ),  # fmt: skip
    )


def _deserialize(spec, base, module, custom_objects):
    """Names stay names; a `{'class_name', 'config'}` becomes that Loss or Metric; dicts and
    lists (one entry per output) are read entry by entry."""
    if isinstance(spec, dict) and "class_name" in spec:
        name = spec["class_name"]
        cls = (custom_objects or {}).get(name) or getattr(module, name, None)
        if not (isinstance(cls, type) and issubclass(cls, base)):
            raise ValueError(f"Unknown {base.__name__.lower()} class {name!r}: pass it in custom_objects")  # fmt: skip
        settings = dict(spec.get("config") or {})
        return cls.from_config(settings) if hasattr(cls, "from_config") else cls(**settings)
    if isinstance(spec, dict):
        return {k: _deserialize(v, base, module, custom_objects) for k, v in spec.items()}
    if isinstance(spec, list):
        return [_deserialize(v, base, module, custom_objects) for v in spec]
    return spec
