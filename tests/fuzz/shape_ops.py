"""Fuzz pool: shape ops, indexing and products (see tests/fuzz/math_ops.py)."""

from __future__ import annotations

from tests.fuzz.graph import MAX_NUMEL, numel
from tests.fuzz.pool import _dim, _nd, op


# --- shapes ---
def _factor_shape(g, n):
    """A random shape with n elements, one dim maybe -1."""
    factors = [p for p in (2, 3, 5, 7) for _ in range(36) if n % p ** (_ + 1) == 0]
    dims = [1] * g.draws.integer(0 if n == 1 else 1, 3)
    for f in factors:
        dims[g.draws.integer(0, len(dims) - 1)] *= f
    if dims and g.draws.coin():
        dims[g.draws.integer(0, len(dims) - 1)] = -1
    return tuple(dims)


@op("reshape")
def _(g, x):
    shape = _factor_shape(g, numel(g.shape(x)))
    form = g.pick(["reshape", "view", "method"])
    if form == "reshape":
        return g.op(lambda fw, a: fw.m.reshape(a, shape), x)
    if form == "view":  # torch's view needs a contiguous tensor
        return g.op(lambda fw, a: (a.contiguous() if fw.torch else a).view(shape), x)
    return g.op(lambda fw, a: a.reshape(*shape) if shape else a.reshape(()), x)


@op("permute", fits=_nd(2))
def _(g, x):
    perm = tuple(int(d) for d in g.rng.permutation(len(g.shape(x))))
    return g.op(lambda fw, a: fw.m.permute(a, perm), x)


@op("transpose", fits=_nd(2))
def _(g, x):
    d0, d1 = _dim(g, x), _dim(g, x)
    if len(g.shape(x)) == 2 and g.draws.coin():
        return g.op(lambda fw, a: a.T, x)
    return g.op(lambda fw, a: fw.m.transpose(a, d0, d1), x)


@op("squeeze", fits=lambda s: 1 in s)
def _(g, x):
    ones = [d for d, n in enumerate(g.shape(x)) if n == 1]
    dim = g.pick([None, *ones])
    return g.op(lambda fw, a: fw.m.squeeze(a) if dim is None else fw.m.squeeze(a, dim), x)


@op("unsqueeze", fits=_nd(0, 3))
def _(g, x):
    dim = g.draws.integer(-len(g.shape(x)) - 1, len(g.shape(x)))
    return g.op(lambda fw, a: fw.m.unsqueeze(a, dim), x)


@op("flatten")
def _(g, x):
    n = len(g.shape(x))
    start = g.draws.integer(0, max(n - 1, 0))
    end = g.draws.integer(start, max(n - 1, 0))
    return g.op(lambda fw, a: fw.m.flatten(a, start, end), x)


@op("expand", fits=lambda s: len(s) < 4 and numel(s) * 2 <= MAX_NUMEL)
def _(g, x):
    s = g.shape(x)
    sizes = [g.pick([2, 3]) if n == 1 and numel(s) * 3 <= MAX_NUMEL else -1 for n in s]
    if g.draws.coin() or all(n == -1 for n in sizes):
        sizes = [2, *sizes]
    full = tuple(s[i - len(sizes) + len(s)] if n == -1 else n for i, n in enumerate(sizes))
    if g.draws.coin():
        return g.op(lambda fw, a: fw.m.broadcast_to(a, full), x)
    return g.op(lambda fw, a: a.expand(*sizes), x)


@op("cat", fits=lambda s: len(s) >= 1 and numel(s) * 2 <= MAX_NUMEL)
def _(g, x):
    s, dim = g.shape(x), _dim(g, x)
    if g.draws.coin():
        y = x
    else:
        y = g.leaf(s[: dim % len(s)] + (g.pick([1, 2]),) + s[dim % len(s) + 1 :])
    name, first = g.pick(["cat", "concat"]), g.draws.coin()
    return g.op(lambda fw, a, b: getattr(fw.m, name)([a, b] if first else [b, a], dim), x, y)


@op("stack", fits=lambda s: len(s) < 4 and numel(s) * 2 <= MAX_NUMEL)
def _(g, x):
    y = g.partner(x, same_shape=True)
    dim = g.draws.integer(-len(g.shape(x)) - 1, len(g.shape(x)))
    return g.op(lambda fw, a, b: fw.m.stack([a, b], dim), x, y)


@op("split", fits=lambda s: any(n >= 2 for n in s))
def _(g, x):
    dim = g.pick([d for d, n in enumerate(g.shape(x)) if n >= 2])
    n = g.shape(x)[dim]
    kind = g.pick(["size", "sections", "chunk"])
    arg = g.draws.integer(1, n - 1) if kind != "sections" else [1, n - 1]
    piece = g.pick(["first", "last", "rejoined"])

    def call(fw, a):
        parts = fw.m.chunk(a, arg, dim) if kind == "chunk" else fw.m.split(a, arg, dim)
        if piece == "rejoined":
            return fw.m.cat(list(parts)[::-1], dim)
        return parts[0] if piece == "first" else parts[-1]

    return g.op(call, x)


@op("pad", fits=_nd(1))
def _(g, x):
    widths = [g.draws.integer(0, 2) for _ in range(2 * min(len(g.shape(x)), 2))]
    value = g.pick([0.0, 0.5])
    if numel(g.shape(x)) * 4 > MAX_NUMEL:
        widths = widths[:2]
    return g.op(lambda fw, a: fw.F.pad(a, widths, value=value), x)


@op("getitem", fits=_nd(1))
def _(g, x):
    s = g.shape(x)
    n = s[0]
    kind = g.pick(["int", "slice", "step", "ellipsis", "none", "ints", "mask", "mixed"])
    idx = g.rng.integers(0, n, g.draws.integer(1, 4))  # repeats: gradients add up
    mask = g.rng.random(s) < 0.6
    mask.flat[0] = True
    k = g.draws.integer(-n, n - 1)
    lo = g.draws.integer(0, n - 1)

    def key(fw):
        return {
            "int": k,
            "slice": slice(lo, n),
            "step": slice(None, None, 2),
            "ellipsis": (Ellipsis, -1),
            "none": (slice(None), None),
            "ints": fw.ints(idx),
            "mask": fw.mask(mask),
            "mixed": (fw.ints(idx), slice(int(s[1] > 1), None))
            if len(s) >= 2
            else fw.ints(idx[:1]),
        }[kind]

    return g.op(lambda fw, a: a[key(fw)], x)


@op("gather", fits=_nd(1))
def _(g, x):
    s, dim = g.shape(x), _dim(g, x)
    shape = [g.draws.integer(1, n) for n in s]
    shape[dim] = g.draws.integer(1, 3)
    index = g.rng.integers(0, s[dim], shape)
    return g.op(lambda fw, a: fw.m.gather(a, dim, fw.ints(index)), x)


# --- products ---
@op("matmul", fits=_nd(1, 3))
def _(g, x):
    s = g.shape(x)
    if len(s) == 1 and g.draws.coin():
        return g.op(lambda fw, a, b: fw.m.dot(a, b), x, g.partner(x, same_shape=True))
    if len(s) >= 2 and g.draws.coin():
        w = g.leaf((g.draws.integer(1, 3), s[-2]))  # from the left
        return g.op(lambda fw, a, b: fw.m.matmul(b, a), x, w)
    w = g.leaf((s[-1], g.draws.integer(1, 3)))
    if len(s) == 2 and g.draws.coin():
        return g.op(lambda fw, a, b: fw.m.mm(a, b), x, w)
    return g.op(lambda fw, a, b: a @ b, x, w)


@op("bmm", fits=_nd(3, 3))
def _(g, x):
    s = g.shape(x)
    w = g.leaf((s[0], s[2], g.draws.integer(1, 3)))
    return g.op(lambda fw, a, b: fw.m.bmm(a, b), x, w)


@op("linear", fits=_nd(1, 3))
def _(g, x):
    n, k = g.shape(x)[-1], g.draws.integer(1, 3)
    w, b = g.leaf((k, n)), g.leaf((k,))
    if g.draws.coin():
        return g.op(lambda fw, a, w: fw.F.linear(a, w), x, w)
    return g.op(lambda fw, a, w, b: fw.F.linear(a, w, b), x, w, b)


@op("affine", fits=_nd(1, 3))
def _(g, x):  # deepling's Keras-layout linear; torch computes it as a @ kernel + bias
    n, k = g.shape(x)[-1], g.draws.integer(1, 3)
    w, b = g.leaf((n, k)), g.leaf((k,))
    return g.op(lambda fw, a, w, b: a @ w + b if fw.torch else fw.m.affine(a, w, b), x, w, b)
