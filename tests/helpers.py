"""One declarative check for every op: forward against PyTorch (or NumPy), backward against
central differences in float64 with a random upstream gradient, and against torch.autograd."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pytest

import deepling as dl
from deepling.gradcheck import GradcheckError

HAS_TORCH = importlib.util.find_spec("torch") is not None
requires_torch = pytest.mark.skipif(not HAS_TORCH, reason="PyTorch is not installed")


@dataclass
class Case:
    """An op applied to random float64 inputs of `shapes` (or to `make_inputs(rng)`)."""

    op: Callable  # takes deepling tensors (and kwargs)
    shapes: list = field(default_factory=list)
    torch: str | Callable | None = (
        None  # torch.<name> / Tensor.<name>, or a callable on torch tensors
    )
    numpy: Callable | None = None  # forward reference on arrays when torch is absent
    kwargs: dict = field(default_factory=dict)
    low: float = -2.0
    high: float = 2.0
    make_inputs: Callable | None = None  # rng -> list of arrays (integer arrays get no gradient)
    name: str = ""
    second_order: bool = True  # also check the double backward (create_graph=True)

    def __str__(self) -> str:
        return self.name or f"{getattr(self.op, '__name__', 'op')}{self.shapes}{self.kwargs or ''}"

    def inputs(self) -> list:
        rng = np.random.default_rng(0)
        if self.make_inputs is not None:
            return [np.asarray(a) for a in self.make_inputs(rng)]
        return [rng.uniform(self.low, self.high, s) for s in self.shapes]

    def run(self, *tensors):
        return self.op(*tensors, **self.kwargs)


def _torch_fn(case: Case):
    import torch

    if callable(case.torch):
        return lambda *xs: case.torch(*xs, **case.kwargs)
    if hasattr(torch, case.torch):
        return lambda *xs: getattr(torch, case.torch)(*xs, **case.kwargs)
    return lambda x, *rest: getattr(x, case.torch)(*rest, **case.kwargs)


def check_op(case: Case, atol: float = 1e-6, rtol: float = 1e-5) -> None:
    """Forward value, numerical gradient, and PyTorch gradient of one case."""
    arrays = case.inputs()
    diff = [i for i, a in enumerate(arrays) if a.dtype.kind == "f"]
    tensors = [dl.tensor(a, requires_grad=i in diff) for i, a in enumerate(arrays)]
    out = case.run(*tensors)
    assert out.dtype == np.float64 or out.dtype.kind != "f", f"{case}: float64 in, {out.dtype} out"

    # 1. forward against PyTorch, or NumPy without it
    if HAS_TORCH and case.torch is not None:
        import torch

        t_inputs = [torch.tensor(a, requires_grad=i in diff) for i, a in enumerate(arrays)]
        t_out = _torch_fn(case)(*t_inputs)
        np.testing.assert_allclose(
            out.detach().numpy(),
            t_out.detach().numpy(),
            rtol,
            atol,
            err_msg=f"{case}: forward vs torch",
        )
    elif case.numpy is not None:
        np.testing.assert_allclose(
            out.detach().numpy(),
            case.numpy(*arrays, **case.kwargs),
            rtol,
            atol,
            err_msg=f"{case}: forward vs numpy",
        )
    if not diff:
        return

    # 2. backward against central differences with a random upstream gradient
    def only_diff(*xs):
        full = list(tensors)
        for i, x in zip(diff, xs):
            full[i] = x
        return case.run(*full)

    try:
        dl.gradcheck(only_diff, [arrays[i] for i in diff], atol=1e-5, rtol=1e-4)
    except GradcheckError as e:
        raise AssertionError(f"{case}: {e}") from None

    # 3. backward against torch.autograd.grad with the same upstream gradient
    if HAS_TORCH and case.torch is not None:
        gy = np.random.default_rng(1).standard_normal(out.shape)
        ours = dl.grad([out], [tensors[i] for i in diff], [gy], allow_unused=True)
        theirs = torch.autograd.grad(
            [t_out], [t_inputs[i] for i in diff], [torch.tensor(gy)], allow_unused=True
        )
        for i, g, t in zip(diff, ours, theirs):
            g = np.zeros_like(arrays[i]) if g is None else g.numpy()
            t = np.zeros_like(arrays[i]) if t is None else t.numpy()
            np.testing.assert_allclose(
                g, t, rtol, atol, err_msg=f"{case}: grad of input {i} vs torch"
            )


def check_second_order(case: Case, atol: float = 1e-6, rtol: float = 1e-5) -> None:
    """The double backward: the first-order gradients recorded with create_graph=True and
    differentiated again (with respect to the inputs and the upstream gradient), against
    central differences (gradgradcheck) and against torch.autograd.grad twice."""
    arrays = case.inputs()
    diff = [i for i, a in enumerate(arrays) if a.dtype.kind == "f"]
    if not diff or not case.second_order:
        return

    def only_diff(*xs):
        full = [dl.tensor(a) for a in arrays]
        for i, x in zip(diff, xs):
            full[i] = x
        return case.run(*full)

    try:
        dl.autograd.gradgradcheck(only_diff, [arrays[i] for i in diff], atol=1e-5, rtol=1e-3)
    except GradcheckError as e:
        raise AssertionError(f"{case}: second order: {e}") from None
    if not (HAS_TORCH and case.torch is not None):
        return
    import torch

    rng = np.random.default_rng(2)
    xs = [dl.tensor(arrays[i], requires_grad=True) for i in diff]
    out = only_diff(*xs)
    gy = dl.tensor(rng.standard_normal(out.shape), requires_grad=True)
    firsts = dl.grad([out], xs, [gy], create_graph=True, allow_unused=True)
    t_full = [torch.tensor(a, requires_grad=i in diff) for i, a in enumerate(arrays)]
    t_out = _torch_fn(case)(*t_full)
    t_gy = torch.tensor(gy.detach().numpy(), requires_grad=True)
    t_xs = [t_full[i] for i in diff]
    t_firsts = torch.autograd.grad([t_out], t_xs, [t_gy], create_graph=True, allow_unused=True)
    used = [k for k, (g, t) in enumerate(zip(firsts, t_firsts)) if g is not None and t is not None]
    if not [k for k in used if firsts[k].requires_grad or t_firsts[k].requires_grad]:
        return  # linear in everything: no second derivative to compare
    vs = [rng.standard_normal(firsts[k].shape) for k in used]
    ours = dl.grad([firsts[k] for k in used if firsts[k].requires_grad],
                   [*xs, gy], [v for k, v in zip(used, vs) if firsts[k].requires_grad],
                   allow_unused=True)  # fmt: skip
    t_used = [k for k in used if t_firsts[k].requires_grad]
    theirs = torch.autograd.grad([t_firsts[k] for k in t_used], [*t_xs, t_gy],
                                 [torch.tensor(v) for k, v in zip(used, vs) if k in t_used],
                                 allow_unused=True)  # fmt: skip
    for j, (g, t) in enumerate(zip(ours, theirs)):
        g = np.zeros(([*xs, gy][j]).shape) if g is None else g.numpy()
        t = np.zeros(g.shape) if t is None else t.detach().numpy(force=True)  # ZeroTensors too
        np.testing.assert_allclose(g, t, rtol, atol, err_msg=f"{case}: second order, input {j}")


def op_tests(cases: list[Case]):
    """A parametrized test that runs `check_op` on each case."""

    @pytest.mark.parametrize("case", cases, ids=str)
    def test_op(case):
        check_op(case)
        check_second_order(case)

    return test_op
