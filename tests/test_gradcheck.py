"""numerical_grad and gradcheck (deepling/gradcheck.py), and the core modules' doctests."""

import doctest
import importlib
import re

import numpy as np
import pytest

import deepling as dl
from deepling.autograd.function import Function
from deepling.gradcheck import GradcheckError


@pytest.mark.parametrize(
    "module", ["deepling.gradcheck", "deepling.autograd.entry", "deepling.creation"]
)
def test_docstring_examples_run(module):
    result = doctest.testmod(importlib.import_module(module), verbose=False)
    assert result.failed == 0 and result.attempted > 0


def test_numerical_grad_of_a_scalar_function():
    g = dl.numerical_grad(lambda x: (x**3).sum(), dl.tensor([1.0, -2.0]))
    np.testing.assert_allclose(g.numpy(), [3.0, 12.0], rtol=1e-6)
    assert g.dtype == np.float64


def test_numerical_grad_with_an_upstream_gradient():
    gy = np.array([[1.0, -2.0]])
    g = dl.numerical_grad(lambda x: x * x, np.array([[0.5, 3.0]]), gy=gy)
    np.testing.assert_allclose(g.numpy(), [[1.0, -12.0]], rtol=1e-6)


def test_numerical_grad_leaves_its_input_alone_and_records_nothing():
    x = np.array([1.0, 2.0])
    w = dl.tensor([3.0, 4.0], requires_grad=True)
    dl.numerical_grad(lambda t: (t * w).sum(), x)
    assert x.tolist() == [1.0, 2.0] and w.grad is None


class SquareWithWrongBackward(Function):
    """y = x**2 with a deliberate bug: dy/dx = x instead of 2x."""

    def forward(self, x):
        self.save_for_backward(x)
        return x * x

    def backward(self, gy):
        (x,) = self.saved
        return gy * x


def bad(a, b):
    return SquareWithWrongBackward()(a) * b


def test_gradcheck_passes_correct_ops_on_several_inputs():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((3, 4)), rng.standard_normal(4)
    assert dl.gradcheck(lambda a, b: dl.tanh(a) * b + a * a, [a, b])
    assert dl.gradcheck(lambda a, b: (a @ b).sum(), [a, b])


def test_gradcheck_catches_a_wrong_backward_and_names_the_input():
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal(5), rng.standard_normal(5)
    with pytest.raises(GradcheckError, match=r"input 0 \(shape \(5,\)\).*worst at flat index"):
        dl.gradcheck(bad, [a, b])
    assert dl.gradcheck(bad, [a, b], raise_exception=False) is False
    assert dl.gradcheck(lambda a, b: bad(b, a), [a, b], raise_exception=False) is False
    with pytest.raises(GradcheckError, match="input 1"):
        dl.gradcheck(lambda a, b: bad(b, a), [a, b])


def test_gradcheck_error_reports_the_worst_values():
    x = np.array([1.0, 3.0])
    with pytest.raises(GradcheckError) as info:
        dl.gradcheck(lambda x: SquareWithWrongBackward()(x), [x], seed=0)
    gy = np.random.default_rng(0).standard_normal(2)
    worst = int(np.argmax(np.abs(gy * x)))  # autograd gy*x vs numerical 2*gy*x
    found = re.search(r"index (\d+): autograd (\S+), numerical (\S+), error (\S+)", str(info.value))
    assert int(found[1]) == worst
    expected = [gy[worst] * x[worst], 2 * gy[worst] * x[worst], abs(gy[worst] * x[worst])]
    np.testing.assert_allclose([float(v) for v in found.groups()[1:]], expected, rtol=1e-3)


def test_gradcheck_uses_random_directions_for_large_inputs():
    rng = np.random.default_rng(2)
    big = rng.standard_normal((20, 20))  # 400 elements > 256: three random directions
    assert dl.gradcheck(lambda x: dl.softmax(x * 2, dim=1), [big])
    with pytest.raises(GradcheckError, match=r"\(shape \(20, 20\)\).*along random direction"):
        dl.gradcheck(lambda x: SquareWithWrongBackward()(x), [big])


def test_gradcheck_works_inside_no_grad_and_on_float32_tensors():
    x = dl.randn(3, dtype=dl.float32)
    with dl.no_grad():
        assert dl.gradcheck(dl.sigmoid, [x])
    assert x.dtype == np.float32


def test_gradcheck_treats_unused_inputs_as_zero_gradient():
    a, b = np.ones(2), np.ones(3)
    assert dl.gradcheck(lambda a, b: a * 2, [a, b])
