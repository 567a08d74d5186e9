"""The op pool of tests/test_fuzz_graphs.py: every differentiable op of the PyTorch face, each as
`build(g, x) -> node` on a Graph (graph.py). A build draws the op's settings, guards its operand
(no value at a kink, no tie in a max) and adds the call, written once for `fw.m` = torch or
deepling (`fw.F` their functional). This file: elementwise ops and reductions.
"""

from __future__ import annotations

import numpy as np

from tests.fuzz.graph import numel
from tests.fuzz.pool import _dim, _nd, op

# --- elementwise, smooth: torch.<name>(x) ---
for _name in ["exp", "expm1", "sin", "cos", "tanh", "sigmoid", "erf", "neg", "square"]:
    op(_name)(lambda g, x, n=_name: g.op(lambda fw, a: getattr(fw.m, n)(a), x, name=n))
for _name in ["silu", "softplus", "gelu"]:
    op(_name)(lambda g, x, n=_name: g.op(lambda fw, a: getattr(fw.F, n)(a), x, name=n))


@op("clone")
def _(g, x):
    return g.op(lambda fw, a: a.clone(), x)


@op("softplus_beta")
def _(g, x):
    beta = g.pick([0.5, 2.0])
    return g.op(lambda fw, a: fw.F.softplus(a, beta=beta), x)


@op("gelu_tanh")
def _(g, x):
    return g.op(lambda fw, a: fw.F.gelu(a, approximate="tanh"), x)


@op("cast")
def _(g, x):  # a round trip through the other float dtype, as .to(...) does
    def call(fw, a):
        other = fw.m.float32 if fw.dtype == fw.m.float64 else fw.m.float64
        return a.to(other).to(fw.dtype)

    return g.op(call, x)


# --- elementwise on a domain: the operand shifted by a constant into it ---
@op("log")
def _(g, x):
    return g.op(lambda fw, a: fw.m.log(a), g.positive(x))


@op("log1p")
def _(g, x):
    return g.op(lambda fw, a: fw.m.log1p(a), g.positive(x, -0.7))


@op("sqrt")
def _(g, x):
    return g.op(lambda fw, a: fw.m.sqrt(a), g.positive(x))


@op("pow_scalar")
def _(g, x):
    p = g.pick([2, 3, 0.5, -1.0, 1.5])
    base = x if p in (2, 3) else g.positive(x, 0.4)
    return g.op(lambda fw, a: a**p, base)


@op("rpow")
def _(g, x):
    return g.op(lambda fw, a: 1.7**a, x)


# --- elementwise with kinks: no value within MARGIN of one ---
for _name in ["abs", "relu", "leaky_relu", "elu"]:

    @op(_name)
    def _(g, x, n=_name):
        x = g.away(x)
        if n == "leaky_relu":
            slope = g.pick([0.01, 0.2])
            return g.op(lambda fw, a: fw.F.leaky_relu(a, slope), x, name=n)
        if n == "elu":
            alpha = g.pick([1.0, 0.5])
            return g.op(lambda fw, a: fw.F.elu(a, alpha), x, name=n)
        where = g.pick(["m", "F"]) if n == "relu" else "m"  # F has no abs
        return g.op(lambda fw, a: getattr(getattr(fw, where), n)(a), x, name=n)


@op("clamp")
def _(g, x):
    v = g.val(x)
    lo, hi = g.gap(v, -1.0, 0.0), g.gap(v, 0.0, 1.0, above=True)
    lo, hi = g.pick([(lo, hi), (lo, None), (None, hi)])
    name = g.pick(["clamp", "clip"])
    return g.op(lambda fw, a: getattr(fw.m, name)(a, lo, hi), x)


# --- binary, broadcasting ---
@op("add")
def _(g, x):
    y = g.partner(x)
    form = g.pick(["op", "fn", "scalar"])
    if form == "scalar":
        return g.op(lambda fw, a: 0.75 + a, x)
    return g.op(lambda fw, a, b: a + b if form == "op" else fw.m.add(a, b), x, y)


@op("sub")
def _(g, x):
    y = g.partner(x)
    form = g.pick(["op", "fn", "scalar"])
    if form == "scalar":
        return g.op(lambda fw, a: 1.25 - a, x)
    return g.op(lambda fw, a, b: a - b if form == "op" else fw.m.sub(a, b), x, y)


@op("mul")
def _(g, x):
    y = g.partner(x)
    form = g.pick(["op", "fn", "scalar"])
    if form == "scalar":
        return g.op(lambda fw, a: a * -1.5, x)
    return g.op(lambda fw, a, b: a * b if form == "op" else fw.m.mul(a, b), x, y)


@op("div")
def _(g, x):
    y = g.partner(x)
    y = g.away(y, margin=0.4)  # the divisor away from zero
    form = g.pick(["op", "fn", "rscalar"])
    if form == "rscalar":
        return g.op(lambda fw, b: 2.0 / b, y)
    return g.op(lambda fw, a, b: a / b if form == "op" else fw.m.div(a, b), x, y)


@op("pow")
def _(g, x):
    y = g.partner(x)
    base = g.positive(x, 0.4)
    return g.op(lambda fw, a, b: fw.m.pow(a, b), base, y)


for _name in ["maximum", "minimum"]:

    @op(_name)
    def _(g, x, n=_name):
        y = g.partner(x)
        a, b = g.val(x), g.val(y)
        c = 0.0
        for c in (0.0, *g.rng.uniform(-1, 1, 8), np.max(a) - np.min(b) + 0.5):
            if np.min(np.abs(a - b - c), initial=np.inf) > 0.05:
                break
        y = g.shifted(y, c)
        return g.op(lambda fw, a, b: getattr(fw.m, n)(a, b), x, y, name=n)


@op("where")
def _(g, x):
    y = g.partner(x)
    if g.draws.coin():  # a comparison of x with a threshold no value is near
        t = g.gap(g.val(x), -1.0, 1.0)
        return g.op(lambda fw, a, b: fw.m.where(a > t, a, b), x, y)
    shape = np.broadcast_shapes(g.shape(x), g.shape(y))
    cond = g.rng.random(shape) < 0.5
    return g.op(lambda fw, a, b: fw.m.where(fw.mask(cond), a, b), x, y)


# --- reductions ---
def _reduce_args(g, x):
    dim = None if g.draws.coin() or not g.shape(x) else _dim(g, x)
    return dim, g.draws.coin()


def _reduce(fw, name, a, dim, keep, **kw):
    f = getattr(fw.m, name)
    return f(a, **kw) if dim is None else f(a, dim, keepdim=keep, **kw)


for _name in ["sum", "mean", "logsumexp", "amax", "amin", "prod"]:

    @op(_name)
    def _(g, x, n=_name):
        dim, keep = _reduce_args(g, x)
        if n == "logsumexp" and dim is None:
            dim = tuple(range(len(g.shape(x))))  # torch.logsumexp needs a dim
        if n in ("amax", "amin"):
            x = g.untied(x, dim)
        if n == "prod":
            x = g.away(x, margin=0.2)
        return g.op(lambda fw, a: _reduce(fw, n, a, dim, keep), x, name=n)


@op("sum_dims", fits=_nd(2))
def _(g, x):
    dims = (0, -1)
    return g.op(lambda fw, a: fw.m.sum(a, dim=dims), x)


for _name in ["max", "min"]:

    @op(_name)
    def _(g, x, n=_name):
        dim, keep = _reduce_args(g, x)
        x = g.untied(x, dim)
        if dim is None:
            return g.op(lambda fw, a: getattr(fw.m, n)(a), x, name=n)
        return g.op(lambda fw, a: getattr(fw.m, n)(a, dim, keepdim=keep)[0], x, name=n)


for _name in ["var", "std"]:

    @op(_name, fits=lambda s: numel(s) >= 2)
    def _(g, x, n=_name):
        sizes = g.shape(x)
        dims = [d for d in range(len(sizes)) if sizes[d] >= 2]
        dim = None if not dims or g.draws.coin() else g.pick(dims)
        keep, correction = g.draws.coin(), g.pick([0, 1])
        if n == "std":
            x = g.spread(x, dim)
        return g.op(lambda fw, a: _reduce(fw, n, a, dim, keep, correction=correction), x, name=n)


# --- activations along a dim ---
for _name in ["softmax", "log_softmax"]:

    @op(_name, fits=_nd(1))
    def _(g, x, n=_name):
        dim, where = _dim(g, x), g.pick(["m", "F"])
        return g.op(lambda fw, a: getattr(getattr(fw, where), n)(a, dim), x, name=n)
