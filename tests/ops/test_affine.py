"""The fused Keras Dense product x @ kernel + bias, against torch and the composed ops."""

import numpy as np
import pytest

import deepling as dl
from tests.helpers import Case, op_tests

CASES = [
    Case(
        lambda x, w, b: dl.affine(x, w, b),
        [(4, 3), (3, 2), (2,)],
        lambda x, w, b: x @ w + b,
        lambda x, w, b: x @ w + b,
        name="affine_2d",
    ),  # fmt: skip
    Case(
        lambda x, w: dl.affine(x, w),
        [(2, 4, 3), (3, 5)],
        lambda x, w: x @ w,
        lambda x, w: x @ w,
        name="affine_3d_no_bias",
    ),  # fmt: skip
]

test_op = op_tests(CASES)


def test_affine_equals_matmul_plus_bias():
    rng = np.random.default_rng(0)
    x, w, b = (
        dl.tensor(rng.standard_normal(s), requires_grad=True) for s in [(5, 3), (3, 4), (4,)]
    )
    fused = dl.grad(dl.affine(x, w, b).tanh().sum(), [x, w, b])
    composed = dl.grad((x @ w + b).tanh().sum(), [x, w, b])
    for f, c in zip(fused, composed):
        np.testing.assert_allclose(f.numpy(), c.numpy(), rtol=1e-12)


def test_affine_names_shapes_on_mismatch():
    with pytest.raises(dl.ShapeError, match=r"\(5, 3\).*\(4, 2\)"):
        dl.affine(dl.ones(5, 3), dl.ones(4, 2))
