"""`summary()`: Keras 3's box-drawn table of layers, output shapes and parameter counts, with
the parameters' sizes, for any Module.

Sequential, subclassed and chain-like functional models get the 3-column table; other
functional models add Keras's 'Connected to' column. The table is as wide as Keras makes it
(88 or 108 characters, at most the terminal's width - 4, so 76 in a log or a pipe), cells wrap
at spaces and long words end in '…', as rich renders Keras's table. Output shapes come from the
functional graph, or from one forward pass on zeros that notes what each child returned
(Sequential, subclassed models and PyTorch-style modules); '?' when no input shape is known
yet. For a PyTorch-style module: `summary(net, input_shape=(None, 784))`, or
`keras.Model(net).summary()` after a call or a fit.
"""

from __future__ import annotations

import shutil

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
    """One row per layer call with 'Connected to', and whether the graph is a chain."""
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
        outs = [m for m in nodes if m.layer is n.layer and node_index[id(m)] == key[1]]
        shape = [m.shape for m in outs] if len(outs) > 1 else n.shape
        links = [f"{p.layer.name}[{node_index[id(p)]}][{p.index or 0}]" for p in n.parents]
        params = f"{sum(count_params(n.layer)):,}" if n.parents else "0"
        rows.append([_name(n.layer.name, n.layer), _shape(shape), params, ", ".join(links) or "-"])
    return rows, chain


def _name(name, layer) -> str:
    return f"{name} ({type(layer).__name__})"


def _shape(shape) -> str:
    if shape is None:
        return "?"
    return str(shape).replace("'", "")


def _rows(model, input_shape):
    if hasattr(model, "_nodes") and hasattr(model, "outputs"):  # functional
        return _functional_rows(model)
    children = _children(model)
    shape = _input_shape(model, input_shape)
    shapes = _traced_shapes(model, children, shape) if shape is not None else {}
    rows = []
    for name, child in children:
        built = getattr(child, "built", True)
        params = f"{sum(count_params(child)):,}" if built else "0 (unbuilt)"
        rows.append([_name(name, child), _shape(shapes.get(id(child))), params])
    return rows, True


def summary(model, input_shape=None, print_fn=None, line_length=None, positions=None) -> None:
    """Print Keras 3's summary table of `model` (any Module).

    `input_shape` (batch dim first, None allowed) lets a PyTorch-style module, whose layers
    don't record shapes, show them: `summary(net, (None, 784))`. `print_fn` gets the whole
    table as one string, as in Keras 3.
    """
    if not isinstance(model, Module):
        raise TypeError(f"summary() needs a Module, got {type(model).__name__}")
    rows, chain = _rows(model, input_shape)
    header = ["Layer (type)", "Output Shape", "Param #"] + ([] if chain else ["Connected to"])
    default = 88 if chain else 108
    line_length = line_length or min(default, shutil.get_terminal_size().columns - 4)
    positions = positions or ([0.45, 0.80, 1.0] if chain else [0.3, 0.56, 0.74, 1.0])
    widths = _column_widths(positions, line_length)
    right = [False, False, True, False]
    lines = [f'Model: "{getattr(model, "name", snake_case(type(model).__name__))}"']
    lines += _table(header, rows, widths, right)
    lines += _totals(model)
    text = "\n".join(lines)
    (print_fn or print)(text + "\n" if print_fn else text)


def _column_widths(positions, line_length) -> list:
    """Keras's column widths, then shrunk as rich fits them, padding and borders, into the
    line: the excess taken evenly (rounded), column by column."""
    if positions[-1] <= 1:
        ends = [int(p * line_length) for p in positions]
    else:
        ends = [int(p) for p in positions]
    widths = [b - a for a, b in zip([0, *ends], ends)]
    if min(widths) < 4:
        raise ValueError("Insufficient console width to print summary.")
    segments = [w + 2 for w in widths]
    excess = sum(segments) - (line_length - len(widths) - 1)
    out, columns = [], len(segments)
    for i, segment in enumerate(segments):
        cut = round(excess / (columns - i)) if excess > 0 else 0
        out.append(segment - cut - 2)
        excess -= cut
    return out


def _wrap(text: str, width: int) -> list:
    """Lines of at most `width` characters, broken at spaces; a longer word ends in '…'."""
    lines, line = [], ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if len(candidate) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    lines.append(line)
    return [w if len(w) <= width else w[: width - 1] + "…" for w in lines]


def _table(header, rows, widths, right) -> list:
    def rule(left, mid, end, fill):
        return left + mid.join(fill * (w + 2) for w in widths) + end

    def cells(fields, edge):
        wrapped = [_wrap(f, w) for f, w in zip(fields, widths)]
        out = []
        for k in range(max(len(c) for c in wrapped)):
            parts = []
            for c, w, r in zip(wrapped, widths, right):
                piece = c[k] if k < len(c) else ""
                parts.append(f" {piece.rjust(w) if r else piece.ljust(w)} ")
            out.append(edge + edge.join(parts) + edge)
        return out

    lines = [rule("┏", "┳", "┓", "━"), *cells(header, "┃"), rule("┡", "╇", "┩", "━")]
    for i, row in enumerate(rows):
        if i:
            lines.append(rule("├", "┼", "┤", "─"))
        lines += cells(row, "│")
    lines.append(rule("└", "┴", "┘", "─"))
    return lines


def _size(nbytes: float) -> str:
    """Keras's readable size: '18.79 KB' (powers of 1024)."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if nbytes / 1024 < 1:
            return f"{nbytes:.2f} {unit}"
        nbytes /= 1024
    return f"{nbytes:.2f} PB"


def _totals(model) -> list:
    """Total, trainable, non-trainable (and, once the optimizer has run, optimizer) parameter
    counts with their sizes."""
    trainable, frozen, seen = [0, 0], [0, 0], set()
    for p in model.parameters():
        if id(p) in seen:
            continue
        seen.add(id(p))
        part = trainable if p.requires_grad else frozen
        part[0] += p.numel()
        part[1] += p.numel() * p._data.itemsize
    optimizer = _optimizer_count(model)
    total = [trainable[i] + frozen[i] + (optimizer[i] if optimizer else 0) for i in (0, 1)]
    lines = [
        f" Total params: {total[0]:,} ({_size(total[1])})",
        f" Trainable params: {trainable[0]:,} ({_size(trainable[1])})",
        f" Non-trainable params: {frozen[0]:,} ({_size(frozen[1])})",
    ]
    if optimizer:
        lines.append(f" Optimizer params: {optimizer[0]:,} ({_size(optimizer[1])})")
    return lines


def _optimizer_count(model):
    """(count, bytes) of a Keras optimizer's variables once it has updated: its step count
    (int64) and learning rate (float32), as Keras counts them, and every slot array."""
    optimizer = getattr(model, "optimizer", None)
    state = getattr(optimizer, "state", None)
    if not state or not getattr(model, "compiled", False):
        return None
    count, nbytes = 2, 8 + 4
    for slots in state.values():
        for value in slots.values():
            if hasattr(value, "shape"):
                count += int(value.size)
                nbytes += int(value.nbytes)
    return count, nbytes
