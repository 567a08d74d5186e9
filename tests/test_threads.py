"""Autograd from several threads at once: grad mode is per thread (as in PyTorch), and graphs,
tapes and optimizer steps of one thread never disturb another's numbers.

Barriers and events force the interleavings that matter (one thread inside `no_grad` while
another records), and a short switch interval makes the interpreter hop between threads often.
Every concurrent run is compared with the same work done in one thread: the numbers must be
identical, not merely close.
"""

import sys
import threading

import numpy as np
import pytest

import deepling as dl
import deepling.nn as nn
import deepling.optim as optim
import deepling.tf as tf

TIMEOUT = 10  # seconds: a deadlocked barrier fails the test instead of hanging the suite


@pytest.fixture(autouse=True)
def often_switching():
    """Switch threads every 10 us instead of every 5 ms, so their steps really interleave."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    yield
    sys.setswitchinterval(before)


def run_in_threads(*targets):
    """Run each callable in its own thread; return their results, re-raising the first error."""
    results, errors = [None] * len(targets), []

    def wrap(i, fn):
        try:
            results[i] = fn()
        except BaseException as e:  # noqa: BLE001 (handed to the main thread)
            errors.append(e)

    threads = [threading.Thread(target=wrap, args=(i, fn)) for i, fn in enumerate(targets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT)
        assert not t.is_alive(), "a thread did not finish (deadlock?)"
    if errors:
        raise errors[0]
    return results


# --- grad mode is per thread ---
def test_no_grad_in_one_thread_does_not_affect_another_running_at_the_same_time():
    w = dl.tensor([1.0, 2.0], requires_grad=True)
    inside, checked = threading.Event(), threading.Event()

    def quiet():
        with dl.no_grad():
            inside.set()  # the other thread now runs while this one is in no_grad
            assert checked.wait(TIMEOUT)
            y = w * 2
            return dl.is_grad_enabled(), y.requires_grad, y.grad_fn

    def recording():
        assert inside.wait(TIMEOUT)
        y = (w * 3).sum()  # records although the other thread is in no_grad
        y.backward()
        checked.set()
        return dl.is_grad_enabled(), y.requires_grad, w.grad.tolist()

    (q_mode, q_req, q_fn), (r_mode, r_req, r_grad) = run_in_threads(quiet, recording)
    assert (q_mode, q_req, q_fn) == (False, False, None)
    assert (r_mode, r_req, r_grad) == (True, True, [3.0, 3.0])
    assert dl.is_grad_enabled()


def test_enable_grad_inside_no_grad_and_set_grad_enabled_stay_in_their_thread():
    w = dl.tensor(2.0, requires_grad=True)
    barrier = threading.Barrier(3, timeout=TIMEOUT)

    def off_then_on():
        with dl.no_grad():
            barrier.wait()  # 1: all three threads are in their modes
            with dl.enable_grad():
                y = w * w
            barrier.wait()  # 2
        return y.requires_grad

    def set_off():
        dl.set_grad_enabled(False)  # a plain call: on for the rest of this thread
        barrier.wait()
        barrier.wait()
        return (w * w).requires_grad

    def plain():
        barrier.wait()
        y = w * w
        barrier.wait()
        return y.requires_grad

    assert run_in_threads(off_then_on, set_off, plain) == [True, False, True]
    assert (w * w).requires_grad


def test_a_thread_that_ends_inside_no_grad_leaves_recording_on_elsewhere():
    w = dl.tensor([1.0, -1.0], requires_grad=True)

    def ends_inside():
        dl.no_grad().__enter__()  # never exited: the thread just ends
        dl.set_grad_enabled(False)
        return (w * 2).requires_grad

    assert run_in_threads(ends_inside) == [False]
    y = (w * w).sum()
    assert y.requires_grad and dl.is_grad_enabled()
    y.backward()
    assert w.grad.tolist() == [2.0, -2.0]
    assert run_in_threads(lambda: (w * 2).requires_grad) == [True]  # a new thread records too


# --- training in two threads at once gives the single-threaded numbers ---
def _model(seed):
    dl.manual_seed(seed)
    return nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1))


def _data(seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((32, 3)).astype(np.float32)
    return dl.tensor(x), dl.tensor(np.sin(x.sum(1, keepdims=True)))


def _train(model, x, y, steps, barrier=None):
    """A PyTorch-style SGD loop; with a barrier, each step waits for the other thread's."""
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    losses = []
    for _ in range(steps):
        if barrier is not None:
            barrier.wait()
        loss = nn.functional.mse_loss(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()  # in place under no_grad, while the other thread records
        losses.append(loss.item())
    return losses, [p.detach().numpy().copy() for p in model.parameters()]


def test_two_threads_train_two_models_at_once_to_the_single_threaded_numbers():
    steps = 60
    alone = [_train(_model(s), *_data(s), steps) for s in (1, 2)]
    models, data = [_model(1), _model(2)], [_data(1), _data(2)]
    barrier = threading.Barrier(2, timeout=TIMEOUT)
    together = run_in_threads(
        *[lambda m=m, d=d: _train(m, *d, steps, barrier) for m, d in zip(models, data)]
    )
    for (losses, params), (ref_losses, ref_params) in zip(together, alone):
        assert losses == ref_losses
        assert ref_losses[-1] < 0.5 * ref_losses[0]  # they learn
        for p, q in zip(params, ref_params):
            np.testing.assert_array_equal(p, q)


def _tape_regression(slope, steps, barrier=None):
    """Fit y = slope * x + 1 with GradientTape and a Keras-free update."""
    x = tf.constant(np.linspace(-1, 1, 16, dtype=np.float32))
    y = slope * x + 1.0
    w, b = tf.Variable(0.0), tf.Variable(0.0)
    opt = tf.optimizers.SGD(learning_rate=0.2)
    for _ in range(steps):
        if barrier is not None:
            barrier.wait()
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((w * x + b - y) ** 2)
        grads = tape.gradient(loss, [w, b])
        opt.apply_gradients(zip(grads, [w, b]))
    return float(w.numpy()), float(b.numpy()), float(loss.numpy())


def test_two_threads_do_gradient_tape_regressions_at_once():
    steps = 80
    alone = [_tape_regression(s, steps) for s in (2.0, -3.0)]
    barrier = threading.Barrier(2, timeout=TIMEOUT)
    together = run_in_threads(
        *[lambda s=s: _tape_regression(s, steps, barrier) for s in (2.0, -3.0)]
    )
    assert together == alone
    for (w, b, _), slope in zip(alone, (2.0, -3.0)):
        assert abs(w - slope) < 0.05 and abs(b - 1.0) < 0.01


def test_nested_tapes_in_two_threads_give_second_derivatives():
    def second_derivative(c, barrier):
        x = tf.Variable(c)
        with tf.GradientTape() as outer:
            barrier.wait()  # both outer tapes are open at once
            with tf.GradientTape() as inner:
                y = x**3
            barrier.wait()
            dy = inner.gradient(y, x)
        return float(dy.numpy()), float(outer.gradient(dy, x).numpy())

    barrier = threading.Barrier(2, timeout=TIMEOUT)
    got = run_in_threads(lambda: second_derivative(2.0, barrier),
                         lambda: second_derivative(-1.0, barrier))  # fmt: skip
    assert got == [(12.0, 12.0), (3.0, -6.0)]


# --- graphs built concurrently, op by op ---
def _graph_steps(w, k):
    """A chain of ops on the shared leaf w, yielding after each op so threads interleave."""
    y = w * (k + 1.0)
    yield
    y = dl.tanh(y) + w.sum() * k
    yield
    y = (y * y).mean(0) - dl.log1p(dl.exp(w[k % 2]))
    yield
    return y.sum()


def _build(w, k, barrier=None):
    steps = _graph_steps(w, k)
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value
        if barrier is not None:
            barrier.wait()


def test_gradients_of_graphs_built_concurrently_equal_the_sequential_ones():
    n = 4
    w = dl.tensor(np.random.default_rng(0).standard_normal((2, 3)), requires_grad=True)
    alone = [dl.grad(_build(w, k), w)[0].numpy() for k in range(n)]
    second = [dl.grad(dl.grad(_build(w, k), w, create_graph=True)[0].sum(), w)[0].numpy()
              for k in range(n)]  # fmt: skip
    barrier = threading.Barrier(n, timeout=TIMEOUT)

    def work(k):
        y = _build(w, k, barrier)  # every op of every thread interleaved with the others'
        barrier.wait()
        (g,) = dl.grad(y, w, create_graph=True)
        barrier.wait()
        return dl.grad(y, w, retain_graph=True)[0].numpy(), dl.grad(g.sum(), w)[0].numpy()

    got = run_in_threads(*[lambda k=k: work(k) for k in range(n)])
    for k, (first, sec) in enumerate(got):
        np.testing.assert_array_equal(first, alone[k])
        np.testing.assert_array_equal(sec, second[k])


def test_backward_into_separate_leaves_from_many_threads():
    n, rounds = 4, 25
    leaves = [dl.tensor([1.0, 2.0, 3.0], requires_grad=True) for _ in range(n)]
    barrier = threading.Barrier(n, timeout=TIMEOUT)

    def work(k):
        for _ in range(rounds):
            barrier.wait()
            ((leaves[k] ** 2) * (k + 1)).sum().backward()  # accumulates into .grad
        return leaves[k].grad.tolist()

    got = run_in_threads(*[lambda k=k: work(k) for k in range(n)])
    assert got == [[2.0 * rounds * (k + 1) * v for v in (1, 2, 3)] for k in range(n)]
