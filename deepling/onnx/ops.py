"""The table from deepling's Functions to ONNX nodes: one row per Function class.

A row is `row(g, node, *inputs) -> name`: `g` is the Graph being built (`deepling/onnx/graph.py`),
`node` the traced call (`node.fn` holds the Function's attributes, `node.inputs` and
`node.output` its Values, with arrays for dtypes and shapes), `inputs` the ONNX names of its
inputs (None where the call passed None). It adds nodes with `g.op(...)` and returns the name of
the node's output. A Function with no row raises NotImplementedError naming it.
"""

from __future__ import annotations

import math

import numpy as np

from ..autograd.function import ArrayOp
from ..ops import activation, arith, index, linalg, moments, nn_ops, norm, reduce, shape, unary
from .indexing import getitem
from .ops_conv import CONV_ROWS
from .ops_everyday import EVERYDAY_ROWS
from .ops_sequences import SEQUENCE_ROWS


def _cast_inputs(g, node, names):
    """Inputs brought to the output's dtype (NumPy promotes inside a Function, ONNX does not)."""
    dtype = node.output.dtype
    out = []
    for name, v in zip(names, node.inputs):
        vdtype = v.dtype if v.dtype is not None else dtype
        out.append(g.cast(name, vdtype, dtype) if vdtype.kind != "b" else name)
    return out


def _elementwise(op_type):
    def row(g, node, *names):
        return g.op(op_type, *_cast_inputs(g, node, names))

    return row


def _unary(op_type):
    return lambda g, node, x: g.op(op_type, x)


def _linear(g, node, x, w, b):
    """y = x W^T + b (PyTorch's (out, in) weight) or x K + b (Keras's (in, out) kernel): Gemm
    for a 2-D input, as PyTorch exports it, else MatMul then Add."""
    kernel = node.fn.kernel
    x_ndim, w_ndim = (v.array.ndim for v in node.inputs[:2])
    if x_ndim == 2 and w_ndim == 2:
        return g.op("Gemm", x, w, b, transB=0 if kernel else 1)
    if w_ndim == 2 and not kernel:
        w = g.op("Transpose", w, perm=[1, 0])
    y = g.op("MatMul", x, w)
    return y if b is None else g.op("Add", y, b)


def _pow(g, node, a, b):
    dtype = node.output.dtype
    a = g.cast(a, node.inputs[0].dtype or dtype, dtype)
    return g.op("Pow", a, b)


def _clamp(g, node, x):
    fn, dtype = node.fn, node.output.dtype
    low = None if fn.low is None else g.scalar(fn.low, dtype)
    high = None if fn.high is None else g.scalar(fn.high, dtype)
    return g.op("Clip", x, low, high)


def _where(g, node, cond, a, b):
    dtype = node.output.dtype
    va, vb = node.inputs[1], node.inputs[2]
    a, b = g.cast(a, va.dtype or dtype, dtype), g.cast(b, vb.dtype or dtype, dtype)
    return g.op("Where", cond, a, b)


def _gelu(g, node, x):
    approximate = node.fn.approximate
    if g.opset >= 20:
        return g.op("Gelu", x, approximate=approximate)
    dtype = node.output.dtype
    if approximate == "tanh":  # x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) / 2
        cube = g.op("Mul", g.op("Pow", x, g.scalar(3.0, dtype)), g.scalar(0.044715, dtype))
        inner = g.op("Mul", g.op("Add", x, cube), g.scalar(math.sqrt(2 / math.pi), dtype))
        cdf = g.op("Tanh", inner)
    else:  # x (1 + erf(x / sqrt 2)) / 2
        cdf = g.op("Erf", g.op("Div", x, g.scalar(math.sqrt(2.0), dtype)))
    half = g.op("Mul", g.op("Add", cdf, g.scalar(1.0, dtype)), g.scalar(0.5, dtype))
    return g.op("Mul", x, half)


def _softplus(g, node, x):
    """log(1 + exp(beta x)) / beta, and x itself where beta x > threshold (PyTorch's)."""
    fn, dtype = node.fn, node.output.dtype
    bx = x if fn.beta == 1 else g.op("Mul", x, g.scalar(fn.beta, dtype))
    y = g.op("Softplus", bx)
    y = y if fn.beta == 1 else g.op("Div", y, g.scalar(fn.beta, dtype))
    return g.op("Where", g.op("Greater", bx, g.scalar(fn.threshold, dtype)), x, y)


def _reshape(g, node, x):
    """Reshape to the traced shape, written so that a dynamic dim survives: a dim equal to the
    input's at the same index is 0 ("copy it"), the dim asked as -1 stays -1."""
    fn, in_shape, out_shape = node.fn, node.inputs[0].shape, node.output.shape
    asked = tuple(fn.shape) if isinstance(fn.shape, (tuple, list)) else (fn.shape,)
    if 0 in out_shape:  # an empty dim: spell the shape out (allowzero keeps the 0)
        return g.op("Reshape", x, g.ints(out_shape), allowzero=1)
    dims = []
    for i, n in enumerate(out_shape):
        if i < len(in_shape) and in_shape[i] == n:
            dims.append(0)
        elif i < len(asked) and asked[i] == -1:
            dims.append(-1)
        else:
            dims.append(n)
    return g.op("Reshape", x, g.ints(dims))


def _broadcast_to(g, node, x):
    """Expand to the traced shape; a dim the input already has is 1 (Expand keeps the input's)."""
    in_shape, out_shape = node.inputs[0].shape, node.output.shape
    lead = len(out_shape) - len(in_shape)
    dims = [1 if i >= lead and in_shape[i - lead] == n else n for i, n in enumerate(out_shape)]
    return g.op("Expand", x, g.ints(dims))


def _pad(g, node, x):
    fn = node.fn
    begins = [lo for lo, _ in fn.widths]
    ends = [hi for _, hi in fn.widths]
    return g.op("Pad", x, g.ints(begins + ends), g.scalar(fn.value, node.output.dtype))


def _reduction(op_type):
    def row(g, node, x):
        return g.reduce(op_type, x, node.fn.axes, node.fn.keepdims)

    return row


def _extreme(g, node, x):
    return g.reduce("ReduceMax" if node.fn.kind == "max" else "ReduceMin", x, node.fn.axes,
                    node.fn.keepdims)  # fmt: skip


def _prod(g, node, x):
    return g.reduce("ReduceProd", x, node.fn.axis, node.fn.keepdims)


def _var(g, node, x):
    """sum((x - mean)^2) / (n - correction) over the axes."""
    fn, dtype = node.fn, node.output.dtype
    d = g.op("Sub", x, g.reduce("ReduceMean", x, fn.axes, True))
    total = g.reduce("ReduceSum", g.op("Mul", d, d), fn.axes, fn.keepdims)
    return g.op("Div", total, g.scalar(max(fn.dof, 0), dtype))


def _normalize(g, node, x):
    """(x - mean) / sqrt(var + eps) over axes: LayerNormalization (scale 1, no bias) when the
    axes are the last ones (layer norm), else spelled out (batch statistics)."""
    fn, dtype, ndim = node.fn, node.output.dtype, node.output.array.ndim
    axes = sorted(a % ndim for a in fn.axes)
    if axes == list(range(ndim - len(axes), ndim)) and axes:
        ones = g.const(np.ones(node.output.shape[axes[0] :], dtype))
        return g.op("LayerNormalization", x, ones, axis=axes[0], epsilon=float(fn.eps))
    d = g.op("Sub", x, g.reduce("ReduceMean", x, axes, True))
    var = g.reduce("ReduceMean", g.op("Mul", d, d), axes, True)
    return g.op("Div", d, g.op("Sqrt", g.op("Add", var, g.scalar(fn.eps, dtype))))


def _embedding(g, node, weight):
    return g.op("Gather", weight, g.value_name(node.attr_value(node.fn.indices)), axis=0)


def _gather(g, node, x):
    fn = node.fn
    return g.op("GatherElements", x, g.value_name(node.attr_value(fn.index)), axis=int(fn.dim))


ROWS = {
    arith.Add: _elementwise("Add"),
    arith.Sub: _elementwise("Sub"),
    arith.Mul: _elementwise("Mul"),
    arith.Div: _elementwise("Div"),
    arith.Maximum: _elementwise("Max"),
    arith.Minimum: _elementwise("Min"),
    arith.Pow: _pow,
    arith.Neg: _unary("Neg"),
    arith.Cast: lambda g, node, x: g.op("Cast", x, to=g.tensor_type(node.fn.dtype)),
    arith.Where: _where,
    unary.Exp: _unary("Exp"),
    unary.Log: _unary("Log"),
    unary.Sqrt: _unary("Sqrt"),
    unary.Sin: _unary("Sin"),
    unary.Cos: _unary("Cos"),
    unary.Tanh: _unary("Tanh"),
    unary.Abs: _unary("Abs"),
    unary.Erf: _unary("Erf"),
    unary.Expm1: lambda g, n, x: g.op("Sub", g.op("Exp", x), g.scalar(1, n.output.dtype)),
    unary.Log1p: lambda g, n, x: g.op("Log", g.op("Add", x, g.scalar(1, n.output.dtype))),
    unary.Clamp: _clamp,
    activation.Relu: _unary("Relu"),
    activation.Sigmoid: _unary("Sigmoid"),
    activation.LeakyRelu: lambda g, n, x: g.op("LeakyRelu", x, alpha=float(n.fn.slope)),
    activation.Elu: lambda g, n, x: g.op("Elu", x, alpha=float(n.fn.alpha)),
    activation.Gelu: _gelu,
    activation.Softplus: _softplus,
    activation.Softmax: lambda g, n, x: g.op("Softmax", x, axis=int(n.fn.dim)),
    activation.LogSoftmax: lambda g, n, x: g.op("LogSoftmax", x, axis=int(n.fn.dim)),
    linalg.Matmul: lambda g, n, a, b: g.op("MatMul", a, b),
    linalg.Linear: _linear,
    shape.Reshape: _reshape,
    shape.Permute: lambda g, n, x: g.op("Transpose", x, perm=[int(a) for a in n.fn.axes]),
    shape.BroadcastTo: _broadcast_to,
    shape.Concatenate: lambda g, n, *xs: g.op("Concat", *xs, axis=int(n.fn.axis)),
    shape.Pad: _pad,
    index.GetItem: getitem,
    index.Gather: _gather,
    reduce.Sum: _reduction("ReduceSum"),
    reduce.Mean: _reduction("ReduceMean"),
    reduce.LogSumExp: _reduction("ReduceLogSumExp"),
    reduce.Extreme: _extreme,
    reduce.Prod: _prod,
    moments.Var: _var,
    moments.Std: lambda g, node, x: g.op("Sqrt", _var(g, node, x)),
    norm.Normalize: _normalize,
    nn_ops.Embedding: _embedding,
}

ROWS.update(CONV_ROWS)  # rows kept in other files, one dict each
ROWS.update(SEQUENCE_ROWS)
ROWS.update(EVERYDAY_ROWS)


_COMPARISONS = {"greater": "Greater", "less": "Less", "equal": "Equal", "greater_equal":
                "GreaterOrEqual", "less_equal": "LessOrEqual", "logical_and": "And",
                "logical_or": "Or", "logical_xor": "Xor"}  # fmt: skip


def _array_op(g, node, *xs):
    """Comparisons and logic, which deepling records as ArrayOps (no gradient)."""
    name = node.fn.fn.__name__
    if name in _COMPARISONS:
        return g.op(_COMPARISONS[name], *xs)
    if name == "not_equal":
        return g.op("Not", g.op("Equal", *xs))
    raise NotImplementedError(f"ONNX export: deepling's {name} (an ArrayOp) has no ONNX mapping")


ROWS[ArrayOp] = _array_op


def row_for(fn):
    """The row of a Function's class (rows of other files register into ROWS on import)."""
    row = ROWS.get(type(fn))
    if row is None:
        raise NotImplementedError(
            f"ONNX export: deepling's {type(fn).__name__} ({type(fn).__module__}) has no ONNX "
            "mapping (a row in deepling/onnx/ops.py's ROWS adds one)"
        )
    return row
