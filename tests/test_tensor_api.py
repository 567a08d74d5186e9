"""The everyday tensor API of PyTorch tutorials: every promised name, on both deepling and
torch, with PyTorch's results for the forms tutorials use."""

import numpy as np
import pytest

import deepling as dl
from tests.helpers import requires_torch

METHODS = """t T mT H clone contiguous allclose isclose equal topk sort argsort unique isnan isinf
isfinite nan_to_num masked_fill masked_select where repeat tile repeat_interleave flip roll cumsum
cumprod norm dist outer tril triu diag diagonal trace bincount nonzero any all sign floor ceil
round trunc frac fmod remainder rsqrt reciprocal square log1p expm1 log2 log10 sinh cosh tan asin
acos atan atan2 erf lerp max min sum mean std var numel new_zeros new_ones new_full new_tensor
unbind narrow index_select scatter scatter_add take_along_dim chunk split add_ sub_ mul_ div_
zero_ fill_ normal_ uniform_ clamp_ copy_ masked_fill_ exp_ device to cpu cuda is_cuda
element_size nelement is_floating_point stride select movedim swapaxes median""".split()
FUNCTIONS = """clone allclose isclose equal topk sort argsort unique einsum isnan isinf isfinite
nan_to_num masked_fill masked_select where repeat_interleave tile flip roll cumsum cumprod norm
dist outer tril triu diag diagonal trace bincount nonzero any all sign floor ceil round trunc frac
fmod remainder rsqrt reciprocal square log1p expm1 log2 log10 sinh cosh tan asin acos atan atan2
erf lerp max min std var numel from_numpy as_tensor stack cat unbind narrow index_select scatter
scatter_add take_along_dim chunk split tensordot no_grad inference_mode set_grad_enabled device
set_default_device get_default_dtype set_default_dtype is_tensor rand_like randn_like det
inverse""".split()
LINALG = "norm vector_norm matrix_norm inv det solve".split()


def test_every_promised_name_exists():
    assert [n for n in METHODS if not hasattr(dl.Tensor, n)] == []
    assert [n for n in FUNCTIONS if not hasattr(dl, n)] == []
    assert [n for n in LINALG if not hasattr(dl.linalg, n)] == []


@requires_torch
def test_the_promised_names_are_torchs():
    import torch

    assert [n for n in METHODS if not hasattr(torch.Tensor, n)] == []
    assert [n for n in FUNCTIONS if not hasattr(torch, n)] == []
    assert [n for n in LINALG if not hasattr(torch.linalg, n)] == []


@requires_torch
def test_everyday_forms_give_torchs_results():
    import torch

    x = np.arange(24.0).reshape(2, 3, 4)
    for lib in (dl, torch):
        t = lib.tensor(x)
        checks = [
            t.sum(dim=(0, 2)), t.mean((1, 2), keepdim=True), t.std(dim=1, correction=0),
            t.var(correction=2), lib.stack([t, t], dim=-1), lib.cat([t, t], dim=-2),
            t.max(dim=1).values, t.min(-1).indices, t.chunk(2, dim=-1)[1],
            t.split([1, 3], dim=2)[1], t.new_full((2,), 3.0), t.new_zeros(1, 2),
            t.new_tensor([1, 2]), lib.where(t > 10), t[t > 20], t.numel(),
        ]  # fmt: skip
        results = [c.tolist() if hasattr(c, "tolist") else [a.tolist() for a in c] if isinstance(c, tuple) else c for c in checks]  # fmt: skip
        if lib is dl:
            ours = results
    assert ours == results


def test_from_numpy_shares_memory_and_as_tensor_avoids_copies():
    a = np.zeros(3, np.float32)
    t = dl.from_numpy(a)
    a[0] = 5.0
    assert t[0].item() == 5.0 and t.dtype == np.float32
    assert dl.as_tensor(a)._data is a and dl.as_tensor(t) is t
    assert dl.as_tensor([1, 2]).dtype == np.int64


def test_numpy_of_a_tensor_that_requires_grad_is_pytorchs_error():
    w = dl.ones(2, requires_grad=True)
    for t in (w, w * 2):
        with pytest.raises(RuntimeError, match=r"requires grad. Use tensor.detach\(\).numpy\(\)"):
            t.numpy()
        with pytest.raises(RuntimeError, match="requires grad"):
            np.asarray(t)
        assert t.detach().numpy().tolist() == t.tolist()
        assert t.numpy(force=True).tolist() == t.tolist()
    with dl.no_grad():
        assert (w * 2).numpy().tolist() == [2.0, 2.0]  # recorded nothing: no grad needed


def test_inference_mode_and_grad_modes_as_context_managers_and_decorators():
    w = dl.ones(2, requires_grad=True)

    @dl.inference_mode()
    def infer(x):
        return x * 2

    @dl.inference_mode
    def bare(x):
        return x * 2

    @dl.no_grad()
    def quiet(x):
        return x * 2

    assert not any(f(w).requires_grad for f in (infer, bare, quiet))
    with dl.inference_mode():
        assert not (w * 2).requires_grad
        with dl.inference_mode(False):
            assert (w * 2).requires_grad
    with dl.set_grad_enabled(False):
        assert not (w * 2).requires_grad
    assert (w * 2).requires_grad


def test_likes_and_predicates():
    x = dl.ones(2, 3, dtype=dl.float64)
    assert dl.randn_like(x).shape == (2, 3) and dl.rand_like(x).dtype == np.float64
    assert dl.randint_like(dl.ones(4, dtype=dl.int64), 3).max().item() < 3
    assert dl.is_tensor(x) and not dl.is_tensor(x.numpy()) and dl.is_floating_point(x)
    assert x.element_size() == 8 and x.nelement() == 6 and x.stride() == (3, 1)


class _Other:
    """A foreign type that answers comparisons itself, as pytest.approx does."""

    def __eq__(self, other):
        return "other's =="

    def __gt__(self, other):
        return "other's >"


def _compare_foreign(m):
    """What each comparison of a tensor with foreign objects gives, with `m` deepling or torch:
    NotImplemented lets Python ask the other side, then fall back to identity (== and !=)."""
    t, results = m.tensor(1.0), []
    for other in (pytest.approx(1.0), pytest.approx(2.0), object(), "a", {1: 2}, None, _Other()):
        for expr in ("t == o", "t != o", "t < o", "t >= o"):
            try:
                results.append(eval(expr, {"t": t, "o": other}))
            except TypeError as e:
                results.append(str(e).replace("Tensor", "T"))
    return results


def test_comparing_with_a_foreign_object_asks_the_other_side():
    t = dl.tensor([1.0, 2.0])
    assert dl.tensor(1.0) == pytest.approx(1.0)
    assert dl.tensor(1.0) != pytest.approx(1.5)
    assert t.tolist() == pytest.approx([1.0, 2.0]) and (t == object()) is False
    assert (t != "a") is True and (t == _Other()) == "other's =="
    assert (t < _Other()) == "other's >"  # Python's reflection of < is the other's >
    with pytest.raises(TypeError, match="'<' not supported between instances of 'Tensor'"):
        _ = t < object()
    with pytest.raises(TypeError):  # the named method still refuses, as torch.eq does
        t.eq(object())
    # numbers, lists, arrays and tensors compare elementwise as before
    assert (t == 2.0).tolist() == [False, True] and (t != [1.0, 3.0]).tolist() == [False, True]
    assert (t >= np.array([1.0, 3.0])).tolist() == [True, False]
    assert (t < dl.tensor([2.0, 2.0])).tolist() == [True, False]


@requires_torch
def test_comparing_with_a_foreign_object_is_torchs():
    import torch

    assert _compare_foreign(dl) == _compare_foreign(torch)
