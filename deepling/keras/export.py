"""Model.export(filepath, format="onnx"): Keras 3's export, over deepling.onnx (loaded lazily).
None dims of the input signature (the batch) become dynamic axes of the ONNX graph."""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor

FORMATS = ("tf_saved_model", "onnx", "openvino", "litert")


def _specs(model, input_signature) -> list:
    """(shape with None dims, dtype) per input: from `input_signature` (KerasTensors, InputSpecs
    or TensorSpecs: anything with `.shape`; tensors and arrays give static shapes), else from
    what the model knows (its Inputs, or the shape it was built or first called with)."""
    if input_signature is None:
        if getattr(model, "_inputs", None):
            input_signature = list(model._inputs)
        else:
            shape = getattr(model, "input_spec_shape", None) or getattr(
                model, "built_input_shape", None
            )
            if shape is None:
                raise ValueError(
                    "The model provided has never called. It must be called at least once before "
                    "export."
                )
            input_signature = list(shape) if isinstance(shape, list) else [shape]
    elif not isinstance(input_signature, (list, tuple)) or _is_shape(input_signature):
        input_signature = [input_signature]
    specs = []
    for spec in input_signature:
        if _is_shape(spec):
            specs.append((tuple(spec), "float32"))
            continue
        array = spec._data if isinstance(spec, Tensor) else spec
        dtype = getattr(array, "dtype", None) or "float32"
        specs.append((tuple(array.shape), getattr(dtype, "name", dtype)))
    return specs


def _is_shape(obj) -> bool:
    return isinstance(obj, (tuple, list)) and all(d is None or isinstance(d, int) for d in obj)


def export_model(model, filepath, format="tf_saved_model", verbose=None, input_signature=None,  # noqa: A002
                 **kwargs):  # fmt: skip
    if format not in FORMATS:
        raise ValueError(
            f"Unrecognized format={format!r}. Supported formats are: {', '.join(map(repr, FORMATS))}."
        )
    if format != "onnx":
        raise NotImplementedError(
            f"format={format!r} needs TensorFlow, OpenVINO or LiteRT; deepling exports "
            "format='onnx' (model.export(path, format='onnx'))"
        )
    unknown = sorted(set(kwargs) - {"opset_version"})
    if unknown:
        raise TypeError(f"export(format='onnx') got unexpected keyword argument(s) {unknown}")
    from .. import onnx

    specs = _specs(model, input_signature)
    names = list(getattr(model, "input_names", None) or [])
    if len(names) != len(specs):
        names = ["inputs"] if len(specs) == 1 else [f"inputs_{i}" for i in range(len(specs))]
    examples, dynamic = [], {}
    for name, (shape, dtype) in zip(names, specs):
        examples.append(Tensor._wrap(np.zeros([1 if d is None else d for d in shape], dtype)))
        axes = {
            i: "batch" if i == 0 else f"{name}_dim_{i}" for i, d in enumerate(shape) if d is None
        }
        if axes:
            dynamic[name] = axes
    onnx.export(model, tuple(examples), filepath, input_names=names, dynamic_axes=dynamic,
                opset_version=kwargs.get("opset_version"))  # fmt: skip
    if verbose is None or verbose:
        print(f"Saved artifact at '{filepath}'.")
