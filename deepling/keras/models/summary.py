"""`summary()`: Keras 2's table of layers, output shapes and parameter counts, for any Module.

Sequential and chain-like functional models get the 3-column table (65 characters wide);
other functional models add Keras's 'Connected to' column (98 wide). Output shapes come from
the functional graph, or from one forward pass on zeros that notes what each child returned
(Sequential, subclassed models and PyTorch-style modules); 'multiple' when no input shape is
known. For a PyTorch-style module: `summary(net, input_shape=(None, 784))`, or
`keras.Model(net).summary()` after a call or a fit.
"""

from __future__ import annotations

from ... import grad_mode
from ...creation import zeros
from ...nn.module import Module
from ..layers.base import snake_case


def module_output_shape(module, shape):
    with grad_mode.no_grad():
        out = module(zeros(*[1 if d is None else d for d in shape]))
    return (None, *out.shape[1:])


def count_params(module) -> tuple[int, int]:
    """(trainable, non-trainable) parameter counts; a frozen weight has requires_grad False."""
    trainable = total = 0
    for p in module.parameters():
        total += p.numel()
        trainable += p.numel() if p.requires_grad else 0
    return trainable, total - trainable


def _children(model) -> list[tuple[str, Module]]:
    """(display name, child) pairs: Keras layers by their names, torch modules by type."""
    wrapped = getattr(model, "module", None)
    if isinstance(wrapped, Module) and type(model).__name__ == "ModuleModel":
        model = wrapped
    layers = getattr(model, "layers", None)
    children = layers if layers is not None else [m for m in model._modules.values() if m]
    seen: dict[str, int] = {}
    named = []
    for child in children:
        name = getattr(child, "name", None)
        if not isinstance(name, str):
            base = snake_case(type(child).__name__)
            seen[base] = seen.get(base, -1) + 1
            name = base if seen[base] == 0 else f"{base}_{seen[base]}"
        named.append((name, child))
    return named


def _input_shape(model, given):
    if given is not None:
        return tuple(given)
    for attr in ("input_spec_shape", "built_input_shape", "last_input_shape"):
        shape = getattr(model, attr, None)
        if shape is not None and not isinstance(shape, list):
            return tuple(shape)
    layers = getattr(model, "layers", None) or []
    return getattr(layers[0], "built_input_shape", None) if layers else None


def _traced_shapes(model, children, shape) -> dict:
    """Run zeros through the model once and note the output shape of each direct child."""
    shapes = {}

    def watch(child, attr):
        inner = getattr(child, attr)

        def spy(*args, **kwargs):
            out = inner(*args, **kwargs)
            if id(child) not in shapes:
                outs = out if isinstance(out, (list, tuple)) else [out]
                found = [(None, *o.shape[1:]) for o in outs if hasattr(o, "shape")]
                shapes[id(child)] = found[0] if len(found) == 1 else found
            return out

        object.__setattr__(child, attr, spy)

    watched = [(c, "call" if hasattr(type(c), "call") else "forward") for _, c in children]
    for child, attr in watched:
        watch(child, attr)
    was_training = model.training
    model.eval()
    try:
        with grad_mode.no_grad():
            model(zeros(*[1 if d is None else d for d in shape]))
    finally:
        model.train(was_training)
        for child, attr in watched:
            child.__dict__.pop(attr, None)
    return shapes


def _functional_rows(model):
    """Rows with 'Connected to' from the recorded graph, and whether the graph is a chain."""
    from ..layers.functional import topological_nodes

    nodes = topological_nodes(model.outputs)
    calls: dict[int, int] = {}  # layer id -> how many times it was called so far
    seen: dict = {}  # (layer, inputs) -> the call's number: the outputs of one call share it
    node_index = {}
    for n in nodes:
        key = (id(n.layer), tuple(id(p) for p in n.parents + getattr(n, "extra_parents", [])))
        if key not in seen:
            seen[key] = calls.get(id(n.layer), 0)
            calls[id(n.layer)] = seen[key] + 1
        node_index[id(n)] = seen[key]
    chain = len(model.inputs) == 1 and all(
        len(n.parents) == (0 if i == 0 else 1) and (i == 0 or n.parents[0] is nodes[i - 1])
        for i, n in enumerate(nodes)
    )
    rows, done = [], set()
    for n in nodes:
        key = (id(n.layer), node_index[id(n)])
        if key in done:  # one row per layer call, even with several outputs
            continue
        done.add(key)
        shape = [n.shape] if not n.parents else n.shape
        outs = [m for m in nodes if m.layer is n.layer and node_index[id(m)] == key[1]]
        if len(outs) > 1:
            shape = [m.shape for m in outs]
        links = [f"{p.layer.name}[{node_index[id(p)]}][{p.index or 0}]" for p in n.parents]
        params = sum(count_params(n.layer)) if n.parents else 0
        rows.append((f"{n.layer.name} ({type(n.layer).__name__})", shape, params, links))
    return rows, chain


def _rows(model, input_shape):
    if hasattr(model, "_nodes") and hasattr(model, "outputs"):  # functional
        return _functional_rows(model)
    children = _children(model)
    shape = _input_shape(model, input_shape)
    shapes = _traced_shapes(model, children, shape) if shape is not None else {}
    rows = []
    for name, child in children:
        built = getattr(child, "built", True)
        params = sum(count_params(child)) if built else "0 (unused)"
        out = shapes.get(id(child), "multiple")
        rows.append((f"{name} ({type(child).__name__})", out, params, None))
    return rows, True


def summary(model, input_shape=None, print_fn=None, line_length=None, positions=None) -> None:
    """Print Keras 2's summary table of `model` (any Module).

    `input_shape` (batch dim first, None allowed) lets a PyTorch-style module, whose layers
    don't record shapes, show them: `summary(net, (None, 784))`.
    """
    if not isinstance(model, Module):
        raise TypeError(f"summary() needs a Module, got {type(model).__name__}")
    if not getattr(model, "built", True) or (
        getattr(model, "layers", None) == [] and not any(True for _ in model.parameters())
    ):
        raise ValueError(
            "This model has not yet been built. Build the model first by calling `build()` or by "
            "calling the model on a batch of data."
        )
    print_fn = print_fn or print
    rows, chain = _rows(model, input_shape)
    line_length = line_length or (65 if chain else 98)
    positions = positions or ([0.45, 0.85, 1.0] if chain else [0.3, 0.6, 0.7, 1.0])
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]
    header = ["Layer (type)", "Output Shape", "Param #"] + ([] if chain else ["Connected to"])
    print_fn(f'Model: "{getattr(model, "name", snake_case(type(model).__name__))}"')
    print_fn("_" * line_length)
    _print_row(header, positions, print_fn)
    print_fn("=" * line_length)
    for row in rows:
        _print_row(_shape_text(row)[: len(positions)], positions, print_fn)
        print_fn(" " * line_length)
    print_fn("=" * line_length)
    trainable, frozen = count_params(model)
    print_fn(f"Total params: {trainable + frozen:,}")
    print_fn(f"Trainable params: {trainable:,}")
    print_fn(f"Non-trainable params: {frozen:,}")
    print_fn("_" * line_length)


def _shape_text(row):
    name, shape, params, links = row
    return [name, str(shape), str(params), str(links if links is not None else "")]


def _print_row(fields, positions, print_fn) -> None:
    """Keras's print_row: each field starts at its column; long fields wrap onto more lines,
    breaking after '),' or "'," when they can."""
    left = [str(f) for f in fields]
    while any(left):
        line = ""
        for col, text in enumerate(left):
            start = positions[col - 1] if col else 0
            last = col == len(positions) - 1
            space = 0 if last else 2
            cutoff = positions[col] - start - space - (0 if last else 1)
            piece = text[:cutoff]
            breaks = [piece.find(b) + len(b) for b in ("),", "},", "],", "',") if b in piece]
            if breaks:
                cutoff = min(breaks)
                piece = piece[:cutoff]
            line += (" " if col == 0 else "") + piece + " " * space
            left[col] = text[cutoff:]
            line += " " * (positions[col] - len(line))
        print_fn(line)
