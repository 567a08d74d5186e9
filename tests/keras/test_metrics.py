"""keras.metrics against hand-computed values, scikit-learn, and Keras's thresholded formulas."""

import numpy as np
import pytest

import deepling as dl
from deepling import keras
from deepling.keras import metrics

Y01 = np.array([[1], [0], [1], [0]], np.float32)
P01 = np.array([[0.7], [0.6], [0.4], [0.1]], np.float32)
W4 = np.array([1.0, 2.0, 3.0, 4.0], np.float32)


def test_binary_accuracy_threshold_and_weights():
    assert metrics.BinaryAccuracy()(Y01, P01) == 0.5  # right: rows 0 and 3
    assert metrics.BinaryAccuracy(threshold=0.3)(Y01, P01) == 0.75  # 0.4 now counts as 1
    m = metrics.BinaryAccuracy()
    m.update_state(Y01, P01, sample_weight=W4)
    assert float(m.result()) == pytest.approx((1 + 4) / 10)
    assert metrics.BinaryAccuracy()(Y01[:, 0], P01) == 0.5  # (N,) targets, (N, 1) outputs


def test_categorical_and_sparse_accuracy():
    probs = np.array([[0.1, 0.8, 0.1], [0.5, 0.2, 0.3], [0.2, 0.3, 0.5]], np.float32)
    labels = np.array([1, 2, 2])  # right, wrong, right
    assert float(metrics.CategoricalAccuracy()(np.eye(3)[labels], probs)) == pytest.approx(2 / 3)
    assert float(metrics.SparseCategoricalAccuracy()(labels, probs)) == pytest.approx(2 / 3)
    assert float(metrics.SparseCategoricalAccuracy()(labels[:, None], probs)) == pytest.approx(
        2 / 3
    )
    assert float(
        metrics.SparseCategoricalAccuracy()(labels.astype(np.float32), probs)
    ) == pytest.approx(2 / 3)
    m = metrics.SparseCategoricalAccuracy()
    m.update_state(labels, probs, sample_weight=[3.0, 1.0, 0.0])
    assert float(m.result()) == pytest.approx(3 / 4)
    assert float(metrics.Accuracy()([[1], [2], [3]], [[1], [0], [3]])) == pytest.approx(2 / 3)


def test_regression_metrics():
    t = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    p = np.array([[2.0, 2.0], [3.0, 7.0]], np.float32)  # errors 1, 0, 0, 3
    assert float(metrics.MeanAbsoluteError()(t, p)) == pytest.approx(1.0)
    assert float(metrics.MeanSquaredError()(t, p)) == pytest.approx(2.5)
    assert float(metrics.RootMeanSquaredError()(t, p)) == pytest.approx(np.sqrt(2.5))
    m = metrics.MeanAbsoluteError()
    m.update_state(t, p, sample_weight=[3.0, 1.0])  # row means 0.5 and 1.5
    assert float(m.result()) == pytest.approx((3 * 0.5 + 1.5) / 4)
    m = metrics.RootMeanSquaredError()
    m.update_state(t, p, sample_weight=[1.0, 0.0])
    assert float(m.result()) == pytest.approx(np.sqrt(0.5))


def test_state_accumulates_across_batches_and_resets():
    m = metrics.BinaryAccuracy()
    m.update_state(Y01[:2], P01[:2])  # 1 of 2 right
    m.update_state(Y01[2:], P01[2:])  # 1 of 2 right
    m.update_state([[1]], [[0.9]])  # right
    assert float(m.result()) == pytest.approx(3 / 5)
    m.reset_state()
    assert m.result() == 0.0
    rmse = metrics.RootMeanSquaredError()
    rmse.update_state([[0.0]], [[1.0]])
    rmse.update_state([[0.0], [0.0]], [[2.0], [2.0]])
    assert float(rmse.result()) == pytest.approx(np.sqrt((1 + 4 + 4) / 3))  # not the mean of RMSEs
    auc = metrics.AUC()
    auc.update_state([0, 1], [0.2, 0.9])
    auc.update_state([1, 0], [0.3, 0.1])
    whole = metrics.AUC()
    whole.update_state([0, 1, 1, 0], [0.2, 0.9, 0.3, 0.1])
    assert auc.result() == whole.result()


def test_precision_recall_with_thresholds_and_weights():
    y = np.array([1, 1, 0, 0, 1])
    p = np.array([0.9, 0.4, 0.6, 0.2, 0.7])
    # at 0.5: predicted positive = {0, 2, 4}: tp 2, fp 1, fn 1
    assert float(metrics.Precision()(y, p)) == pytest.approx(2 / 3)
    assert float(metrics.Recall()(y, p)) == pytest.approx(2 / 3)
    # at 0.3: positive = {0, 1, 2, 4}: tp 3, fp 1;  at 0.8: {0}: tp 1, fp 0, fn 2
    np.testing.assert_allclose(metrics.Precision(thresholds=[0.3, 0.8])(y, p), [3 / 4, 1.0])
    np.testing.assert_allclose(metrics.Recall(thresholds=[0.3, 0.8])(y, p), [1.0, 1 / 3])
    w = np.array([1.0, 1.0, 5.0, 1.0, 1.0])
    assert float(metrics.Precision()(y, p, sample_weight=w)) == pytest.approx(2 / 7)
    assert metrics.Precision()([0, 0], [0.1, 0.2]) == 0.0  # no positive prediction: 0, not nan


def keras_auc(y, p, num_thresholds=200, curve="ROC"):
    """Keras's AUC written out: counts of p > t, then a trapezoid (ROC) or the PR
    interpolation of Davis & Goadrich, as keras/src/metrics/confusion_metrics.py."""
    inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    t = np.array([-1e-7, *inner, 1 + 1e-7])
    above = p[None, :] > t[:, None]
    tp, fp = (above & (y == 1)).sum(1).astype(float), (above & (y == 0)).sum(1).astype(float)
    fn, tn = (~above & (y == 1)).sum(1).astype(float), (~above & (y == 0)).sum(1).astype(float)
    div = lambda a, b: np.divide(a, b, out=np.zeros_like(a), where=b > 0)  # noqa: E731
    if curve == "ROC":
        x, h = div(fp, fp + tn), div(tp, tp + fn)
        return np.sum((x[:-1] - x[1:]) * (h[:-1] + h[1:]) / 2)
    pos = tp + fp
    dtp, dp = tp[:-1] - tp[1:], pos[:-1] - pos[1:]
    slope = div(dtp, np.maximum(dp, 0))
    intercept = tp[1:] - slope * pos[1:]
    ratio = np.where((pos[:-1] > 0) & (pos[1:] > 0), div(pos[:-1], np.maximum(pos[1:], 0)), 1.0)
    return np.sum(div(slope * (dtp + intercept * np.log(ratio)), np.maximum(tp[1:] + fn[1:], 0)))


def test_auc_small_example_by_hand():
    y, p = np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])
    # thresholds -1e-7, 0.5, 1+1e-7: (fpr, tpr) = (1, 1), (0, 0.5), (0, 0) -> 1 * 0.75
    assert float(metrics.AUC(num_thresholds=3)(y, p)) == pytest.approx(0.75)
    assert float(metrics.AUC()(y, p)) == pytest.approx(0.75)  # = the exact pair count 3 / 4


@pytest.mark.parametrize("curve", ["ROC", "PR"])
def test_auc_matches_keras_formula_and_sklearn(curve):
    sk = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 2000)
    p = 1 / (1 + np.exp(-(2 * y - 1 + rng.normal(0, 1.2, 2000))))
    m = metrics.AUC(curve=curve)
    for chunk in np.array_split(np.arange(2000), 7):  # accumulated over batches
        m.update_state(y[chunk], p[chunk])
    assert float(m.result()) == pytest.approx(keras_auc(y, p, curve=curve), rel=1e-6, abs=1e-7)
    exact = sk.roc_auc_score(y, p) if curve == "ROC" else sk.average_precision_score(y, p)
    assert abs(m.result() - exact) < 1e-2
    for summation in ("minoring", "majoring"):
        value = metrics.AUC(curve="ROC", summation_method=summation)(y, p)
        assert abs(value - sk.roc_auc_score(y, p)) < 1e-2


def test_auc_errors():
    with pytest.raises(ValueError, match='Invalid curve: "XX"'):
        metrics.AUC(curve="XX")


@pytest.mark.parametrize(
    "y, out, cls",
    [
        (np.zeros((4, 1)), np.zeros((4, 1)), metrics.BinaryAccuracy),
        (np.zeros((4, 1), np.int64), np.zeros((4, 3)), metrics.SparseCategoricalAccuracy),
        (np.zeros(4, np.int64), np.zeros((4, 3)), metrics.SparseCategoricalAccuracy),
        (np.zeros((4, 3)), np.zeros((4, 3)), metrics.CategoricalAccuracy),
    ],
)
def test_accuracy_resolves_like_keras_compile_utils(y, out, cls):
    for name in ("accuracy", "acc"):
        m = metrics.get(name, y, out)
        assert type(m) is cls and m.name == name


def test_names_resolve_and_keep_the_name_asked_for():
    for name, cls in [("mae", metrics.MeanAbsoluteError), ("mse", metrics.MeanSquaredError),
                      ("rmse", metrics.RootMeanSquaredError), ("auc", metrics.AUC),
                      ("precision", metrics.Precision), ("recall", metrics.Recall),
                      ("binary_crossentropy", metrics.BinaryCrossentropy),
                      ("mean_absolute_error", metrics.MeanAbsoluteError)]:  # fmt: skip
        m = metrics.get(name)
        assert type(m) is cls and m.name == name
    assert metrics.get("acc").name == "acc"
    with pytest.raises(ValueError, match="Unknown metric: 'accuracyy'. Valid names: .*mae"):
        metrics.get("accuracyy")


def test_crossentropy_metrics_and_losses_as_metrics():
    t = np.array([[0, 1], [0, 0]], np.float32)
    p = np.array([[0.6, 0.4], [0.4, 0.6]], np.float32)
    assert float(metrics.BinaryCrossentropy()(t, p)) == pytest.approx((0.916 + 0.714) / 2, abs=1e-3)
    as_metric = metrics.get(keras.losses.BinaryCrossentropy(name="bce"))
    assert as_metric.name == "bce" and float(as_metric(t, p)) == pytest.approx(0.815, abs=1e-3)
    probs = np.array([[0.25, 0.75], [0.5, 0.5]], np.float32)
    value = metrics.SparseCategoricalCrossentropy()(np.array([1, 0]), probs)
    assert float(value) == pytest.approx(-(np.log(0.75) + np.log(0.5)) / 2, rel=1e-5)


def test_user_function_metric_gets_tensors():
    def my_mae(y_true, y_pred):
        assert isinstance(y_true, dl.Tensor) and isinstance(y_pred, dl.Tensor)
        return abs(y_true - y_pred).mean(-1)

    m = metrics.get(my_mae)  # row means 0.25 and 1.0
    assert m.name == "my_mae" and m([[0.0, 1.0], [0.0, 0.0]], [[0.5, 1.0], [2.0, 0.0]]) == 0.625


def test_history_keys_are_the_names_given_to_compile():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 3)).astype(np.float32)
    y = (x[:, :1] > 0).astype(np.float32)
    model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
    model.compile(
        "sgd", "binary_crossentropy", metrics=["acc", "mae", keras.metrics.AUC(name="my_auc")]
    )
    h = model.fit(x, y, epochs=2, batch_size=8, verbose=0, validation_data=(x, y))
    assert set(h.history) == {
        "loss",
        "acc",
        "mae",
        "my_auc",
        "val_loss",
        "val_acc",
        "val_mae",
        "val_my_auc",
    }
    # the epoch's validation accuracy is the accuracy of the final weights on (x, y)
    pred = model.predict(x, verbose=0)
    assert h.history["val_acc"][-1] == pytest.approx(np.mean((pred > 0.5) == y))
    assert h.history["val_mae"][-1] == pytest.approx(np.mean(np.abs(pred - y)), rel=1e-5)
