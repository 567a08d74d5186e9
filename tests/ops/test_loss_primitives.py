"""The loss primitives of ops/loss.py and ops/crossentropy.py: each against PyTorch (or NumPy)
and central differences, and then one case per primitive that runs every face over it —
`nn.functional`, `nn`'s loss module, Keras's loss function, Loss object and metric — and finds
the primitive's numbers in each."""

import numpy as np
import pytest

import deepling as dl
import deepling.nn.functional as F
from deepling import keras, nn
from deepling.ops import crossentropy as CE
from deepling.ops import loss as L
from tests.helpers import Case, op_tests

EPS = 1e-7  # Keras's clip of probabilities


def _pair(shape, low=-2.0, high=2.0):
    return lambda rng: [rng.uniform(low, high, shape), rng.uniform(low, high, shape)]


def _probabilities(shape):
    return lambda rng: [rng.uniform(0.05, 0.95, shape), rng.uniform(0, 1, shape)]


def _torch_none(name, **fixed):
    def run(*xs, **kwargs):
        import torch

        return getattr(torch.nn.functional, name)(*xs, reduction="none", **fixed)

    return run


def _np_bce(p, t, clip=None):
    if clip is not None:
        p = np.clip(p, clip, 1 - clip)
    return -(t * np.log(p) + (1 - t) * np.log1p(-p))


def _logits_and_labels(rng):
    return [rng.uniform(-3, 3, (5, 4)), rng.integers(0, 4, 5)]


def _logits_and_probabilities(rng):
    return [rng.uniform(-3, 3, (5, 4)), rng.dirichlet(np.ones(4), 5)]


def _torch_soft(x, t):
    import torch

    return -(torch.log_softmax(x, 1) * t).sum(1)


CASES = [
    Case(L.squared_error, torch=_torch_none("mse_loss"), make_inputs=_pair((3, 4))),
    Case(L.absolute_error, torch=_torch_none("l1_loss"), make_inputs=_pair((3, 4))),
    Case(L.huber, torch=_torch_none("huber_loss", delta=0.5), make_inputs=_pair((3, 4)),
         kwargs={"delta": 0.5}),
    Case(L.bce, torch=_torch_none("binary_cross_entropy"), make_inputs=_probabilities((3, 4)),
         name="bce-pytorch"),
    Case(lambda p, t: L.bce(p, t, clip=0.1), numpy=lambda p, t: _np_bce(p, t, clip=0.1),
         make_inputs=lambda rng: [rng.uniform(0.15, 0.85, (3, 4)), rng.uniform(0, 1, (3, 4))],
         name="bce-keras-clip"),
    Case(L.bce, torch=lambda p, t, **_: _torch_none("binary_cross_entropy")(p, t).sum(),
         make_inputs=_probabilities((3, 4)), kwargs={"reduction": "sum"}, name="bce-fused-sum"),
    Case(L.bce_with_logits, torch=_torch_none("binary_cross_entropy_with_logits"),
         make_inputs=_pair((3, 4))),
    Case(CE.softmax_cross_entropy, torch=_torch_none("cross_entropy"),
         make_inputs=_logits_and_labels),
    Case(lambda x, t: CE.nll(x, t)[0], torch=_torch_none("nll_loss"),
         make_inputs=_logits_and_labels, name="nll"),
    Case(lambda x, t: CE.soft_cross_entropy(dl.log_softmax(x, 1), t), torch=_torch_soft,
         make_inputs=_logits_and_probabilities, name="soft_cross_entropy"),
    Case(lambda x, w: L.reduce_loss(x, "mean", w, total_weight=w.sum()),
         numpy=lambda x, w: (x * w).sum() / w.sum(), make_inputs=_pair((6,), 0.5, 2.0),
         name="reduce_loss-by-weight"),
]  # fmt: skip
test_op = op_tests(CASES)


def test_bce_clip_makes_the_clipped_probabilities_constant():
    p = dl.tensor([1e-9, 0.5, 1.0], requires_grad=True)
    loss = L.bce(p, dl.tensor([1.0, 1.0, 0.0]), clip=EPS)
    (g,) = dl.grad(loss.sum(), [p])
    assert np.isfinite(loss.numpy()).all()
    assert g.tolist()[0] == 0.0 and g.tolist()[2] == 0.0 and g.tolist()[1] == pytest.approx(-2.0)


# --- every face over one primitive ---
rng = np.random.default_rng(3)
X, T = rng.uniform(0.05, 0.95, (6, 3)).astype(np.float32), rng.uniform(0, 1, (6, 3))
T = T.astype(np.float32)
Z, LABELS = rng.normal(size=(6, 4)).astype(np.float32), rng.integers(0, 4, 6)


def _faces(torch_fn, torch_module, keras_fn, keras_loss, keras_metric, y_pred, y_true):
    """Each face's number for the batch: its mean loss (Keras: per-sample means, averaged)."""
    found = {
        "nn.functional": torch_fn(dl.tensor(y_pred), dl.tensor(y_true)).item(),
        "nn module": torch_module(dl.tensor(y_pred), dl.tensor(y_true)).item(),
        "keras function": float(keras_fn(y_true, y_pred).numpy().mean()),
        "keras Loss": float(keras_loss(y_true, y_pred).numpy()),
    }
    if keras_metric is not None:
        found["keras metric"] = float(keras_metric(y_true, y_pred))
    return found


FACES = {
    "squared_error": (
        lambda: L.squared_error(dl.tensor(X), dl.tensor(T)).mean().item(),
        (F.mse_loss, nn.MSELoss(), keras.losses.mean_squared_error,
         keras.losses.MeanSquaredError(), keras.metrics.MeanSquaredError(), X, T),
    ),
    "absolute_error": (
        lambda: L.absolute_error(dl.tensor(X), dl.tensor(T)).mean().item(),
        (F.l1_loss, nn.L1Loss(), keras.losses.mean_absolute_error,
         keras.losses.MeanAbsoluteError(), keras.metrics.MeanAbsoluteError(), X, T),
    ),
    "huber": (
        lambda: L.huber(dl.tensor(X), dl.tensor(T), 0.25).mean().item(),
        (lambda x, t: F.huber_loss(x, t, delta=0.25), nn.HuberLoss(delta=0.25),
         lambda t, p: keras.losses.huber(t, p, delta=0.25), keras.losses.Huber(delta=0.25),
         None, X, T),
    ),
    "bce": (  # Keras clips at 1e-7, PyTorch clamps the logs: the same on these probabilities
        lambda: L.bce(dl.tensor(X), dl.tensor(T), clip=EPS).mean().item(),
        (F.binary_cross_entropy, nn.BCELoss(), keras.losses.binary_crossentropy,
         keras.losses.BinaryCrossentropy(), keras.metrics.BinaryCrossentropy(), X, T),
    ),
    "bce_with_logits": (
        lambda: L.bce_with_logits(dl.tensor(Z[:, :3]), dl.tensor(T)).mean().item(),
        (F.binary_cross_entropy_with_logits, nn.BCEWithLogitsLoss(),
         lambda t, p: keras.losses.binary_crossentropy(t, p, from_logits=True),
         keras.losses.BinaryCrossentropy(from_logits=True),
         keras.metrics.BinaryCrossentropy(from_logits=True), Z[:, :3], T),
    ),
    "softmax_cross_entropy": (
        lambda: CE.softmax_cross_entropy(dl.tensor(Z), LABELS).mean().item(),
        (F.cross_entropy, nn.CrossEntropyLoss(),
         lambda t, p: keras.losses.sparse_categorical_crossentropy(t, p, from_logits=True),
         keras.losses.SparseCategoricalCrossentropy(from_logits=True),
         keras.metrics.SparseCategoricalCrossentropy(from_logits=True), Z, LABELS),
    ),
}  # fmt: skip


@pytest.mark.parametrize("primitive", list(FACES))
def test_every_face_computes_the_primitive(primitive):
    expected, faces = FACES[primitive]
    found = _faces(*faces)
    assert found == pytest.approx(dict.fromkeys(found, expected()), rel=1e-5)
