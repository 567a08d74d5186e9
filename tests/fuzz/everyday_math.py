"""Fuzz pool: the everyday elementwise ops, scans, norms, orderings and matrix functions of the
PyTorch face (see tests/fuzz/math_ops.py for the pattern)."""

from __future__ import annotations

import numpy as np

from tests.fuzz.graph import numel
from tests.fuzz.pool import _dim, _nd, op

# --- elementwise, smooth everywhere (after a guard) ---
for _name in ["atan", "sinh", "cosh", "nan_to_num"]:
    op(_name)(lambda g, x, n=_name: g.op(lambda fw, a: getattr(fw.m, n)(a), x, name=n))
for _name in ["log2", "log10", "rsqrt", "reciprocal"]:
    op(_name)(lambda g, x, n=_name: g.op(lambda fw, a: getattr(fw.m, n)(a), g.positive(x), name=n))


@op("tan")
def _(g, x):
    return g.op(lambda fw, a: fw.m.tan(a), g.bounded(x, 1.2))


for _name in ["asin", "acos"]:
    op(_name)(lambda g, x, n=_name: g.op(lambda fw, a: getattr(fw.m, n)(a), g.unit(x, -0.9, 0.9),
                                         name=n))  # fmt: skip


@op("atan2")
def _(g, x):
    y = g.positive(g.partner(x), 0.3)  # the point stays off the origin and the cut
    return g.op(lambda fw, a, b: fw.m.atan2(a, b), x, y)


# --- with jumps: derivative 1 between them (the steps themselves, floor, round, ..., have
# derivative 0 everywhere, which leaves PyTorch no second derivative: tests/ops/ has them) ---
@op("frac")
def _(g, x):
    return g.op(lambda fw, a: fw.m.frac(a), x)


for _name in ["fmod", "remainder"]:

    @op(_name)
    def _(g, x, n=_name):
        y = g.away(g.partner(x), margin=0.4)
        return g.op(lambda fw, a, b: getattr(fw.m, n)(a, b), x, y, name=n)


@op("lerp")
def _(g, x):
    end = g.partner(x, same_shape=True)
    if g.draws.coin():
        return g.op(lambda fw, a, b: fw.m.lerp(a, b, 0.3), x, end)
    w = g.partner(x)
    if np.broadcast_shapes(g.shape(w), g.shape(x)) != g.shape(x):
        w = g.leaf(())
    return g.op(lambda fw, a, b, c: fw.m.lerp(a, b, c), x, end, w)


# --- scans ---
for _name in ["cumsum", "cumprod"]:

    @op(_name)
    def _(g, x, n=_name):
        dim = _dim(g, x) if g.shape(x) else 0
        return g.op(lambda fw, a: getattr(fw.m, n)(a, dim), x, name=n)


# --- norms ---
@op("norm")
def _(g, x):
    p = g.pick([2, 1, 3])
    dim = None if not g.shape(x) or g.draws.coin() else _dim(g, x)
    x = g.away(x) if p == 1 else g.spread(x, dim)  # off |x|'s kink, off a zero norm
    return g.op(lambda fw, a: fw.m.norm(a, p=p, dim=dim), x)


@op("dist")
def _(g, x):
    y = g.partner(x)
    return g.op(lambda fw, a, b: fw.m.dist(fw.m.add(a, fw.const(2.5)), b), x, y)


# --- orderings: values picked by sorting (no ties, so both sort the same) ---
@op("sort", fits=_nd(1))
def _(g, x):
    dim, descending = _dim(g, x), g.draws.coin()
    x = g.untied(g.shifted(x, g.rng.uniform(-0.5, 0.5, g.shape(x))), None)
    if g.draws.coin():
        return g.op(lambda fw, a: fw.m.msort(a), x, name="msort")
    return g.op(lambda fw, a: fw.m.sort(a, dim, descending).values, x)


@op("topk", fits=_nd(1))
def _(g, x):
    dim = _dim(g, x)
    k = g.draws.integer(1, g.shape(x)[dim]) if g.shape(x)[dim] else 0
    x = g.untied(g.shifted(x, g.rng.uniform(-0.5, 0.5, g.shape(x))), None)
    return g.op(lambda fw, a: fw.m.topk(a, k, dim, largest=bool(k % 2)).values, x)


@op("median", fits=lambda s: len(s) >= 1 and numel(s) > 0)
def _(g, x):
    dim = _dim(g, x) if g.draws.coin() else None
    x = g.untied(g.shifted(x, g.rng.uniform(-0.5, 0.5, g.shape(x))), None)
    if dim is None:
        return g.op(lambda fw, a: fw.m.median(a), x)
    return g.op(lambda fw, a: fw.m.median(a, dim).values, x)


# --- matrices ---
def _square(g, x):
    """A well-conditioned square matrix made of x's first values (2x2, or 1x1)."""
    n = 2 if numel(g.shape(x)) >= 4 else 1
    m = g.op(lambda fw, a: a.reshape(-1)[: n * n].reshape(n, n), g.bounded(x, 0.5), name="square")
    return g.shifted(m, 2.0 * np.eye(n))


for _name in ["det", "inverse"]:

    @op(_name, fits=lambda s: numel(s) >= 1)
    def _(g, x, n=_name):
        return g.op(lambda fw, a: getattr(fw.m, n)(a), _square(g, x), name=n)


@op("diag", fits=lambda s: len(s) == 1 or (len(s) == 2 and min(s) >= 2))
def _(g, x):
    k = g.draws.integer(-1, 1)  # a matrix's diagonal +-1 is not empty: both dims are >= 2
    return g.op(lambda fw, a: fw.m.diag(a, k), x)


@op("diagonal", fits=_nd(2))
def _(g, x):
    d1, d2 = g.rng.permutation(len(g.shape(x)))[:2]
    k = g.draws.integer(-1, 1) if min(g.shape(x)[d1], g.shape(x)[d2]) >= 2 else 0
    return g.op(lambda fw, a: fw.m.diagonal(a, k, int(d1), int(d2)), x)


@op("trace", fits=_nd(2, 2))
def _(g, x):
    return g.op(lambda fw, a: fw.m.trace(a), x)


for _name in ["tril", "triu"]:

    @op(_name, fits=_nd(2))
    def _(g, x, n=_name):
        k = g.draws.integer(-1, 1)
        return g.op(lambda fw, a: getattr(fw.m, n)(a, k), x, name=n)


@op("outer", fits=_nd(1, 1))
def _(g, x):
    y = g.leaf((g.draws.integer(1, 4),))
    return g.op(lambda fw, a, b: fw.m.outer(a, b), x, y)


@op("einsum", fits=_nd(1, 3))
def _(g, x):
    letters = "abc"[: len(g.shape(x))]
    keep = "".join(c for c in letters if g.draws.coin())
    y = g.partner(x, same_shape=True)
    equation = f"{letters},{letters}->{keep}"
    return g.op(lambda fw, a, b: fw.m.einsum(equation, a, b), x, y)


@op("tensordot", fits=_nd(1, 2))
def _(g, x):
    y = g.partner(x, same_shape=True)
    d = _dim(g, x)
    return g.op(lambda fw, a, b: fw.m.tensordot(a, b, dims=([d], [d])), x, y)
