import numpy as np
import pytest

import deepling as dl
from tests.helpers import Case, op_tests, requires_torch

MATMUL_SHAPES = [
    [(3, 4), (4, 2)],
    [(4,), (4, 2)],
    [(3, 4), (4,)],
    [(4,), (4,)],
    [(2, 3, 4), (2, 4, 5)],
    [(2, 1, 3, 4), (5, 4, 2)],
    [(4,), (2, 4, 3)],
    [(2, 3, 4), (4,)],
]


def _torch_linear(*xs):
    import torch.nn.functional as F

    return F.linear(*xs)


def _np_linear(x, w, b=0.0):
    return x @ w.T + b


def _affine(x, w, b=0.0):
    return x @ w + b


AFFINE_SHAPES = [[(5, 3), (3, 4), (4,)], [(2, 5, 3), (3, 4)]]

LINEAR_SHAPES = [
    [(5, 3), (4, 3), (4,)],
    [(5, 3), (4, 3)],
    [(2, 5, 3), (4, 3), (4,)],
    [(2, 5, 3), (4, 3)],
    [(3,), (4, 3), (4,)],
]

CASES = [
    *[Case(dl.matmul, s, "matmul", np.matmul) for s in MATMUL_SHAPES],
    Case(lambda a, b: a @ b, [(3, 4), (4, 2)], lambda a, b: a @ b, np.matmul, name="a @ b"),
    Case(dl.dot, [(5,)] * 2, "dot", np.dot),
    *[Case(dl.linear, s, _torch_linear, _np_linear, name=f"linear{s}") for s in LINEAR_SHAPES],
    *[Case(dl.affine, s, _affine, _affine, name=f"affine{s}") for s in AFFINE_SHAPES],
]

test_op = op_tests(CASES)


@pytest.mark.parametrize("shapes", LINEAR_SHAPES)
def test_fused_linear_matches_its_composition(shapes):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s) for s in shapes]
    fused = [dl.tensor(a, requires_grad=True) for a in arrays]
    plain = [dl.tensor(a, requires_grad=True) for a in arrays]
    y = dl.linear(*fused)
    ref = plain[0] @ plain[1].T + (plain[2] if len(plain) == 3 else 0.0)
    np.testing.assert_allclose(y.detach().numpy(), ref.detach().numpy(), rtol=1e-12)
    gy = rng.standard_normal(y.shape)
    for f, p in zip(dl.grad(y, fused, gy), dl.grad(ref, plain, gy)):
        np.testing.assert_allclose(f.numpy(), p.numpy(), rtol=1e-12, atol=1e-12)


def test_affine_is_linear_with_the_weight_transposed():
    rng = np.random.default_rng(0)
    x, w, b = (rng.standard_normal(s) for s in [(5, 3), (4, 3), (4,)])
    np.testing.assert_allclose(
        dl.affine(dl.tensor(x), dl.tensor(w.T), dl.tensor(b)).numpy(),
        dl.linear(dl.tensor(x), dl.tensor(w), dl.tensor(b)).numpy(),
        rtol=1e-12,
    )
    with pytest.raises(dl.ShapeError, match=r"\(5, 3\).*\(4, 3\)"):
        dl.affine(dl.ones(5, 3), dl.ones(4, 3))


def test_matmul_keeps_float32_and_refuses_mixed_dtypes_as_pytorch():
    a = dl.ones(2, 3)
    assert (a @ dl.ones(3, 4)).dtype == np.float32
    assert (a @ [[1], [2], [3]]).dtype == np.float32  # a list takes the tensor's dtype
    assert (dl.tensor([[1, 2]]) @ dl.tensor([[3], [4]])).tolist() == [[11]]
    fix = r"\.float\(\)"
    with pytest.raises(RuntimeError, match=r"m1 and m2 .* same dtype, but got: float != long int"):
        a @ dl.tensor([[1], [2], [3]])
    with pytest.raises(RuntimeError, match=fix):
        dl.mm(a, dl.ones(3, 4, dtype=dl.float64))
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 must have the same dtype, but got Long"):
        dl.linear(dl.tensor([[1, 2]]), dl.ones(2, 2))
    with pytest.raises(RuntimeError, match=r"but got Double and Float\. .*" + fix):
        dl.nn.Linear(2, 2)(dl.ones(1, 2, dtype=dl.float64))
    with pytest.raises(RuntimeError, match=r"self and mat2 must have the same dtype"):
        dl.linear(a, dl.ones(4, 3), dl.ones(4, dtype=dl.float64))
    with pytest.raises(RuntimeError, match="expected both vectors to have same dtype"):
        dl.dot(dl.ones(3), dl.ones(3, dtype=dl.float64))


@requires_torch
def test_mixed_dtype_errors_are_torchs():
    import torch

    for lib in (torch, dl):
        for f, shapes in [(lib.matmul, ((3,), (3, 3))), (lib.mm, ((2, 3), (3, 3)))]:
            a, b = lib.ones(*shapes[0]), lib.ones(*shapes[1], dtype=lib.float64)
            with pytest.raises(RuntimeError, match="expected m1 and m2 to have the same dtype"):
                f(a, b)


def test_mm_bmm_mv_check_their_ranks_as_pytorch():
    with pytest.raises(RuntimeError, match="self must be a matrix"):
        dl.mm(dl.ones(3), dl.ones(3, 3))
    with pytest.raises(RuntimeError, match="batch1 must be a 3D tensor"):
        dl.bmm(dl.ones(3, 3), dl.ones(3, 3))
    with pytest.raises(RuntimeError, match=r"batch2 tensor to be: \[2, 3\] but got: \[2, 2\]"):
        dl.bmm(dl.ones(2, 2, 3), dl.ones(2, 2, 3))
    assert dl.mv(dl.ones(2, 3), dl.ones(3)).tolist() == [3.0, 3.0]


def test_linear_with_bias_has_three_gradients():
    x = dl.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    w = dl.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], requires_grad=True)
    b = dl.tensor([0.5, -0.5, 0.0], requires_grad=True)
    y = dl.linear(x, w, b)
    assert y.tolist() == [[1.5, 1.5, 3.0], [3.5, 3.5, 7.0]]
    y.sum().backward()
    assert x.grad.tolist() == [[2.0, 2.0], [2.0, 2.0]]
    assert w.grad.tolist() == [[4.0, 6.0]] * 3
    assert b.grad.tolist() == [2.0, 2.0, 2.0]


def test_matmul_error_names_both_shapes():
    with pytest.raises(dl.ShapeError) as info:
        dl.ones(3, 4) @ dl.ones(5, 2)
    assert isinstance(info.value, RuntimeError) and isinstance(info.value, ValueError)
    msg = str(info.value)
    assert "(3, 4)" in msg and "(5, 2)" in msg and "Matmul" in msg


def test_matmul_rejects_0d_and_dot_rejects_2d():
    with pytest.raises(RuntimeError, match="at least 1D"):
        dl.matmul(dl.tensor(2.0), dl.ones(3))
    with pytest.raises(RuntimeError, match="1D tensors expected"):
        dl.dot(dl.ones(2, 2), dl.ones(2))


def test_linear_error_names_both_shapes():
    with pytest.raises(RuntimeError, match=r"5x3 and 4x2"):
        dl.linear(dl.ones(5, 3), dl.ones(2, 4))
