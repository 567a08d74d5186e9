"""Fuzz pool: convolutions, pooling, resampling, unfold/fold and channel dropout (see
tests/fuzz/math_ops.py). Inputs are the graph's small nodes seen as (N, C, L) or (N, C, H, W);
weights are new leaves; max pooling gets distinct values, so both frameworks pick the same
maximum."""

from __future__ import annotations

import warnings

import numpy as np

from tests.fuzz.graph import MARGIN, MAX_NUMEL, numel
from tests.fuzz.pool import op


def _spatial(rank, least=1):
    """fits: a (C, *spatial) or (N, C, *spatial) node whose spatial dims are >= least."""
    return lambda s: len(s) in (rank + 1, rank + 2) and min(s[-rank:], default=0) >= least


def _distinct(g, x):
    """x plus constant noise until no two values are within MARGIN (no ties in any window)."""
    for _ in range(6):
        v = np.sort(g.val(x).ravel())
        if v.size < 2 or np.min(np.diff(v)) > MARGIN:
            return x
        x = g.shifted(x, g.rng.uniform(-0.5, 0.5, g.shape(x)))
    ramp = np.arange(numel(g.shape(x))).reshape(g.shape(x)) * 0.2
    return g.shifted(x, ramp - g.val(x))  # the values become a strictly increasing ramp


def _kernel(g, sizes):
    return tuple(g.draws.integer(1, min(2, n)) for n in sizes)


for _rank in (1, 2):

    @op(f"conv{_rank}d", fits=_spatial(_rank))
    def _(g, x, rank=_rank):
        s = g.shape(x)
        c = s[-rank - 1]
        groups = g.pick([1, c]) if c > 1 else 1
        out = groups * g.draws.integer(1, 2)
        kernel = _kernel(g, s[-rank:])
        w = g.leaf((out, c // groups, *kernel))
        padding = g.pick([0, 1, "same"])
        stride = 1 if padding == "same" else g.pick([1, 2])
        bias = g.leaf((out,)) if g.draws.coin() else None
        name = f"conv{rank}d"

        def call(fw, a, w, *b):
            return getattr(fw.F, name)(a, w, b[0] if b else None, stride, padding, 1, groups)

        return g.op(call, x, w, *([] if bias is None else [bias]))

    @op(f"conv_transpose{_rank}d", fits=_spatial(_rank))
    def _(g, x, rank=_rank):
        s = g.shape(x)
        c = s[-rank - 1]
        kernel = _kernel(g, (2,) * rank)
        w = g.leaf((c, g.draws.integer(1, 2), *kernel))
        stride = g.pick([1, 2])
        extra = g.pick([0, 1]) if stride == 2 else 0
        name = f"conv_transpose{rank}d"
        return g.op(lambda fw, a, w: getattr(fw.F, name)(a, w, None, stride, 0, extra), x, w)

    @op(f"max_pool{_rank}d", fits=_spatial(_rank))
    def _(g, x, rank=_rank):
        x = _distinct(g, x)
        kernel = _kernel(g, g.shape(x)[-rank:])
        stride = g.pick([1, 2])
        ceil = g.draws.coin()
        name = f"max_pool{rank}d"
        return g.op(lambda fw, a: getattr(fw.F, name)(a, kernel, stride, ceil_mode=ceil), x)

    @op(f"max_pool{_rank}d_with_indices", fits=_spatial(_rank))
    def _(g, x, rank=_rank):
        x = _distinct(g, x)
        kernel = _kernel(g, g.shape(x)[-rank:])
        name = f"max_pool{rank}d"
        return g.op(lambda fw, a: getattr(fw.F, name)(a, kernel, 1, return_indices=True)[0], x)

    @op(f"avg_pool{_rank}d", fits=_spatial(_rank))
    def _(g, x, rank=_rank):
        kernel = _kernel(g, g.shape(x)[-rank:])
        pad = g.pick([0, 1]) if min(kernel) == 2 else 0
        include = g.draws.coin()
        name = f"avg_pool{rank}d"
        return g.op(lambda fw, a: getattr(fw.F, name)(a, kernel, 1, pad, False, include), x)

    @op(f"adaptive_avg_pool{_rank}d", fits=_spatial(_rank))
    def _(g, x, rank=_rank):
        out = tuple(g.draws.integer(1, n) for n in g.shape(x)[-rank:])
        name = f"adaptive_avg_pool{rank}d"
        return g.op(lambda fw, a: getattr(fw.F, name)(a, out), x)

    @op(f"adaptive_max_pool{_rank}d", fits=_spatial(_rank))
    def _(g, x, rank=_rank):
        x = _distinct(g, x)
        out = tuple(g.draws.integer(1, n) for n in g.shape(x)[-rank:])
        name = f"adaptive_max_pool{rank}d"
        return g.op(lambda fw, a: getattr(fw.F, name)(a, out), x)

    @op(f"dropout{_rank}d", fits=_spatial(_rank))
    def _(g, x, rank=_rank):  # deterministic settings only: p=0 in training, or eval
        p, training = g.pick([(0.0, True), (0.5, False)])
        name = f"dropout{rank}d"

        def call(fw, a):
            with warnings.catch_warnings():  # dropout2d's warning about 3-D input, in both
                warnings.simplefilter("ignore")
                return getattr(fw.F, name)(a, p, training)

        return g.op(call, x)


@op("interpolate", fits=lambda s: len(s) in (3, 4) and min(s[2:]) >= 1)
def _(g, x):
    s = g.shape(x)
    modes = ["nearest", "linear"] if len(s) == 3 else ["nearest", "bilinear", "bicubic", "area"]
    mode = g.pick(modes)
    grow = max(1, MAX_NUMEL // numel(s))
    size = tuple(g.draws.integer(1, n + min(grow, 2)) for n in s[2:])
    align = g.draws.coin() if mode in ("linear", "bilinear", "bicubic") else None
    return g.op(lambda fw, a: fw.F.interpolate(a, size, mode=mode, align_corners=align), x)


def _image(s) -> bool:
    """fits: a (C, H, W) or (N, C, H, W) node small enough to be doubled in size."""
    return len(s) in (3, 4) and numel(s) * 4 <= MAX_NUMEL


for _name in ("upsample", "upsample_nearest", "upsample_bilinear"):

    @op(_name, fits=_image)
    def _(g, x, name=_name):  # a (C, H, W) node gets a batch dim first
        def call(fw, a):
            batch = a if a.ndim == 4 else a.unsqueeze(0)
            with warnings.catch_warnings():  # deprecated names, warned about in both
                warnings.simplefilter("ignore")
                return getattr(fw.F, name)(batch, scale_factor=2)

        return g.op(call, x)


@op("unfold", fits=_spatial(2))
def _(g, x):
    kernel = _kernel(g, g.shape(x)[-2:])
    return g.op(lambda fw, a: fw.F.unfold(a, kernel), x)


@op("fold", fits=lambda s: len(s) in (2, 3) and s[-1] >= 1)
def _(g, x):  # columns (N, C * k, L) back into a (N, C, 1, L + k - 1) image
    s = g.shape(x)
    k = 2 if s[-2] % 2 == 0 and g.draws.coin() else 1
    out = (1, s[-1] + k - 1)
    return g.op(lambda fw, a: fw.F.fold(a, out, (1, k)), x)
