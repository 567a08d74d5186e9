"""`summary()`: Keras's table of layers, output shapes and parameter counts, for any Module.

Output shapes come from the layers' own shape logic (Keras layers) or from one forward pass on
zeros that records what each child module returned (PyTorch-style modules).
"""

from __future__ import annotations

from ... import grad_mode
from ...creation import zeros
from ...nn.module import Module

WIDTHS = (29, 26, 10)


def module_output_shape(module, shape):
    with grad_mode.no_grad():
        out = module(zeros(*[1 if d is None else d for d in shape]))
    return (None, *out.shape[1:])


def _params(module) -> tuple[int, int]:
    trainable = total = 0
    for p in module.parameters():
        total += p.numel()
        trainable += p.numel() if p.requires_grad else 0
    return trainable, total - trainable


def _rows(model, input_shape):
    """(name, type, output shape, params) for each direct child layer."""
    shapes = {}
    shape = input_shape or getattr(model, "input_spec_shape", None)
    children = getattr(model, "layers", None) or [
        m for m in model._modules.values() if m is not None
    ]
    if hasattr(model, "_nodes"):  # functional: shapes are recorded on the graph
        for node in model._nodes:
            shapes[id(node.layer)] = node.shape
    elif shape is not None:
        shapes = _trace_shapes(children, shape)
    rows = []
    for child in children:
        name = getattr(child, "name", None) or next(
            k for k, v in model._modules.items() if v is child
        )
        out = shapes.get(id(child), getattr(child, "batch_shape", "?"))
        rows.append((f"{name} ({type(child).__name__})", str(out), sum(_params(child))))
    return rows


def _trace_shapes(children, shape):
    """Run zeros through the children one after another and note each output's shape."""
    shapes = {}
    x = zeros(*[1 if d is None else d for d in shape])
    with grad_mode.no_grad():
        for child in children:
            if hasattr(child, "batch_shape"):  # InputLayer
                shapes[id(child)] = child.batch_shape
                continue
            x = child(x)
            shapes[id(child)] = (None, *x.shape[1:])
    return shapes


def summary(model, input_shape=None, print_fn=None) -> None:
    """Print the table. `input_shape` (batch dim first, None allowed) is needed for a
    PyTorch-style module, whose layers don't record shapes: `summary(net, (None, 784))`."""
    if not isinstance(model, Module):
        raise TypeError(f"summary() needs a Module, got {type(model).__name__}")
    built = getattr(model, "built", True)
    if (
        not built
        or not any(True for _ in model.parameters())
        and getattr(model, "layers", None) == []
    ):
        raise ValueError(
            "This model has not yet been built. Build the model first by calling `build()` or by "
            "calling the model on a batch of data."
        )
    print_fn = print_fn or print
    name = getattr(model, "name", type(model).__name__)
    line = "_" * sum(WIDTHS)
    print_fn(f'Model: "{name}"')
    print_fn(line)
    print_fn(_row(("Layer (type)", "Output Shape", "Param #")))
    print_fn("=" * sum(WIDTHS))
    rows = _rows(model, input_shape)
    for i, row in enumerate(rows):
        print_fn(_row(row))
        print_fn("" if i < len(rows) - 1 else "=" * sum(WIDTHS))
    trainable, frozen = _params(model)
    print_fn(f"Total params: {trainable + frozen:,}")
    print_fn(f"Trainable params: {trainable:,}")
    print_fn(f"Non-trainable params: {frozen:,}")
    print_fn(line)


def _row(cells) -> str:
    return "".join(f" {str(c):<{w - 1}}" for c, w in zip(cells, WIDTHS))
