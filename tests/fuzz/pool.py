"""The registry of the fuzz pool: `POOL[name] = (fits(shape), build(g, x))`; the kind files
(math_ops, shape_ops, nn_ops) fill it when imported (`tests/fuzz/__init__.py` imports them)."""

POOL = {}  # name -> (fits(shape) -> bool, build(g, x) -> node id)
LOSSES = set()  # the names of POOL's losses (a graph may end in one)


def op(name, fits=lambda s: True, loss=False):
    def register(build):
        POOL[name] = (fits, build)
        if loss:
            LOSSES.add(name)
        return build

    return register


def _nd(lo, hi=9):
    return lambda s: lo <= len(s) <= hi


def _dim(g, x):
    return g.draws.integer(-len(g.shape(x)), len(g.shape(x)) - 1)
