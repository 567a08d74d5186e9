"""keras.losses against Keras's formulas written out in NumPy (float64 on float32 inputs).

Keras 3 (losses.py, backend/tensorflow/nn.py): per-sample loss = mean over the last axis
(crossentropies: sum over classes); probabilities clipped to [1e-7, 1 - 1e-7] with no epsilon
inside the log; categorical normalizes by the sum first; 'sum_over_batch_size' = sum / count.
"""

import numpy as np
import pytest

import deepling as dl
from deepling import keras
from deepling.keras import losses

EPS = 1e-7
rng = np.random.default_rng(0)
N, C = 6, 4
PROBS = rng.dirichlet(np.ones(C), N).astype(np.float32)
LOGITS = rng.normal(size=(N, C)).astype(np.float32) * 2
LABELS = rng.integers(0, C, N)
ONEHOT = np.eye(C, dtype=np.float32)[LABELS]
BIN_T = rng.integers(0, 2, (N, 3)).astype(np.float32)
BIN_P = rng.uniform(0.05, 0.95, (N, 3)).astype(np.float32)
REG_T = rng.normal(size=(N, 3)).astype(np.float32)
REG_P = rng.normal(size=(N, 3)).astype(np.float32) * 2


def np_mse(t, p):
    return np.mean((p - t) ** 2, -1)


def np_mae(t, p):
    return np.mean(np.abs(p - t), -1)


def np_huber(t, p, delta=1.0):
    e = np.abs(p - t)
    return np.mean(np.where(e <= delta, 0.5 * e**2, delta * e - 0.5 * delta**2), -1)


def np_bce(t, p, from_logits=False, label_smoothing=0.0):
    t = t * (1 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:  # tf.nn.sigmoid_cross_entropy_with_logits
        return np.mean(np.maximum(p, 0) - p * t + np.log1p(np.exp(-np.abs(p))), -1)
    p = np.clip(p, EPS, 1 - EPS)
    return -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p), -1)


def np_log_softmax(z):
    z = z - z.max(-1, keepdims=True)
    return z - np.log(np.exp(z).sum(-1, keepdims=True))


def np_cce(t, p, from_logits=False, label_smoothing=0.0):
    t = t * (1 - label_smoothing) + label_smoothing / p.shape[-1]
    if from_logits:
        return -np.sum(t * np_log_softmax(p), -1)
    p = np.clip(p / p.sum(-1, keepdims=True), EPS, 1 - EPS)
    return -np.sum(t * np.log(p), -1)


def np_scce(labels, p, from_logits=False):
    labels = np.asarray(labels).astype(np.int64)
    logp = (
        np_log_softmax(p)
        if from_logits
        else np.log(np.clip(p / p.sum(-1, keepdims=True), EPS, 1 - EPS))
    )
    return -np.take_along_axis(logp, labels.reshape(-1, 1), -1)[:, 0]


def f64(x):
    return np.asarray(x, dtype=np.float64)


# (name, function, class, kwargs, y_true, y_pred, reference)
CASES = [
    ("mse", losses.mean_squared_error, losses.MeanSquaredError, {}, REG_T, REG_P, np_mse),
    ("mae", losses.mean_absolute_error, losses.MeanAbsoluteError, {}, REG_T, REG_P, np_mae),
    ("huber", losses.huber, losses.Huber, {}, REG_T, REG_P, np_huber),
    ("huber_d", losses.huber, losses.Huber, {"delta": 0.5}, REG_T, REG_P, np_huber),
    ("bce", losses.binary_crossentropy, losses.BinaryCrossentropy, {}, BIN_T, BIN_P, np_bce),
    ("bce_logits", losses.binary_crossentropy, losses.BinaryCrossentropy, {"from_logits": True}, BIN_T, REG_P, np_bce),
    ("bce_smooth", losses.binary_crossentropy, losses.BinaryCrossentropy, {"label_smoothing": 0.2}, BIN_T, BIN_P, np_bce),
    ("cce", losses.categorical_crossentropy, losses.CategoricalCrossentropy, {}, ONEHOT, PROBS, np_cce),
    ("cce_logits", losses.categorical_crossentropy, losses.CategoricalCrossentropy, {"from_logits": True}, ONEHOT, LOGITS, np_cce),
    ("cce_smooth", losses.categorical_crossentropy, losses.CategoricalCrossentropy, {"label_smoothing": 0.1, "from_logits": True}, ONEHOT, LOGITS, np_cce),
    ("scce", losses.sparse_categorical_crossentropy, losses.SparseCategoricalCrossentropy, {}, LABELS, PROBS, np_scce),
    ("scce_logits", losses.sparse_categorical_crossentropy, losses.SparseCategoricalCrossentropy, {"from_logits": True}, LABELS, LOGITS, np_scce),
]  # fmt: skip
IDS = [c[0] for c in CASES]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_function_matches_keras_formula(case):
    _, fn, _, kwargs, t, p, ref = case
    got = fn(t, dl.tensor(p), **kwargs)
    assert got.shape == (N,)
    np.testing.assert_allclose(got.numpy(), ref(f64(t), f64(p), **kwargs), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_class_reductions_and_sample_weight(case):
    _, _, cls, kwargs, t, p, ref = case
    per_sample = ref(f64(t), f64(p), **kwargs)
    w = rng.uniform(0, 2, N).astype(np.float32)
    expect = {"sum_over_batch_size": per_sample.mean(), "sum": per_sample.sum(), "none": per_sample}
    for reduction, value in expect.items():
        got = cls(reduction=reduction, **kwargs)(t, dl.tensor(p))
        np.testing.assert_allclose(got.numpy(), value, rtol=1e-5, atol=1e-6)
    # Keras divides the weighted sum by the number of samples, not by sum(w)
    got = cls(**kwargs)(t, dl.tensor(p), sample_weight=w)
    np.testing.assert_allclose(float(got), (per_sample * w).sum() / N, rtol=1e-5)
    got = cls(reduction="mean_with_sample_weight", **kwargs)(t, dl.tensor(p), sample_weight=w)
    np.testing.assert_allclose(float(got), (per_sample * w).sum() / w.sum(), rtol=1e-5)
    got = cls(**kwargs)(t, dl.tensor(p), sample_weight=w[:, None])  # (N, 1) weights
    np.testing.assert_allclose(float(got), (per_sample * w).sum() / N, rtol=1e-5)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_gradients_are_finite_and_match_differences(case):
    _, _, cls, kwargs, t, p, _ = case
    pred = dl.tensor(p, requires_grad=True)
    cls(**kwargs)(t, pred).backward()
    assert pred.grad is not None and np.isfinite(pred.grad.numpy()).all()
    assert np.abs(pred.grad.numpy()).sum() > 0
    assert dl.gradcheck(lambda q: cls(reduction="none", **kwargs)(t, q), [f64(p)])


def test_keras_documented_example():
    y_true, y_pred = [[0, 1], [0, 0]], dl.tensor([[0.6, 0.4], [0.4, 0.6]])
    np.testing.assert_allclose(
        losses.binary_crossentropy(y_true, y_pred).numpy(), [0.916, 0.714], atol=1e-3
    )
    assert abs(float(losses.BinaryCrossentropy()(y_true, y_pred)) - 0.815) < 1e-3


def test_class_names_are_keras():
    names = [losses.MeanSquaredError().name, losses.MeanAbsoluteError().name, losses.Huber().name,
             losses.BinaryCrossentropy().name, losses.CategoricalCrossentropy().name,
             losses.SparseCategoricalCrossentropy().name]  # fmt: skip
    assert names == ["mean_squared_error", "mean_absolute_error", "huber_loss",
                     "binary_crossentropy", "categorical_crossentropy",
                     "sparse_categorical_crossentropy"]  # fmt: skip


def test_probabilities_are_clipped_not_offset():
    t = np.array([[1.0, 0.0, 1.0]], np.float32)
    p = dl.tensor([[1.0, 1.0, 0.0]])  # one right with certainty, two wrong with certainty
    hi = np.float32(1 - EPS)  # clipping happens in float32, as in Keras: 1 - hi is 1.19e-7
    expect = -(np.log(hi) + np.log(np.float32(1) - hi) + np.log(np.float32(EPS))) / 3
    np.testing.assert_allclose(float(losses.binary_crossentropy(t, p)[0]), expect, rtol=1e-4)
    onehot, probs = np.array([[0.0, 1.0]], np.float32), dl.tensor([[1.0, 0.0]])
    np.testing.assert_allclose(
        float(losses.categorical_crossentropy(onehot, probs)[0]), -np.log(EPS), rtol=1e-4
    )
    np.testing.assert_allclose(
        float(losses.sparse_categorical_crossentropy([1], probs)[0]), -np.log(EPS), rtol=1e-4
    )


def test_categorical_normalizes_unnormalized_probabilities():
    p = np.array([[2.0, 1.0, 1.0]], np.float32)
    got = losses.categorical_crossentropy(np.array([[1.0, 0, 0]], np.float32), dl.tensor(p))
    np.testing.assert_allclose(float(got[0]), -np.log(0.5), rtol=1e-6)


@pytest.mark.parametrize("name", ["mse", "mae", "huber", "binary_crossentropy"])
def test_rank_one_targets_do_not_broadcast(name):
    t = np.array([0.0, 1.0, 1.0, 0.0], np.float32)
    p = np.array([[0.2], [0.7], [0.9], [0.4]], np.float32)
    ref = {"mse": np_mse, "mae": np_mae, "huber": np_huber, "binary_crossentropy": np_bce}[name]
    got = losses.get(name)(t, dl.tensor(p))
    np.testing.assert_allclose(float(got), ref(f64(t)[:, None], f64(p)).mean(), rtol=1e-6)
    assert losses.get(name)(t, dl.tensor(p)).shape == ()
    assert losses.get(name)(p[:, 0], dl.tensor(t[:, None])).shape == ()  # the other way round
    none = losses.LossFunctionWrapper(losses.get(name).fn, reduction="none")(t, dl.tensor(p))
    assert none.shape == (4,)


def test_sparse_labels_of_shape_n1_and_float_whole_numbers():
    want = np_scce(LABELS, f64(PROBS)).mean()
    for labels in (LABELS[:, None], LABELS.astype(np.float32), LABELS.astype(np.uint8)):
        got = losses.SparseCategoricalCrossentropy()(labels, dl.tensor(PROBS))
        np.testing.assert_allclose(float(got), want, rtol=1e-5)


def test_ignore_class_averages_over_the_other_labels():
    labels = LABELS.copy()
    labels[:2] = -1
    keep = labels != -1
    per = np_scce(np.where(keep, labels, 0), f64(LOGITS), True) * keep
    loss = losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1)
    np.testing.assert_allclose(
        float(loss(labels, dl.tensor(LOGITS))), per.sum() / keep.sum(), rtol=1e-5
    )
    w = np.linspace(0.5, 2, N)
    want = (per * w).sum() / keep.sum()
    np.testing.assert_allclose(
        float(loss(labels, dl.tensor(LOGITS), sample_weight=w)), want, rtol=1e-5
    )
    summed = losses.SparseCategoricalCrossentropy(
        from_logits=True, ignore_class=-1, reduction="sum"
    )
    np.testing.assert_allclose(float(summed(labels, dl.tensor(LOGITS))), per.sum(), rtol=1e-5)


def test_unknown_loss_lists_valid_names():
    with pytest.raises(ValueError, match="Unknown loss: 'msee'.*mean_squared_error"):
        losses.get("msee")
    with pytest.raises(ValueError, match="reduction"):
        losses.MeanSquaredError(reduction="average")


@pytest.mark.parametrize(
    "labels, match",
    [
        (ONEHOT, r"integer class labels.*\(6, 4\).*categorical_crossentropy"),
        (np.full(N, C), "label value of 4 .*outside the valid range of \\[0, 4\\)"),
        (np.full(N, -1), "label value of -1 .*outside the valid range"),
        (np.full(N, 1.5), "whole numbers.*1.5"),
        (LABELS[:3], r"same shape up until the last dimension.*\(3,\).*\(6, 4\)"),
    ],
)
def test_sparse_crossentropy_rejects_bad_labels(labels, match):
    with pytest.raises(ValueError, match=match):
        losses.SparseCategoricalCrossentropy()(labels, dl.tensor(PROBS))


def test_categorical_and_binary_shape_and_range_errors():
    with pytest.raises(ValueError, match=r"target.shape=\(6,\), output.shape=\(6, 4\).*sparse"):
        losses.categorical_crossentropy(LABELS, dl.tensor(PROBS))
    with pytest.raises(ValueError, match=r"target.shape=\(6, 2\), output.shape=\(6, 3\)"):
        losses.binary_crossentropy(BIN_T[:, :2], dl.tensor(BIN_P))
    with pytest.raises(ValueError, match=r"\[0, 1\].*from -1.0 to 1.0"):
        losses.binary_crossentropy(BIN_T * 2 - 1, dl.tensor(BIN_P))
    with pytest.warns(SyntaxWarning, match="binary_crossentropy"):
        losses.categorical_crossentropy(np.ones((2, 1)), dl.tensor([[0.5], [0.5]]))


def test_user_functions_and_subclasses_get_float_tensors_of_one_rank():
    seen = []

    def my_loss(y_true, y_pred):
        seen.append((type(y_true), y_true.dtype, tuple(y_true.shape)))
        return ((y_true - y_pred) ** 2).mean(-1)

    got = losses.get(my_loss)(np.array([1, 2]), dl.tensor([[1.0], [4.0]]))
    assert seen == [(dl.Tensor, dl.float32, (2, 1))] and float(got) == 2.0

    class Scaled(losses.Loss):
        def call(self, y_true, y_pred):
            return 3 * ((y_true - y_pred) ** 2).mean(-1)

    assert float(Scaled()(np.array([[1.0]]), dl.tensor([[2.0]]))) == 3.0


def test_torch_style_loss_modules_take_keras_argument_order():
    ce = losses.get(dl.nn.CrossEntropyLoss())
    want = np_scce(LABELS, f64(LOGITS), True).mean()
    np.testing.assert_allclose(float(ce(LABELS[:, None], dl.tensor(LOGITS))), want, rtol=1e-5)
    w = rng.uniform(0, 2, N)
    per = np_scce(LABELS, f64(LOGITS), True)
    np.testing.assert_allclose(
        float(ce(LABELS[:, None], dl.tensor(LOGITS), sample_weight=w)), (per * w).mean(), rtol=1e-5
    )
    bce = losses.get(dl.nn.BCEWithLogitsLoss())
    t01 = np.array([0, 1, 1, 0])  # (N,) integer 0/1 targets meet an (N, 1) output
    out = rng.normal(size=(4, 1)).astype(np.float32)
    np.testing.assert_allclose(
        float(bce(t01, dl.tensor(out))), np_bce(f64(t01)[:, None], f64(out), True).mean(), rtol=1e-5
    )
    mse = losses.get(dl.nn.MSELoss())
    assert float(mse(np.array([1.0, 2.0]), dl.tensor([[1.0], [4.0]]))) == 2.0  # not (2, 2)


X_FIT = rng.normal(size=(40, 5)).astype(np.float32)


def _fit_module_loss(loss, y, units):
    keras.utils.set_random_seed(1)
    x = X_FIT
    model = keras.Sequential([keras.layers.Dense(units)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss=loss)
    return model.fit(x, y, epochs=3, batch_size=8, verbose=0).history["loss"]


def test_compile_accepts_torch_loss_modules():
    labels = rng.integers(0, 3, 40)
    history = _fit_module_loss(dl.nn.CrossEntropyLoss(), labels, 3)
    same = _fit_module_loss(keras.losses.SparseCategoricalCrossentropy(from_logits=True), labels, 3)
    np.testing.assert_allclose(history, same, rtol=1e-5)
    assert history[-1] < history[0]


def test_module_loss_matches_keras_mse_in_fit():
    y = rng.normal(size=40).astype(np.float32)
    np.testing.assert_allclose(
        _fit_module_loss(dl.nn.MSELoss(), y, 1), _fit_module_loss("mse", y, 1), rtol=1e-5
    )


@pytest.mark.parametrize("name", ["mse", "mae"])
def test_fast_mean_path_equals_the_per_sample_path(name):
    rng = np.random.default_rng(3)
    y_true, y_pred = rng.normal(size=(6, 4)), dl.tensor(rng.normal(size=(6, 4)), requires_grad=True)
    fast = losses.get(name)(y_true, y_pred)
    slow = losses.get(name)(y_true, y_pred, sample_weight=np.ones(6))  # the weighted, general path
    np.testing.assert_allclose(fast.item(), slow.item(), rtol=1e-12)
    np.testing.assert_allclose(
        dl.grad(fast, y_pred)[0].numpy(), dl.grad(slow, y_pred)[0].numpy(), rtol=1e-12
    )


@pytest.mark.parametrize("from_logits", [False, True])
def test_binary_crossentropy_axis_averages_over_that_axis(from_logits):
    p = REG_P if from_logits else BIN_P
    got = losses.binary_crossentropy(BIN_T, dl.tensor(p), from_logits=from_logits, axis=0)
    expected = np_bce(f64(BIN_T).T, f64(p).T, from_logits)  # the mean over axis 0
    assert got.shape == (3,)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-5)


def test_binary_crossentropy_class_passes_its_axis():
    got = losses.BinaryCrossentropy(axis=0, reduction="none")(BIN_T, dl.tensor(BIN_P))
    np.testing.assert_allclose(got.numpy(), np_bce(f64(BIN_T).T, f64(BIN_P).T), rtol=1e-5)


@pytest.mark.parametrize("from_logits", [False, True])
def test_sparse_crossentropy_axis_names_the_class_axis(from_logits):
    r = np.random.default_rng(1)
    y_pred = r.dirichlet(np.ones(C), (N, 5)).transpose(0, 2, 1).astype(np.float32)  # (N, C, T)
    labels = r.integers(0, C, (N, 5))
    fn = losses.sparse_categorical_crossentropy
    got = fn(labels, dl.tensor(y_pred), from_logits=from_logits, axis=1)
    last = fn(labels, dl.tensor(np.moveaxis(y_pred, 1, -1)), from_logits=from_logits)
    assert got.shape == (N, 5)
    np.testing.assert_allclose(got.numpy(), last.numpy(), rtol=1e-6)
    moved = f64(np.moveaxis(y_pred, 1, -1)).reshape(-1, C)
    expected = np_scce(labels.ravel(), moved, from_logits).reshape(N, 5)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-5)
