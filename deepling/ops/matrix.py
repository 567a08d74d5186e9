"""Products and parts of matrices: einsum, tensordot, outer, diag, diagonal, trace, tril, triu.

einsum is one Function whose gradient for each operand is another einsum (of the upstream
gradient with the other operands), so it differentiates to any order; tensordot and outer are
einsums or products, and the diagonal and triangle ops are indexing and `where`.
"""

from __future__ import annotations

import string

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor
from ._checks import tensor_input
from .arith import where
from .index import index_add
from .shape import _dim, permute

__all__ = ["diag", "diagonal", "einsum", "outer", "tensordot", "trace", "tril", "triu"]


class Einsum(Function):
    """y = einsum(specs -> out, *xs);  dx_i = einsum(out, other specs -> spec_i) of gy and the
    other operands, broadcast over letters only x_i has and put on the diagonal for letters
    x_i repeats."""

    def __init__(self, specs, out, sizes):
        self.specs, self.out, self.sizes = specs, out, sizes

    def forward(self, *xs):
        equation = ",".join(self.specs) + "->" + self.out
        self.save_for_backward(*xs)
        return self.xp.einsum(equation, *xs, optimize=len(xs) > 2)

    def backward(self, gy):
        xs = self.saved
        return tuple(
            self._grad(gy, xs, i) if need else None for i, need in enumerate(self.needs_input_grad)
        )

    def _grad(self, gy, xs, i):
        xp, spec = self.xp, self.specs[i]
        letters = list(dict.fromkeys(spec))  # each letter once, in order
        others = [s for j, s in enumerate(self.specs) if j != i]
        seen = set(self.out).union(*others)
        core = "".join(c for c in letters if c in seen)
        operands = [gy] + [x for j, x in enumerate(xs) if j != i]
        g = xp.einsum(",".join([self.out, *others]) + "->" + core, *operands)
        if len(core) < len(letters):  # letters only x_i has: the gradient is the same along them
            g = g.reshape(tuple(self.sizes[c] if c in seen else 1 for c in letters))
            g = xp.broadcast_to(g, tuple(self.sizes[c] for c in letters))
        if len(letters) == len(spec):
            return g
        free = iter(c for c in string.ascii_letters if c not in self.sizes)
        full, eyes, eye_specs = [], [], []
        for c in spec:  # a repeated letter becomes a fresh one, tied to it by an identity
            if c in full:
                fresh = next(free)
                eyes.append(np.eye(self.sizes[c], dtype=gy.dtype))
                eye_specs.append(c + fresh)
                c = fresh
            full.append(c)
        equation = ",".join(["".join(letters), *eye_specs]) + "->" + "".join(full)
        return xp.einsum(equation, g, *eyes)


def _parse(equation, shapes):
    """Specs without ellipses and the output spec: '...' becomes letters of its own."""
    equation = equation.replace(" ", "")
    lhs, arrow, out = equation.partition("->")
    specs = lhs.split(",")
    if len(specs) != len(shapes):
        raise ValueError(
            "einsum(): more operands were provided than specified in the equation"
            if len(specs) < len(shapes)
            else "einsum(): fewer operands were provided than specified in the equation"
        )
    used = set(equation) - set(".,->")
    spare = [c for c in string.ascii_letters if c not in used]
    n_ell = max((len(s) - len(sp.replace("...", "")) for sp, s in zip(specs, shapes)), default=0)
    n_ell = max(n_ell, 0)
    ell = "".join(spare[:n_ell])
    full = []
    for sp, shape in zip(specs, shapes):
        if "..." in sp:
            k = len(shape) - len(sp.replace("...", ""))
            sp = sp.replace("...", ell[n_ell - k :] if k else "")
        if len(sp) != len(shape):
            raise ValueError(
                f"einsum(): the number of subscripts in the equation ({len(sp)}) does not match "
                f"the number of dimensions ({len(shape)}) for operand {len(full)}"
            )
        full.append(sp)
    if arrow:
        out = out.replace("...", ell)
    else:  # implicit: the ellipsis, then the letters used once, in alphabetical order
        counts = {c: "".join(full).count(c) for c in set("".join(full)) - set(ell)}
        out = ell + "".join(sorted(c for c, n in counts.items() if n == 1))
    return full, out


def einsum(equation: str, *operands) -> Tensor:
    """Sums of products named by subscripts, as numpy.einsum and torch.einsum:
    `einsum("bij,bjk->bik", a, b)` is a batched matmul, `einsum("ii->", a)` a trace. Ellipses
    broadcast; a size-1 dim of an ellipsis stretches against the others.

    Example:
        >>> import deepling as dl
        >>> dl.einsum("i,i->", dl.tensor([1.0, 2.0]), dl.tensor([3.0, 4.0])).item()
        11.0
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    xs = [x if isinstance(x, Tensor) else Tensor._wrap(np.asarray(x)) for x in operands]
    for x in xs[1:]:
        if x._data.dtype != xs[0]._data.dtype:
            raise RuntimeError(
                f"einsum(): operands must have one dtype, got {xs[0].dtype} and {x.dtype}"
            )
    specs, out = _parse(equation, [x.shape for x in xs])
    sizes = {}
    for sp, x in zip(specs, xs):
        for c, n in zip(sp, x.shape):
            if sizes.get(c, 1) == 1:
                sizes[c] = n
    for k, (sp, x) in enumerate(zip(specs, xs)):  # size-1 dims stretch: drop them here
        for c, n in zip(sp, x.shape):
            if n != sizes[c] and n != 1:
                raise ValueError(
                    f"einsum(): operands do not broadcast with remapped shapes: subscript {c} "
                    f"has size {n} for operand {k}, which does not match {sizes[c]}"
                )
        if any(n == 1 and sizes[c] != 1 for c, n in zip(sp, x.shape)):
            keep = [
                j for j, (c, n) in enumerate(zip(sp, x.shape)) if not (n == 1 and sizes[c] != 1)
            ]
            xs[k] = x.reshape(tuple(x.shape[j] for j in keep))
            specs[k] = "".join(sp[j] for j in keep)
    if any(c not in sizes for c in out):
        raise ValueError(f"einsum(): output subscript {out} names a letter no operand has")
    return Einsum(specs, out, sizes)(*xs)


def tensordot(a, b, dims=2) -> Tensor:
    """Sums of products over dims of `a` and `b` paired by `dims`: an int n (the last n of a
    with the first n of b) or two lists of dims (TensorFlow's `axes` too)."""
    tensor_input(a, "tensordot")
    tensor_input(b, "tensordot", "b")
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        dims_a, dims_b = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        dims_a, dims_b = ([d] if isinstance(d, int) else list(d) for d in dims)
    dims_a = [_dim(d, a.ndim) for d in dims_a]
    dims_b = [_dim(d, b.ndim) for d in dims_b]
    if len(dims_a) != len(dims_b):
        raise RuntimeError("both dimension lists should have same length")
    letters = iter(string.ascii_letters)
    spec_a = [next(letters) for _ in range(a.ndim)]
    spec_b = [next(letters) for _ in range(b.ndim)]
    for da, db in zip(dims_a, dims_b):
        if a.shape[da] != b.shape[db]:
            raise RuntimeError(
                f"contracted dimensions need to match, but first has size {a.shape[da]} in dim "
                f"{da} and second has size {b.shape[db]} in dim {db}"
            )
        spec_b[db] = spec_a[da]
    out = [c for i, c in enumerate(spec_a) if i not in dims_a]
    out += [c for i, c in enumerate(spec_b) if i not in dims_b]
    return einsum(f"{''.join(spec_a)},{''.join(spec_b)}->{''.join(out)}", a, b)


def outer(input, vec2) -> Tensor:
    """The outer product of two vectors: out[i, j] = input[i] * vec2[j]."""
    tensor_input(input, "outer")
    tensor_input(vec2, "outer", "vec2")
    for name, v in (("self", input), ("vec2", vec2)):
        if v.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {v.ndim}-D")
    return input.reshape(-1, 1) * vec2.reshape(1, -1)


def _diagonal_key(n1, n2, offset):
    """Row and column indices of the diagonal `offset` of an n1 x n2 matrix."""
    length = max(0, min(n1 - max(-offset, 0), n2 - max(offset, 0)))
    steps = np.arange(length)
    return steps + max(-offset, 0), steps + max(offset, 0)


def diagonal(input, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal `offset` of the matrices in dims dim1, dim2, as the result's last dim."""
    tensor_input(input, "diagonal")
    if input.ndim < 2:
        raise RuntimeError(f"diagonal dimensions requires ndim larger than 1, got {input.ndim}")
    d1, d2 = _dim(dim1, input.ndim), _dim(dim2, input.ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    rest = [d for d in range(input.ndim) if d not in (d1, d2)]
    x = permute(input, (*rest, d1, d2))
    rows, cols = _diagonal_key(input.shape[d1], input.shape[d2], offset)
    return x[(Ellipsis, rows, cols)]


_diagonal_of = diagonal  # diag's argument `diagonal` hides the function inside it


def diag(input, diagonal: int = 0) -> Tensor:
    """A vector's square matrix with it on the diagonal `diagonal`, or a matrix's diagonal."""
    tensor_input(input, "diag")
    if input.ndim == 2:
        return _diagonal_of(input, diagonal)
    if input.ndim != 1:
        raise RuntimeError("diag(): Supports 1D or 2D tensors. Got " + f"{input.ndim}D")
    n = input.shape[0] + abs(diagonal)
    return index_add(input, _diagonal_key(n, n, diagonal), (n, n))


def trace(input) -> Tensor:
    """The sum of a matrix's diagonal (integers sum to int64)."""
    tensor_input(input, "trace")
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    d = diagonal(input)
    return d.sum() if d.dtype.kind == "f" else d.to(np.int64).sum()


def _triangle(name, input, diagonal, lower):
    tensor_input(input, name)
    if input.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
    n, m = input.shape[-2:]
    mask = np.tri(n, m, diagonal, dtype=bool)
    if not lower:
        mask = ~np.tri(n, m, diagonal - 1, dtype=bool)
    return where(Tensor._wrap(mask), input, Tensor._wrap(np.zeros((), input.dtype)))


def tril(input, diagonal: int = 0) -> Tensor:
    """The lower triangle (on and below the diagonal `diagonal`); zeros above it."""
    return _triangle("tril", input, diagonal, True)


def triu(input, diagonal: int = 0) -> Tensor:
    """The upper triangle (on and above the diagonal `diagonal`); zeros below it."""
    return _triangle("triu", input, diagonal, False)
