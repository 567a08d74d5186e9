"""Fuzz pool: the everyday rearranging and indexing ops of the PyTorch face (repeat, flip, roll,
narrow, masked_fill, scatter, ...; see tests/fuzz/math_ops.py for the pattern)."""

from __future__ import annotations

import numpy as np

from tests.fuzz.graph import MAX_NUMEL, numel
from tests.fuzz.pool import _dim, _nd, op


@op("tile", fits=lambda s: numel(s) * 2 <= MAX_NUMEL)
def _(g, x):
    reps = tuple(g.draws.integer(1, 2) for _ in range(g.draws.integer(1, 2)))
    if numel(g.shape(x)) * int(np.prod(reps)) > MAX_NUMEL:
        reps = (1,)
    return g.op(lambda fw, a: fw.m.tile(a, reps), x)


@op("repeat_interleave", fits=lambda s: numel(s) * 2 <= MAX_NUMEL)
def _(g, x):
    dim = _dim(g, x) if g.shape(x) else None
    return g.op(lambda fw, a: fw.m.repeat_interleave(a, 2, dim), x)


@op("flip", fits=_nd(1))
def _(g, x):
    n = len(g.shape(x))
    dims = sorted({_dim(g, x) % n for _ in range(g.draws.integer(1, 2))})
    return g.op(lambda fw, a: fw.m.flip(a, dims), x)


@op("roll", fits=_nd(1))
def _(g, x):
    shift, dim = g.draws.integer(-3, 3), _dim(g, x)
    if g.draws.coin():
        return g.op(lambda fw, a: fw.m.roll(a, shift), x)
    return g.op(lambda fw, a: fw.m.roll(a, shift, dim), x)


@op("movedim", fits=_nd(2))
def _(g, x):
    src, dst = _dim(g, x), _dim(g, x)
    name = g.pick(["movedim", "moveaxis"])
    return g.op(lambda fw, a: getattr(fw.m, name)(a, src, dst), x)


@op("swapaxes", fits=_nd(2))
def _(g, x):
    d0, d1 = _dim(g, x), _dim(g, x)
    name = g.pick(["swapaxes", "swapdims"])
    return g.op(lambda fw, a: getattr(fw.m, name)(a, d0, d1), x)


@op("t", fits=_nd(0, 2))
def _(g, x):
    return g.op(lambda fw, a: fw.m.t(a), x)


@op("narrow", fits=lambda s: len(s) >= 1 and max(s) >= 1)
def _(g, x):
    dims = [d for d, n in enumerate(g.shape(x)) if n >= 1]
    d = g.pick(dims)
    n = g.shape(x)[d]
    start = g.draws.integer(0, n - 1)
    length = g.draws.integer(1, n - start)
    return g.op(lambda fw, a: fw.m.narrow(a, d, start, length), x)


@op("select", fits=lambda s: len(s) >= 1 and max(s) >= 1)
def _(g, x):
    d = g.pick([d for d, n in enumerate(g.shape(x)) if n >= 1])
    i = g.draws.integer(-g.shape(x)[d], g.shape(x)[d] - 1)
    return g.op(lambda fw, a: fw.m.select(a, d, i), x)


@op("unbind", fits=lambda s: len(s) >= 1 and max(s) >= 1)
def _(g, x):
    d = g.pick([d for d, n in enumerate(g.shape(x)) if n >= 1])
    return g.op(lambda fw, a: fw.m.stack(fw.m.unbind(a, d)[::-1], d), x)


@op("unflatten", fits=lambda s: any(n in (2, 4, 6) for n in s))
def _(g, x):
    d = g.pick([d for d, n in enumerate(g.shape(x)) if n in (2, 4, 6)])
    sizes = (2, g.shape(x)[d] // 2)
    return g.op(lambda fw, a: fw.m.unflatten(a, d, sizes), x)


@op("index_select", fits=lambda s: len(s) >= 1 and min(s) >= 1)
def _(g, x):
    d = _dim(g, x)
    index = g.rng.integers(0, g.shape(x)[d], g.draws.integer(1, 3))
    return g.op(lambda fw, a: fw.m.index_select(a, d, fw.ints(index)), x)


@op("take", fits=lambda s: numel(s) >= 1)
def _(g, x):
    index = g.rng.integers(0, numel(g.shape(x)), (2, 2))
    return g.op(lambda fw, a: fw.m.take(a, fw.ints(index)), x)


@op("take_along_dim", fits=lambda s: len(s) >= 1 and min(s) >= 1)
def _(g, x):
    d = _dim(g, x)
    shape = list(g.shape(x))
    shape[d] = g.draws.integer(1, 3)
    index = g.rng.integers(0, g.shape(x)[d], shape)
    return g.op(lambda fw, a: fw.m.take_along_dim(a, fw.ints(index), d), x)


@op("masked_fill")
def _(g, x):
    mask = g.rng.random(g.shape(x)) < 0.5
    if g.draws.coin():
        v = g.leaf(())
        return g.op(lambda fw, a, b: fw.m.masked_fill(a, fw.mask(mask), b), x, v)
    return g.op(lambda fw, a: fw.m.masked_fill(a, fw.mask(mask), 0.25), x)


@op("masked_select", fits=lambda s: numel(s) >= 1)
def _(g, x):
    mask = np.array(g.rng.random(g.shape(x)) < 0.6)
    mask.reshape(-1)[0] = True  # never empty
    return g.op(lambda fw, a: fw.m.masked_select(a, fw.mask(mask)), x)


for _name in ["scatter", "scatter_add"]:

    @op(_name, fits=lambda s: len(s) >= 1 and min(s) >= 1)
    def _(g, x, n=_name):
        d = _dim(g, x)
        size = g.shape(x)[d]
        shape = list(g.shape(x))
        shape[d] = g.draws.integer(1, size) if n == "scatter" else g.draws.integer(1, 3)
        if n == "scatter":  # distinct positions along d (which write wins is unspecified)
            index = np.argsort(g.rng.random(g.shape(x)), axis=d).take(range(shape[d]), axis=d)
        else:
            index = g.rng.integers(0, size, shape)
        src = g.leaf(tuple(shape))
        return g.op(lambda fw, a, b: getattr(fw.m, n)(a, d, fw.ints(index), b), x, src, name=n)
