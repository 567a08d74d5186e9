"""The Keras face (deepling.tf.optimizers): Keras's defaults and formulas, checked against a
few lines of NumPy written from Keras's update rules, over three apply_gradients calls."""

import numpy as np
import pytest

import deepling as dl
from deepling.tf import optimizers as K

P0 = np.array([1.0, -2.0, 0.5])
GRADS = [np.array([0.3, -1.0, 2.0]), np.array([-0.5, 0.25, 1.0]), np.array([0.1, 0.2, -0.3])]


def keras_run(opt):
    v = dl.tensor(P0.copy(), requires_grad=True)
    for g in GRADS:
        opt.apply_gradients([(dl.tensor(g), v)])
    assert opt.iterations == len(GRADS)
    return v.detach().numpy()


def check(opt, expected):
    np.testing.assert_allclose(keras_run(opt), expected, rtol=1e-10, atol=1e-12)


def test_sgd_momentum_and_nesterov():
    lr, mom = 0.01, 0.9
    p, v, pn, vn = P0.copy(), 0 * P0, P0.copy(), 0 * P0
    for g in GRADS:
        v = mom * v - lr * g
        p = p + v
        vn = mom * vn - lr * g
        pn = pn + mom * vn - lr * g
    check(K.SGD(momentum=mom), p)
    check(K.SGD(momentum=mom, nesterov=True), pn)


def test_sgd_keeps_lr_inside_the_velocity_when_lr_changes():
    v = dl.tensor(P0.copy(), requires_grad=True)
    opt = K.SGD(0.1, momentum=0.5)
    opt.apply_gradients([(dl.tensor(GRADS[0]), v)])
    opt.learning_rate = 0.01
    opt.apply_gradients([(dl.tensor(GRADS[1]), v)])
    vel1 = -0.1 * GRADS[0]
    vel2 = 0.5 * vel1 - 0.01 * GRADS[1]
    np.testing.assert_allclose(v.detach().numpy(), P0 + vel1 + vel2)


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_epsilon_hat(amsgrad):
    lr, b1, b2, eps = 0.001, 0.9, 0.999, 1e-7
    p, m, v, vhat = P0.copy(), 0 * P0, 0 * P0, 0 * P0
    for t, g in enumerate(GRADS, 1):
        m = m + (g - m) * (1 - b1)
        v = v + (g * g - v) * (1 - b2)
        vhat = np.maximum(vhat, v)
        alpha = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
        p = p - m * alpha / (np.sqrt(vhat if amsgrad else v) + eps)
    check(K.Adam(amsgrad=amsgrad, epsilon=eps), p)


def test_adam_epsilon_placement_differs_from_torchs_when_it_matters():
    keras = keras_run(K.Adam(0.1, epsilon=0.1))
    torch_like = keras_run(dl.optim.Adam(0.1, eps=0.1))
    assert np.abs(keras - torch_like).max() > 1e-3


def test_adamw_decays_by_lr_times_weight_decay_first():
    lr, wd, b1, b2, eps = 0.001, 0.004, 0.9, 0.999, 1e-7
    p, m, v = P0.copy(), 0 * P0, 0 * P0
    for t, g in enumerate(GRADS, 1):
        p = p - p * wd * lr
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        p = p - lr * np.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps)
    check(K.AdamW(), p)


@pytest.mark.parametrize("centered, momentum", [(False, 0.0), (True, 0.0), (True, 0.5)])
def test_rmsprop(centered, momentum):
    lr, rho, eps = 0.001, 0.9, 1e-7
    p, vel, avg, mom = P0.copy(), 0 * P0, 0 * P0, 0 * P0
    for g in GRADS:
        vel = rho * vel + (1 - rho) * g * g
        avg = rho * avg + (1 - rho) * g
        denominator = vel - avg * avg + eps if centered else vel + eps
        increment = lr * g / np.sqrt(denominator)
        mom = momentum * mom + increment
        p = p - (mom if momentum else increment)
    check(K.RMSprop(momentum=momentum, centered=centered), p)


def test_adagrad_starts_at_0_1_with_epsilon_inside_the_root():
    p, acc = P0.copy(), np.full(3, 0.1)
    for g in GRADS:
        acc = acc + g * g
        p = p - 0.001 * g / np.sqrt(acc + 1e-7)
    check(K.Adagrad(), p)


def test_adadelta():
    rho, eps, lr = 0.95, 1e-7, 0.001
    p, acc_g, acc_d = P0.copy(), 0 * P0, 0 * P0
    for g in GRADS:
        acc_g = rho * acc_g + (1 - rho) * g * g
        delta = -np.sqrt(acc_d + eps) * g / np.sqrt(acc_g + eps)
        acc_d = rho * acc_d + (1 - rho) * delta * delta
        p = p + lr * delta
    check(K.Adadelta(), p)


def test_adamax():
    lr, b1, b2, eps = 0.001, 0.9, 0.999, 1e-7
    p, m, u = P0.copy(), 0 * P0, 0 * P0
    for t, g in enumerate(GRADS, 1):
        m = m + (g - m) * (1 - b1)
        u = np.maximum(b2 * u, np.abs(g))
        p = p - (lr * m) / ((1 - b1**t) * (u + eps))
    check(K.Adamax(), p)


def test_nadam():
    lr, b1, b2, eps = 0.001, 0.9, 0.999, 1e-7
    p, m, v, u_product = P0.copy(), 0 * P0, 0 * P0, 1.0
    for t, g in enumerate(GRADS, 1):
        u_t, u_t1 = b1 * (1 - 0.5 * 0.96**t), b1 * (1 - 0.5 * 0.96 ** (t + 1))
        u_product = u_product * u_t
        m = m + (g - m) * (1 - b1)
        v = v + (g * g - v) * (1 - b2)
        m_hat = u_t1 * m / (1 - u_product * u_t1) + (1 - u_t) * g / (1 - u_product)
        p = p - m_hat * lr / (np.sqrt(v / (1 - b2**t)) + eps)
    check(K.Nadam(), p)


def test_weight_decay_on_any_keras_optimizer_is_decoupled():
    v = dl.tensor(P0.copy(), requires_grad=True)
    K.SGD(0.5, weight_decay=0.1).apply_gradients([(dl.tensor(GRADS[0]), v)])
    np.testing.assert_allclose(v.detach().numpy(), P0 - P0 * 0.1 * 0.5 - 0.5 * GRADS[0])


def test_keras_defaults():
    assert K.SGD().learning_rate == 0.01
    for cls in (K.Adam, K.AdamW, K.Adagrad, K.RMSprop, K.Adadelta, K.Adamax, K.Nadam):
        assert cls().learning_rate == 0.001, cls
    assert K.Adam().param_groups[0]["eps"] == 1e-7
    assert K.RMSprop().param_groups[0]["alpha"] == 0.9
    assert K.Adadelta().param_groups[0]["rho"] == 0.95
    assert K.Adagrad().param_groups[0]["initial_accumulator_value"] == 0.1
    assert K.AdamW().param_groups[0]["weight_decay"] == 0.004
    assert K.get("adam").name == "Adam" and isinstance(K.get("SGD"), K.SGD)


def test_old_lr_spelling_warns_and_works():
    with pytest.warns(DeprecationWarning, match="`lr` is deprecated"):
        opt = K.SGD(lr=0.5)
    assert opt.learning_rate == 0.5 and opt.lr == 0.5
    with pytest.raises(TypeError, match="bogus is not a valid argument"):
        K.Adam(bogus=1)


def test_legacy_decay_and_callable_schedules():
    opt = K.SGD(learning_rate=1.0, decay=0.5)
    v = dl.tensor([0.0], requires_grad=True)
    for _ in range(3):
        opt.apply_gradients([(dl.tensor([1.0]), v)])
    np.testing.assert_allclose(v.detach().numpy(), [-(1 + 1 / 1.5 + 1 / 2)], rtol=1e-6)
    opt = K.Adam(learning_rate=lambda step: 0.1 / (step + 1))
    assert opt.learning_rate == 0.1
    opt.apply_gradients([(dl.tensor([1.0]), v)])
    assert opt.learning_rate == 0.05


def test_clipnorm_clipvalue_and_global_clipnorm():
    g = np.array([3.0, 4.0])  # norm 5
    for opt, step in [
        (K.SGD(1.0, clipnorm=1.0), [-0.6, -0.8]),
        (K.SGD(1.0, clipvalue=3.5), [-3.0, -3.5]),
        (K.SGD(1.0, global_clipnorm=10.0), [-3.0, -4.0]),
    ]:
        v = dl.tensor([0.0, 0.0], requires_grad=True)
        opt.apply_gradients([(dl.tensor(g), v)])
        np.testing.assert_allclose(v.detach().numpy(), step, rtol=1e-6)
    a, b = dl.tensor([0.0], requires_grad=True), dl.tensor([0.0], requires_grad=True)
    K.SGD(1.0, global_clipnorm=1.0).apply_gradients([(dl.tensor([3.0]), a), (dl.tensor([4.0]), b)])
    np.testing.assert_allclose([a.item(), b.item()], [-0.6, -0.8], rtol=1e-6)
    with pytest.raises(ValueError, match="At most one of `clipnorm` and `global_clipnorm`"):
        K.SGD(clipnorm=1.0, global_clipnorm=1.0)


def test_minimize_with_a_callable_loss():
    w = dl.tensor([3.0], requires_grad=True)
    opt = K.SGD(0.25)
    opt.minimize(lambda: (w * w).sum(), [w])
    np.testing.assert_allclose(w.detach().numpy(), [1.5])


def test_the_faces_promise_their_names():
    import deepling.tf as tf

    for name in ["SGD", "Adam", "AdamW", "Adagrad", "RMSprop", "Adadelta", "Adamax", "Nadam"]:
        cls = getattr(tf.optimizers, name)
        assert issubclass(cls, tf.optimizers.Optimizer) and issubclass(cls, dl.optim.Optimizer)
    for name in ["SGD", "Adam", "AdamW", "Adagrad", "RMSprop", "Adadelta", "Adamax", "NAdam"]:
        assert issubclass(getattr(dl.optim, name), dl.optim.Optimizer)
    with pytest.raises(ValueError, match=r"`momentum` must be between \[0, 1\]"):
        K.SGD(momentum=1.5)
