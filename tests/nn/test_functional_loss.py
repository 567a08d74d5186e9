"""Checks of nn/functional/loss.py (rows over ops/loss.py and ops/crossentropy.py): every loss
and reduction against PyTorch (values and gradients in input and target), the fused ones against
their compositions, stability, and PyTorch's errors."""

import warnings

import numpy as np
import pytest

import deepling as dl
from deepling import autograd
from deepling.nn.functional import loss as L
from tests.helpers import HAS_TORCH, Case, op_tests, requires_torch

W4 = np.array([0.5, 2.0, 1.0, 0.25])  # class weights for 4 classes
REDUCTIONS = ("mean", "sum", "none")


def _torch(name):
    """torch.nn.functional.<name>, with NumPy keyword arrays (weights) made torch tensors."""

    def run(*xs, **kwargs):
        import torch

        kwargs = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
        return getattr(torch.nn.functional, name)(*xs, **kwargs)

    return run


def _pair(shape, low=-2.0, high=2.0):
    return lambda rng: [rng.uniform(low, high, shape), rng.uniform(low, high, shape)]


def _classes(shape, c=4, ignore=0):
    """Logits of `shape` with class dim 1 (0 when 1-d) and int64 targets; `ignore` of them -100."""

    def make(rng):
        x = rng.uniform(-3, 3, shape)
        tshape = () if len(shape) == 1 else (shape[0], *shape[2:])
        t = rng.integers(0, c, tshape)
        t.reshape(-1)[:ignore] = -100
        return [x, t]

    return make


def _probs(shape):
    return lambda rng: [rng.uniform(-3, 3, shape), rng.dirichlet(np.ones(shape[1]), shape[0])]


def _case(name, make, label, **kwargs):
    return Case(getattr(L, name), torch=_torch(name), make_inputs=make, kwargs=kwargs, name=label)


CASES = [
    *[_case(n, _pair((3, 4)), f"{n}-{r}", reduction=r) for n in ("mse_loss", "l1_loss") for r in REDUCTIONS],
    _case("mse_loss", _pair((5,)), "mse_loss-weight", weight=np.linspace(0.1, 1, 5)),
    _case("l1_loss", _pair((2, 3)), "l1_loss-weight-sum", weight=np.ones((2, 3)) / 3, reduction="sum"),
    *[_case("huber_loss", _pair((4, 5)), f"huber-{d}-{r}", delta=d, reduction=r) for d in (1.0, 0.4) for r in REDUCTIONS],
    *[_case("smooth_l1_loss", _pair((4, 5)), f"smooth_l1-{b}", beta=b) for b in (1.0, 0.4, 0.0)],
    _case("huber_loss", _pair((6,)), "huber-weight", weight=np.linspace(0.1, 1, 6)),
    *[_case("binary_cross_entropy", _pair((3, 4), 0.05, 0.95), f"bce-{r}", reduction=r) for r in REDUCTIONS],
    _case("binary_cross_entropy", _pair((3, 4), 0.05, 0.95), "bce-weight", weight=W4),
    *[_case("binary_cross_entropy_with_logits", _pair((3, 4), -4, 4), f"bce_logits-{r}", reduction=r) for r in REDUCTIONS],
    _case("binary_cross_entropy_with_logits", _pair((3, 4), -4, 4), "bce_logits-weights", weight=W4, pos_weight=W4[::-1].copy()),
    *[_case("cross_entropy", _classes((5, 4)), f"ce-{r}", reduction=r) for r in REDUCTIONS],
    *[_case("cross_entropy", _classes((6, 4), ignore=2), f"ce-weight-ignore-{r}", weight=W4, reduction=r) for r in REDUCTIONS],
    *[_case("cross_entropy", _classes((6, 4), ignore=1), f"ce-smooth-{r}", label_smoothing=0.2, reduction=r) for r in REDUCTIONS],
    _case("cross_entropy", _classes((6, 4), ignore=2), "ce-smooth-weight", weight=W4, label_smoothing=0.3),
    _case("cross_entropy", _classes((2, 4, 3), ignore=1), "ce-multidim", weight=W4, label_smoothing=0.1),
    _case("cross_entropy", _classes((2, 4, 3, 2)), "ce-multidim-none", reduction="none"),
    _case("cross_entropy", _classes((4,)), "ce-unbatched"),
    _case("cross_entropy", _classes((6, 4)), "ce-ignore-class-2", ignore_index=2),
    *[_case("cross_entropy", _probs((5, 4)), f"ce-probs-{r}", reduction=r) for r in REDUCTIONS],
    _case("cross_entropy", _probs((5, 4)), "ce-probs-weight-smooth", weight=W4, label_smoothing=0.2),
    *[_case("nll_loss", _classes((6, 4), ignore=2), f"nll-weight-{r}", weight=W4, reduction=r) for r in REDUCTIONS],
    _case("nll_loss", _classes((2, 4, 3), ignore=1), "nll-multidim"),
    _case("nll_loss", _classes((4,)), "nll-unbatched", reduction="none"),
]  # fmt: skip

test_op = op_tests(CASES)


# --- fused against composed ---
def _composed_cross_entropy(x, t, w, ignore_index, eps):
    """Mean cross-entropy from primitive ops: log_softmax, indexing, sums."""
    logp = dl.log_softmax(x, 1)
    n, c = x.shape
    valid = t.numpy() != ignore_index
    tc = np.where(valid, t.numpy(), 0)
    wt = w[tc] * valid
    nll = -(logp[np.arange(n), tc] * dl.tensor(wt)).sum()
    smooth = -((logp * dl.tensor(w)).sum(1) * dl.tensor(valid.astype(float))).sum()
    return ((1 - eps) * nll + eps / c * smooth) / float(wt.sum())


@pytest.mark.parametrize("eps", [0.0, 0.25])
@pytest.mark.parametrize("weighted", [False, True])
def test_fused_cross_entropy_equals_its_composition(eps, weighted):
    rng = np.random.default_rng(3)
    x = dl.tensor(rng.standard_normal((7, 4)), requires_grad=True)
    t = dl.tensor(np.array([0, 1, 2, 3, -100, 1, 3]))
    w = W4 if weighted else np.ones(4)
    fused = L.cross_entropy(x, t, weight=dl.tensor(w) if weighted else None, label_smoothing=eps)
    composed = _composed_cross_entropy(x, t, w, -100, eps)
    assert type(fused.grad_fn).__name__ == "CrossEntropy"  # one Function, not a chain
    np.testing.assert_allclose(fused.item(), composed.item(), rtol=1e-12)
    (g1,), (g2,) = dl.grad(fused, [x]), dl.grad(composed, [x])
    np.testing.assert_allclose(g1.numpy(), g2.numpy(), rtol=1e-10, atol=1e-14)


def test_fused_bce_with_logits_equals_bce_of_sigmoid():
    rng = np.random.default_rng(4)
    x = dl.tensor(rng.uniform(-3, 3, (4, 3)), requires_grad=True)
    t = dl.tensor(rng.uniform(0, 1, (4, 3)), requires_grad=True)
    fused = L.binary_cross_entropy_with_logits(x, t)
    composed = L.binary_cross_entropy(dl.sigmoid(x), t)
    np.testing.assert_allclose(fused.item(), composed.item(), rtol=1e-12)
    for a, b in zip(dl.grad(fused, [x, t]), dl.grad(composed, [x, t])):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-9)


def test_nll_of_log_softmax_is_cross_entropy():
    rng = np.random.default_rng(5)
    x = dl.tensor(rng.standard_normal((5, 3, 2)), requires_grad=True)
    t = dl.tensor(rng.integers(0, 3, (5, 2)))
    a, b = L.cross_entropy(x, t, weight=W4[:3]), L.nll_loss(dl.log_softmax(x, 1), t, weight=W4[:3])
    np.testing.assert_allclose(a.item(), b.item(), rtol=1e-12)
    np.testing.assert_allclose(dl.grad(a, x)[0].numpy(), dl.grad(b, x)[0].numpy(), atol=1e-14)


# --- stability, dtypes, PyTorch's special values ---
BIG = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 0.0], [0.0, 0.0, 1000.0]], np.float32)


@requires_torch
@pytest.mark.parametrize("eps", [0.0, 0.1])
def test_cross_entropy_is_stable_at_1000(eps):
    import torch

    x = dl.tensor(BIG, requires_grad=True)
    loss = L.cross_entropy(x, dl.tensor([1, 1, 0]), reduction="none", label_smoothing=eps)
    tx = torch.tensor(BIG, requires_grad=True)
    tl = torch.nn.functional.cross_entropy(
        tx, torch.tensor([1, 1, 0]), reduction="none", label_smoothing=eps
    )
    (g,), (tg,) = dl.grad(loss, [x], [np.ones(3)]), torch.autograd.grad(tl.sum(), [tx])
    assert loss.dtype == np.float32 and g.dtype == np.float32
    assert np.isfinite(loss.numpy()).all() and np.isfinite(g.numpy()).all()
    np.testing.assert_allclose(loss.numpy(), tl.detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(g.numpy(), tg.numpy(), atol=1e-6)


@requires_torch
def test_bce_with_logits_is_stable_at_1000():
    import torch

    xs = np.array([1000.0, -1000.0, 1000.0, -1000.0, 0.0], np.float32)
    ts = np.array([1.0, 1.0, 0.0, 0.5, 0.3], np.float32)
    ours = [dl.tensor(a, requires_grad=True) for a in (xs, ts)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (xs, ts)]
    pw = np.float32(3.0)
    y = L.binary_cross_entropy_with_logits(*ours, pos_weight=dl.tensor(pw), reduction="none")
    ty = torch.nn.functional.binary_cross_entropy_with_logits(
        *theirs, pos_weight=torch.tensor(pw), reduction="none"
    )
    grads, tgrads = dl.grad(y, ours, [np.ones(5)]), torch.autograd.grad(ty.sum(), theirs)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-6)
    for g, tg in zip(grads, tgrads):
        assert np.isfinite(g.numpy()).all()
        np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-6)


def test_bce_clamps_its_logs_at_minus_100_as_pytorch():
    x = dl.tensor([0.0, 1.0, 1.0], requires_grad=True)
    loss = L.binary_cross_entropy(x, dl.tensor([1.0, 0.0, 1.0]), reduction="none")
    assert loss.tolist() == [100.0, 100.0, 0.0]
    (g,) = dl.grad(loss, [x], [np.ones(3, np.float32)])
    assert g.tolist() == [pytest.approx(-1e12), pytest.approx(1e12), 0.0]


def test_mean_over_only_ignored_targets_is_nan_as_pytorch():
    x = dl.tensor(np.zeros((2, 3)), requires_grad=True)
    loss = L.cross_entropy(x, dl.tensor([-100, -100]))
    assert np.isnan(loss.item())
    assert L.cross_entropy(x, dl.tensor([-100, -100]), reduction="sum").item() == 0.0


def test_mse_broadcasts_a_differently_shaped_target_with_pytorchs_warning():
    x = dl.tensor([[1.0], [2.0], [3.0]], requires_grad=True)
    with pytest.warns(UserWarning, match=r"target size .*\[3\].* input size .*\[3, 1\]"):
        loss = L.mse_loss(x, dl.tensor([1.0, 2.0, 3.0]))
    assert loss.item() == pytest.approx((0 + 1 + 4 + 1 + 0 + 1 + 4 + 1 + 0) / 9)


def test_legacy_size_average_and_reduce_pick_the_reduction():
    x, t = dl.tensor([1.0, 3.0]), dl.tensor([0.0, 0.0])
    with pytest.warns(UserWarning, match="reduction='sum'"):
        assert L.mse_loss(x, t, size_average=False).item() == 10.0
    with pytest.warns(UserWarning, match="reduction='none'"):
        assert L.l1_loss(x, t, reduce=False).tolist() == [1.0, 3.0]


def test_float32_stays_float32():
    x = dl.tensor(np.zeros((2, 3), np.float32), requires_grad=True)
    assert L.cross_entropy(x, dl.tensor([0, 2]), weight=dl.tensor(W4[:3])).dtype == np.float32
    assert L.binary_cross_entropy(dl.sigmoid(x), dl.ones(2, 3), weight=W4[:3]).dtype == np.float32


# --- errors: PyTorch's type and message, raised before anything is recorded ---
X34 = np.random.default_rng(6).standard_normal((3, 4)).astype(np.float32)
P31 = np.full((3, 1), 0.5, np.float32)
ERRORS = [
    ("cross_entropy", X34, np.array([0, 5, 1]), {}, IndexError, r"Target 5 is out of bounds\. \(input has 4 classes"),
    ("cross_entropy", X34, np.array([0, -1, 1]), {}, IndexError, "Target -1 is out of bounds"),
    ("nll_loss", X34, np.array([0, 4, 1]), {}, IndexError, "Target 4 is out of bounds"),
    ("cross_entropy", X34, np.array([0.0, 1.0, 1.0], np.float32), {}, RuntimeError, r"Long or Byte, but got Float \(target shape .*\[3\].*probabilities only in the input's shape"),
    ("cross_entropy", X34, np.ones((3, 4), np.int64), {}, RuntimeError, "Expected floating point type for target with class probabilities, got Long"),
    ("cross_entropy", X34, np.array([0, 1]), {}, ValueError, r"Expected input batch_size \(3\) to match target batch_size \(2\)"),
    ("cross_entropy", X34, np.zeros((3, 2), np.int64), {}, RuntimeError, "0D or 1D target tensor expected"),
    ("cross_entropy", X34.reshape(3, 2, 2), np.zeros((3, 3), np.int64), {}, RuntimeError, r"Expected target size \[3, 2\], got \[3, 3\]"),
    ("cross_entropy", X34[0], np.array([1, 2]), {}, ValueError, "For 1D input, 1D target must have size 1, but got target size: 2"),
    ("cross_entropy", X34.reshape(3, 2, 2), np.zeros((3, 2, 1), np.int64), {}, RuntimeError, r"Expected target size \[3, 2\], got \[3, 2, 1\]"),
    ("cross_entropy", X34, np.array([0, 1, 1]), dict(weight=np.ones(2, np.float32)), RuntimeError, "all 4 classes or no classes but got weight tensor of shape: \\[2\\]"),
    ("cross_entropy", X34, np.array([0, 1, 1]), dict(label_smoothing=1.5), RuntimeError, "label_smoothing must be between 0.0 and 1.0. Got: 1.5"),
    ("cross_entropy", X34, np.array([0, 1, 1]), dict(reduction="avg"), ValueError, "avg is not a valid value for reduction"),
    ("cross_entropy", X34, np.full((3, 4), 0.25, np.float32), dict(ignore_index=1), RuntimeError, "ignore_index is not supported for floating point target"),
    ("cross_entropy", X34.astype(np.int64), np.array([0, 1, 1]), {}, NotImplementedError, "Long"),
    ("binary_cross_entropy", P31, np.full(3, 0.5, np.float32), {}, ValueError, r"target size \(.*Size\(\[3\]\)\) that is different to the input size \(.*Size\(\[3, 1\]\)\)"),
    ("binary_cross_entropy", P31 + 1, P31, {}, RuntimeError, r"all elements of input should be between 0 and 1 \(found 1.5 at index \[0, 0\]\)"),
    ("binary_cross_entropy", P31, P31 - 2, {}, RuntimeError, "all elements of target should be between 0 and 1"),
    ("binary_cross_entropy", P31, np.ones((3, 1), np.int64), {}, RuntimeError, "Found dtype Long but expected Float"),
    ("binary_cross_entropy", P31, np.ones((3, 1)), {}, RuntimeError, "Found dtype Double but expected Float"),
    ("binary_cross_entropy", P31, P31, dict(weight=np.ones(4, np.float32)), RuntimeError, r"weight of shape \[4\] does not fit input \[3, 1\]"),
    ("binary_cross_entropy_with_logits", P31, np.ones(3, np.float32), {}, ValueError, r"Target size \(.*Size\(\[3\]\)\) must be the same as input size \(.*Size\(\[3, 1\]\)\)"),
    ("binary_cross_entropy_with_logits", P31, np.ones((3, 1), np.int64), {}, RuntimeError, "desired output type Long"),
    ("binary_cross_entropy_with_logits", X34, X34, dict(pos_weight=np.ones(3, np.float32)), RuntimeError, r"weight of shape \[3\] does not fit input \[3, 4\]"),
    ("mse_loss", P31, np.ones((3, 4, 2), np.float32), {}, RuntimeError, r"\(3,1\).*\(3,4,2\)"),
    ("mse_loss", np.ones(3, np.int64), np.ones(3, np.int64), {}, NotImplementedError, "Long"),
    ("mse_loss", P31, P31, dict(weight=np.ones(3, np.float32)), ValueError, "Weights and input must have the same size"),
    ("huber_loss", P31, P31, dict(delta=0.0), RuntimeError, "huber_loss does not support non-positive values for delta. Got: 0.0"),
    ("smooth_l1_loss", P31, P31, dict(beta=-1.0), RuntimeError, "smooth_l1_loss does not support negative values for beta"),
]  # fmt: skip


@pytest.mark.parametrize(
    "name, x, t, kwargs, error, match", ERRORS, ids=[f"{e[0]}-{i}" for i, e in enumerate(ERRORS)]
)
def test_bad_input_raises_pytorchs_error_before_recording(name, x, t, kwargs, error, match):
    xt = dl.tensor(x, requires_grad=x.dtype.kind == "f")
    seq = autograd.last_tick()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # mse warns about the shapes before it fails
        with pytest.raises(error, match=match):
            getattr(L, name)(xt, dl.tensor(t), **kwargs)
    assert autograd.last_tick() == seq and xt.grad is None
    if HAS_TORCH:  # and PyTorch raises the same kind of error
        import torch

        kw = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises((error, RuntimeError) if error is NotImplementedError else error):
                getattr(torch.nn.functional, name)(torch.tensor(x), torch.tensor(t), **kw)
