"""deepling.onnx.export: trace a model once, write each recorded Function as ONNX nodes (the table
in ops.py), check the model with onnx.checker, and save it."""

from __future__ import annotations

import enum
import os

import numpy as np

from .. import grad_mode
from ..compiler import check_replay, named_arrays, trace
from ..tensor import Tensor
from .modes import export_mode, is_keras
from .names import default_input_names, default_output_names, dynamic_dims

DEFAULT_OPSET = 20  # torch.onnx.export's default in PyTorch 2.13 (ONNX_DEFAULT_OPSET)
MIN_OPSET = 17  # LayerNormalization


class TrainingMode(enum.IntEnum):
    """The mode a model is exported in (torch.onnx.TrainingMode): EVAL (the default) sets eval
    mode for the export and restores each module's mode after; PRESERVE keeps the model's mode;
    TRAINING asks for training behaviour, which is not exported (see `export`)."""

    EVAL = 0
    PRESERVE = 1
    TRAINING = 2


def _onnx():
    try:
        import onnx
    except ImportError as e:
        raise ImportError('ONNX export needs the onnx package: pip install "deepling[onnx]"') from e
    return onnx


def export(model, args=(), f=None, *, kwargs=None, verbose=None, input_names=None,
           output_names=None, opset_version=None, export_params=True,
           keep_initializers_as_inputs=False, dynamic_axes=None,
           training=TrainingMode.EVAL):  # fmt: skip
    """Export a model to ONNX, as `torch.onnx.export`: run it once on `args`, record every op.

    Works for PyTorch-style modules (`deepling.nn`) and Keras models (`deepling.keras`, called
    with `training=False`). Shapes are those of `args` except the axes named in `dynamic_axes`.

    Args:
        model: a Module (or Keras model) built from ops that have ONNX rows.
        args: example inputs: a Tensor, or a tuple of them (a dict last in the tuple holds
            keyword inputs; lists of Tensors inside are several inputs; other values are
            hard-coded into the graph, as PyTorch does).
        f: a path or a binary file object to write to; None writes nothing.
        kwargs: example keyword inputs.
        verbose: print the graph when True.
        input_names: names of the graph inputs, in order (default: the names of `forward`'s
            parameters, or a Keras model's input names).
        output_names: names of the graph outputs (default: the name of the op that made each,
            'linear', 'softmax', ...; a Keras model's output layer names).
        opset_version: the ONNX opset (default 20, PyTorch 2.13's; 17 or newer).
        export_params: store the parameters in the file; False makes them graph inputs.
        keep_initializers_as_inputs: list every initializer among the graph inputs too.
        dynamic_axes: `{name: {axis: "axis_name"}}` or `{name: [axis, ...]}` (names made as
            PyTorch makes them, `<name>_dynamic_axes_<i>`) for inputs and outputs whose axes
            vary at run time, such as the batch.
        training: TrainingMode.EVAL (default: export in eval mode, then restore each
            module's mode), or PRESERVE for a model already in eval mode. Training behaviour
            (dropout's random masks, batch statistics) raises NotImplementedError.

    Returns:
        The `onnx.ModelProto` (PyTorch 2.13 returns an ONNXProgram holding one).

    Raises:
        ImportError: without the onnx package (`pip install "deepling[onnx]"`).
        NotImplementedError: an op without an ONNX row, named.
        deepling.compiler.TraceError: an output computed outside deepling's ops.

    Example:
        >>> import deepling as dl
        >>> model = dl.nn.Sequential(dl.nn.Linear(4, 2), dl.nn.Softmax(dim=1))
        >>> proto = dl.onnx.export(model, dl.randn(3, 4), None, input_names=["x"],
        ...                        dynamic_axes={"x": {0: "batch"}})  # doctest: +SKIP
    """
    onnx = _onnx()
    opset = DEFAULT_OPSET if opset_version is None else int(opset_version)
    if not MIN_OPSET <= opset <= onnx.defs.onnx_opset_version():
        raise ValueError(
            f"opset_version {opset} is not supported: deepling exports opsets {MIN_OPSET} to "
            f"{onnx.defs.onnx_opset_version()} (the installed onnx package's newest)"
        )
    call, examples, slots, keywords = _model_call(model, args, kwargs)
    # traced with gradients on and float inputs requiring them: code that takes a NumPy
    # shortcut when nothing needs a gradient (slicing a sequence into steps, clone) then takes
    # its recorded path; the examples are new Tensors over the same arrays
    examples = [Tensor._wrap(t._data, t._data.dtype.kind == "f") for t in examples]
    with export_mode(model, TrainingMode(training).name), grad_mode.enable_grad():
        recorded = trace(call, *examples, names=named_arrays(model))
        check_replay(recorded, call)
    defaults = default_input_names(model, slots, keywords)
    names_in = _names(input_names, defaults, "input_names")
    names_out = list(output_names or default_output_names(model, len(recorded.outputs)) or [])
    if len(names_out) > len(recorded.outputs):
        raise ValueError(
            f"output_names has {len(names_out)} names but the model returns "
            f"{len(recorded.outputs)} outputs"
        )
    ranks = {n: v.array.ndim for n, v in zip(names_in, recorded.inputs)}
    ranks.update({n: v.array.ndim for n, v in zip(names_out, recorded.outputs)})
    dims = dynamic_dims(dynamic_axes, names_in, names_out, ranks)
    from .build import build_model

    proto = build_model(onnx, recorded, opset, names_in, names_out, dims, export_params,
                        keep_initializers_as_inputs)  # fmt: skip
    onnx.checker.check_model(proto, full_check=True)
    if verbose:
        print(onnx.printer.to_text(proto.graph))
    if f is not None:
        _write(proto, f)
    return proto


def _names(given, defaults, what) -> list:
    """The names given, then the defaults for the rest (PyTorch names what it is not told)."""
    given = list(given or [])
    if len(given) > len(defaults):
        raise ValueError(f"{what} has {len(given)} names but the model has {len(defaults)} inputs")
    return given + list(defaults[len(given) :])


def _model_call(model, args, kwargs):
    """The function of the example tensors that the trace runs, and those tensors: `args` as
    torch.onnx.export reads it (a Tensor, or a tuple ending perhaps in a dict of keywords)."""
    if isinstance(args, (Tensor, np.ndarray)) or not isinstance(args, tuple):
        args = (args,)
    if args and isinstance(args[-1], dict) and kwargs is None:
        args, kwargs = args[:-1], args[-1]
    kwargs = dict(kwargs or {})
    slots, examples = [], []  # each positional argument: a tensor, a list of them, or a value
    for a in args:
        if (
            isinstance(a, (list, tuple))
            and a
            and all(isinstance(t, (Tensor, np.ndarray)) for t in a)
        ):
            slots.append(("list", len(a)))
            examples.extend(a)
        elif isinstance(a, (Tensor, np.ndarray)):
            slots.append(("tensor", 1))
            examples.append(a)
        else:
            slots.append(("value", a))
    tensor_keys = [k for k, v in kwargs.items() if isinstance(v, (Tensor, np.ndarray))]
    examples.extend(kwargs[k] for k in tensor_keys)
    examples = [t if isinstance(t, Tensor) else Tensor._wrap(np.asarray(t)) for t in examples]
    keras = is_keras(model)
    if keras and len(slots) > 1 and all(kind == "tensor" for kind, _ in slots):
        slots = [("list", len(slots))]  # a multi-input Keras model takes one list

    def call(*tensors):
        it = iter(tensors)
        pos = []
        for kind, what in slots:
            if kind == "tensor":
                pos.append(next(it))
            elif kind == "list":
                pos.append([next(it) for _ in range(what)])
            else:
                pos.append(what)
        kw = {**kwargs, **{k: next(it) for k in tensor_keys}}
        if keras:
            kw["training"] = False
        return model(*pos, **kw)

    return call, examples, slots, tensor_keys


def _write(proto, f) -> None:
    data = proto.SerializeToString()
    if hasattr(f, "write"):
        f.write(data)
        return
    with open(os.fspath(f), "wb") as out:
        out.write(data)
