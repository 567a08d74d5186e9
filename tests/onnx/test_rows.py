"""Each row of deepling/onnx/ops.py: a small function exported and run by onnxruntime gives
deepling's numbers; every Function of deepling.ops has a row or is listed as not exported."""

import inspect

import numpy as np
import pytest

pytest.importorskip("onnxruntime")

import deepling as dl  # noqa: E402
import deepling.nn.functional as F  # noqa: E402
from deepling.autograd.function import Function  # noqa: E402
from deepling.onnx.ops import ROWS  # noqa: E402
from deepling.ops import norm  # noqa: E402
from deepling.ops.index import gather  # noqa: E402

from .helpers import Fn, close, run, session  # noqa: E402

RNG = np.random.default_rng(0)


def f32(*shape):
    return dl.tensor(RNG.standard_normal(shape).astype(np.float32))


IDX = np.array([[0, 2], [1, 0]])
CASES = {
    "add_broadcast": (lambda a, b: a + b, [f32(3, 4), f32(4)]),
    "sub_scalar_first": (lambda a: 2 - a, [f32(3, 4)]),
    "mul_scalar": (lambda a: a * 0.5, [f32(2, 3)]),
    "div_number_by": (lambda a: 1.5 / (a * a + 1), [f32(2, 3)]),
    "div": (lambda a, b: a / (b * b + 1), [f32(2, 3), f32(2, 1)]),
    "pow_int": (lambda a: a**2, [f32(2, 3)]),
    "pow_tensor": (lambda a, b: (a * a + 1) ** b, [f32(2, 3), f32(2, 3)]),
    "neg": (lambda a: -a, [f32(5)]),
    "maximum_minimum": (lambda a, b: dl.maximum(a, b) + dl.minimum(a, 0.2), [f32(3), f32(3)]),
    "where_constant_mask": (
        lambda a: dl.where(dl.tensor([True, False, True]), a, 0.0),
        [f32(2, 3)],
    ),
    "clamp": (lambda a: a.clamp(-0.5, 0.5) + a.clamp(min=0.1), [f32(4, 3)]),
    "unary": (
        lambda a: a.exp() + (a.abs() + 1).log() + a.abs().sqrt() + a.sin() + a.cos() + a.tanh(),
        [f32(3, 4)],
    ),
    "erf_expm1_log1p": (lambda a: dl.erf(a) + a.expm1() + a.abs().log1p(), [f32(6)]),
    "activations": (
        lambda a: F.relu(a) + a.sigmoid() + F.leaky_relu(a, 0.1) + F.elu(a, 0.7),
        [f32(3, 5)],
    ),
    "gelu": (lambda a: F.gelu(a) + F.gelu(a, approximate="tanh"), [f32(3, 5)]),
    "softplus": (lambda a: F.softplus(a * 4, beta=2.0, threshold=3.0) + F.softplus(a), [f32(20)]),
    "softmax": (lambda a: F.softmax(a, dim=-1) + F.log_softmax(a, dim=0), [f32(3, 4)]),
    "matmul_batched": (lambda a, b: a @ b, [f32(2, 3, 4), f32(4, 5)]),
    "linear_3d": (lambda a, w, b: F.linear(a, w, b), [f32(2, 3, 4), f32(5, 4), f32(5)]),
    "linear_no_bias": (lambda a, w: F.linear(a, w), [f32(3, 4), f32(5, 4)]),
    "reshape_permute": (lambda a: a.reshape(2, 6, 2).permute(2, 0, 1).transpose(0, 1), [f32(4, 6)]),
    "flatten_unsqueeze": (lambda a: dl.flatten(a, 1).unsqueeze(1).squeeze(1), [f32(2, 3, 4)]),
    "expand": (lambda a: a.expand(3, 2, 4) + 0, [f32(2, 1)]),
    "cat_stack": (lambda a, b: dl.cat([a, dl.stack([a, b], 2).sum(2)], 1), [f32(2, 3), f32(2, 3)]),
    "pad": (lambda a: F.pad(a, (1, 2, 0, 1), value=0.5), [f32(2, 3)]),
    "getitem_slices": (lambda a: a[:, 1:3] + a[:, -2:], [f32(3, 4)]),
    "getitem_int_and_ellipsis": (lambda a: a[0] * a[..., -1, None] + a[1, :, 2:3], [f32(2, 3, 4)]),
    "getitem_steps": (lambda a: a[::2, ::-1], [f32(5, 4)]),
    "getitem_none": (lambda a: a[:, None] + a[None], [f32(3, 3)]),
    "getitem_array": (lambda a: a[:, dl.tensor([2, 0, 2])] + a[[1, 0, 1]].T, [f32(3, 3)]),
    "gather": (lambda a: gather(a, 1, dl.tensor(IDX)), [f32(2, 3)]),
    "reductions": (
        lambda a: a.sum(1) + a.mean(1) + a.amax(1) + a.min(dim=1)[0] + a.prod(1) + a.sum(),
        [f32(3, 4)],
    ),
    "reductions_keepdim": (
        lambda a: a.sum((0, 2), keepdim=True) + a.mean(0, keepdim=True).amin(2, keepdim=True),
        [f32(2, 3, 4)],
    ),
    "logsumexp_var_std": (lambda a: a.logsumexp(1) + a.var(1) + a.std(0).sum(), [f32(3, 4)]),
    "cast": (lambda a: a.double() * 2, [f32(3)]),
    "int_input_cast": (lambda i: i.float() * 0.5, [dl.tensor([[1, 2], [3, 4]])]),
    "layer_norm": (lambda a: F.layer_norm(a, (4,)), [f32(2, 3, 4)]),
    "normalize_first_axis": (lambda a: norm.normalize_over(a, (0,)), [f32(5, 3)]),
    "embedding_of_input": (
        lambda i, w: F.embedding(i, w),
        [dl.tensor([[0, 3], [2, 2]]), f32(4, 3)],
    ),
}

POINTS = dl.tensor([[0.5, 0.5, 1.0, -1.0, 0.0], [-2.0, 0.0, 0.0, 1.0, -3.0]])  # zeros on purpose
PAIRED = dl.tensor([[1.0, -1.0, 0.0, -2.0, 0.0], [0.0, 0.5, -0.5, 3.0, -1.0]])
NONFINITE = dl.tensor([float("nan"), float("inf"), -float("inf"), 1.5])
CASES.update({  # the everyday ops of the PyTorch face (deepling/onnx/ops_everyday.py)
    "trig": (lambda a: (a * 0.5).tan() + a.atan() + a.sinh() + a.cosh(), [f32(3, 4)]),
    "asin_acos": (lambda a: (a.tanh() * 0.9).asin() + (a.tanh() * 0.9).acos(), [f32(3, 4)]),
    "atan2": (lambda a, b: dl.atan2(a, b), [POINTS, PAIRED]),
    "reciprocals_and_log_bases": (
        lambda a: (a.abs() + 0.5).reciprocal() + (a.abs() + 0.1).rsqrt() + (a.abs() + 0.1).log2()
        + (a.abs() + 0.1).log10(),
        [f32(3, 4)],
    ),
    "rounding": (
        lambda a: dl.floor(a * 9) + dl.ceil(a * 9) + dl.round(a * 9) + dl.trunc(a * 9) + dl.sign(a)
        + dl.round(a * 9, decimals=1) + dl.round(a * 90, decimals=-1),
        [f32(4, 5)],
    ),
    "fmod_remainder": (
        lambda a, b: dl.fmod(a * 5, b) + dl.remainder(a * 5, b) + dl.remainder(a, -0.7),
        [f32(3, 4), f32(3, 4)],
    ),
    "fmod_remainder_int": (
        lambda a, b: dl.fmod(a, b) * 10 + dl.remainder(a, b),
        [dl.tensor([[7, -7, 5], [-3, 4, 0]]), dl.tensor([[3, 3, -2], [2, -3, 5]])],
    ),
    "cumsum": (lambda a: a.cumsum(1) + dl.cumsum(a, 0), [f32(3, 4)]),
    "einsum": (
        lambda a, b, c: dl.einsum("bij,jk->bik", a, b) + dl.einsum("...ii->...i", c)[..., None],
        [f32(2, 3, 4), f32(4, 3), f32(2, 3, 3)],
    ),
    "det": (lambda a: dl.linalg.det(a), [f32(2, 3, 3)]),
    "vector_norm": (
        lambda a: dl.linalg.vector_norm(a, 1, 1) + dl.linalg.vector_norm(a, 2, 1)
        + dl.linalg.vector_norm(a, 3, 1) + dl.linalg.vector_norm(a, float("inf"), 1)
        + dl.linalg.vector_norm(a, 2, (0, 1), keepdim=True)[0] + dl.norm(a),
        [f32(3, 4)],
    ),
    "nan_to_num": (
        lambda a: dl.stack([dl.nan_to_num(a), dl.nan_to_num(a, 1.0, 2.0, -3.0)]),
        [NONFINITE],
    ),
    "scatter": (
        lambda a, b: dl.scatter(a, 1, dl.tensor(IDX), b)
        + dl.scatter(a, 0, dl.tensor([[1, 0, 1]]), value=2.0),
        [f32(2, 3), f32(2, 2)],
    ),
})  # fmt: skip


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("opset", [17, 20])
def test_row_matches_deepling(name, opset):
    fn, inputs = CASES[name]
    sess, _ = session(Fn(fn), tuple(inputs), opset_version=opset)
    (got,) = run(sess, *[t.numpy() for t in inputs])
    close(got, fn(*inputs))


# Functions that only training uses (losses, the scatter-adds and transposes behind gradients),
# and Unfold/Fold (no ONNX operator for Unfold; Fold would be Col2Im, not written yet)
NOT_EXPORTED = {"IndexAdd", "CrossEntropy", "BinaryCrossEntropy", "BinaryCrossEntropyWithLogits"}
NOT_EXPORTED |= {"ConvWeight", "AvgPoolTranspose", "Unfold", "Fold"}
# matrix inverses: standard ONNX has no Inverse (onnxruntime's com.microsoft domain does)
NOT_EXPORTED |= {"Inv", "Solve"}
NOT_EXPORTED |= {"CopySlices"}  # x[key] = v: never called as an op; a trace refuses it


def _functions():
    import deepling.ops as ops

    found = set()
    for module in vars(ops).values():
        if inspect.ismodule(module) and module.__name__.startswith("deepling.ops."):
            for obj in vars(module).values():
                if inspect.isclass(obj) and issubclass(obj, Function) and obj.__module__ == module.__name__:  # fmt: skip
                    found.add(obj)
    return found


def test_every_function_has_a_row_or_is_listed():
    """A fused Function with `compose` is written as its ops; private bases are not ops."""
    found = [f for f in _functions() if not f.__name__.startswith("_")]
    missing = {f.__name__ for f in found if f not in ROWS and not hasattr(f, "compose")}
    missing -= NOT_EXPORTED
    assert missing == set(), f"add ONNX rows (deepling/onnx/ops.py) for {sorted(missing)}"


def test_a_function_without_a_row_raises_naming_it():
    class Cube(Function):
        def forward(self, x):
            return x**3

    with pytest.raises(NotImplementedError, match="Cube"):
        session(Fn(lambda a: Cube()(a) + 1), f32(3))


def test_boolean_mask_indexing_is_refused():
    with pytest.raises(NotImplementedError, match="boolean mask"):
        session(Fn(lambda a: a[dl.tensor([True, False, True])]), f32(3))


def test_a_fused_function_without_a_row_is_written_as_its_compose():
    class Swish(Function):
        """y = x sigmoid(beta x), fused; compose is the same with ops."""

        def __init__(self, beta):
            self.beta = beta

        def forward(self, x):
            return x / (1 + np.exp(-self.beta * x))

        def compose(self, x):
            return x * (x * self.beta).sigmoid()

    x = f32(4, 3)
    model = Fn(lambda a: Swish(1.5)(a) * 2)
    sess, proto = session(model, x, input_names=["x"], dynamic_axes={"x": {0: "batch"}})
    assert [n.op_type for n in proto.graph.node] == ["Mul", "Sigmoid", "Mul", "Mul"]
    assert proto.graph.node[2].output[0] == "swish"
    for batch in (4, 2):
        (got,) = run(sess, x.numpy()[:batch])
        close(got, model(x[:batch]))
