"""Compiled steps (deepling.compile, tf.function, Keras fit): the replayed program gives the
eager numbers, bit for bit where the order of operations is the same; guards record again;
what cannot be replayed runs eagerly with one warning."""

from __future__ import annotations

import copy
import sys
import warnings

import numpy as np
import pytest

import deepling as dl
import deepling.tf as tf
from deepling import keras, nn
from deepling.compiler.compiled import CompiledFunction, CompileWarning


def _batches(n, shape, seed=0, last=None):
    rng = np.random.default_rng(seed)
    out = [rng.normal(size=shape).astype(np.float32) for _ in range(n)]
    if last is not None:
        out.append(rng.normal(size=last).astype(np.float32))
    return out


def _torch_step(model, opt, loss_fn):
    def step(x, y):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return step


def _pair(make_model, make_opt, loss_fn=None):
    """The same model and optimizer twice: one to run eagerly, one to compile."""
    dl.manual_seed(0)
    a = make_model()
    b = copy.deepcopy(a)
    loss_fn = loss_fn or nn.MSELoss()
    opt_a, opt_b = make_opt(a), make_opt(b)
    return (a, opt_a, _torch_step(a, opt_a, loss_fn)), (b, opt_b, _torch_step(b, opt_b, loss_fn))


def _same_params(a, b):
    for (name, p), (_, q) in zip(a.state_dict().items(), b.state_dict().items()):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy(), err_msg=name)


def _mlp():
    return nn.Sequential(
        nn.Linear(5, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 1)
    )


def test_a_training_step_with_dropout_and_batch_norm_is_bit_identical_to_eager():
    (a, opt_a, eager), (b, opt_b, step) = _pair(_mlp, lambda m: dl.optim.Adam(m.parameters()))
    compiled = dl.compile(step)
    xs, ys = _batches(6, (8, 5)), _batches(6, (8, 1), seed=1)
    for i, (x, y) in enumerate(zip(xs, ys)):
        dl.manual_seed(i)  # the same dropout masks in both
        want = eager(dl.tensor(x), dl.tensor(y))
        dl.manual_seed(i)
        got = compiled(dl.tensor(x), dl.tensor(y))
        assert got.item() == want.item()
    assert len(compiled.programs) == 1 and compiled.traces == 2  # then 4 replays
    _same_params(a, b)  # running statistics included
    for p, q in zip(a.parameters(), b.parameters()):  # Adam's state after compiled steps
        sa, sb = opt_a.state[p], opt_b.state[q]
        assert sa.keys() == sb.keys()
        for key in sa:
            np.testing.assert_array_equal(np.asarray(sa[key]), np.asarray(sb[key]))


def test_a_new_input_shape_records_again_and_the_old_program_stays():
    (a, _, eager), (b, _, step) = _pair(
        lambda: nn.Linear(3, 2), lambda m: dl.optim.SGD(m.parameters(), lr=0.1)
    )
    compiled = dl.compile(step)
    xs = _batches(3, (4, 3)) + _batches(3, (7, 3), seed=2) + _batches(2, (4, 3), seed=3)
    for x in xs:
        y = np.ones((len(x), 2), np.float32)
        assert (
            compiled(dl.tensor(x), dl.tensor(y)).item() == eager(dl.tensor(x), dl.tensor(y)).item()
        )
    assert len(compiled.programs) == 2 and compiled.traces == 4
    _same_params(a, b)


def test_train_and_eval_are_keyed_and_eval_reads_the_running_statistics_when_it_runs():
    model = _mlp()
    forward = dl.compile(lambda x: model(x))
    x = dl.tensor(_batches(1, (8, 5))[0])
    with dl.no_grad():
        model.eval()
        first = [forward(x) for _ in range(3)]
        model.train()
        model(x * 3)  # moves the running statistics
        model.eval()
        again = forward(x)
        want = model(x)
    assert np.array_equal(first[0].numpy(), first[2].numpy())
    assert not np.array_equal(first[0].numpy(), again.numpy())
    np.testing.assert_array_equal(again.numpy(), want.numpy())


def test_gradients_accumulate_across_compiled_calls():
    (a, opt_a, _), (b, opt_b, _) = _pair(
        lambda: nn.Linear(3, 1), lambda m: dl.optim.SGD(m.parameters(), lr=0.05)
    )

    def accumulate(model):
        def backward_only(x, y):
            loss = ((model(x) - y) ** 2).mean()
            loss.backward()
            return loss

        return backward_only

    compiled = dl.compile(accumulate(b))
    eager = accumulate(a)
    xs, ys = _batches(8, (4, 3)), _batches(8, (4, 1), seed=5)
    for i, (x, y) in enumerate(zip(xs, ys)):
        eager(dl.tensor(x), dl.tensor(y))
        compiled(dl.tensor(x), dl.tensor(y))
        if i % 2 == 1:  # two batches per update
            for opt in (opt_a, opt_b):
                opt.step()
                opt.zero_grad()
        else:
            np.testing.assert_array_equal(a.weight.grad.numpy(), b.weight.grad.numpy())
    _same_params(a, b)
    assert len(compiled.programs) == 1  # one program adds to `.grad` or sets it, as it finds it


def test_reading_a_value_into_python_runs_eagerly_with_one_warning_naming_the_line():
    model = nn.Linear(2, 1)
    seen = []

    def step(x):
        y = model(x).sum()
        seen.append(y.item())  # a Python value: the program could not follow it
        return y * 2

    compiled = dl.compile(step)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        outs = [compiled(dl.ones(3, 2) * k) for k in range(4)]
    found = [w for w in caught if issubclass(w.category, CompileWarning)]
    assert len(found) == 1
    assert "item() turned a traced tensor into a Python value" in str(found[0].message)
    assert "test_compiled.py" in str(found[0].message)
    assert len(seen) == 4 and compiled.programs == {}
    assert [float(o) for o in outs] == [2 * s for s in seen]


def test_fullgraph_refuses_to_run_eagerly():
    compiled = dl.compile(lambda x: x * float(x.sum()), fullgraph=True)
    with pytest.raises(RuntimeError, match="fullgraph=True: .*float"):
        compiled(dl.ones(2))


def test_a_value_computed_outside_ops_is_caught_by_the_second_recording():
    def sneaky(x):
        doubled = dl.tensor(x.detach().numpy(force=True) * 2)  # NumPy, outside the ops
        return (doubled + x).sum()

    compiled = dl.compile(sneaky)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        outs = [float(compiled(dl.ones(3) * k)) for k in range(6)]
    assert outs == [9.0 * k for k in range(6)]  # eager results throughout
    assert any("changed between calls" in str(w.message) for w in caught) or any(
        "Python value" in str(w.message) for w in caught
    )
    assert compiled.programs == {}


def test_a_replaced_parameter_array_records_again():
    w = dl.tensor([1.0, 2.0], requires_grad=True)
    compiled = dl.compile(lambda x: (x * w).sum())
    for _ in range(3):
        assert float(compiled(dl.ones(2))) == 3.0
    with dl.no_grad():
        w.data = dl.tensor([5.0, 5.0])  # a new array, not an in-place change
    assert float(compiled(dl.ones(2))) == 10.0


def test_manual_sgd_with_in_place_updates_replays():
    def make():
        dl.manual_seed(3)
        return dl.randn(3, 1, requires_grad=True), dl.zeros(1, requires_grad=True)

    def step_for(w, b):
        def step(x, y):
            loss = ((x @ w + b - y) ** 2).mean()
            loss.backward()
            with dl.no_grad():
                for p in (w, b):
                    p -= 0.1 * p.grad
                    p.grad.zero_()
            return loss

        return step

    (w1, b1), (w2, b2) = make(), make()
    eager, compiled = step_for(w1, b1), dl.compile(step_for(w2, b2))
    for x, y in zip(_batches(6, (5, 3)), _batches(6, (5, 1), seed=9)):
        assert (
            eager(dl.tensor(x), dl.tensor(y)).item() == compiled(dl.tensor(x), dl.tensor(y)).item()
        )
    np.testing.assert_array_equal(w1.detach().numpy(), w2.detach().numpy())
    assert compiled.programs


def test_tf_function_replays_a_tape_step_and_runs_python_only_while_recording():
    x = tf.constant([1.0, 2.0, 3.0, 4.0])
    y = tf.constant([3.0, 5.0, 7.0, 9.0])
    calls = []

    def make():
        return tf.Variable(0.5), tf.Variable(0.0)

    def step_for(w, b):
        def step():
            calls.append(1)  # a Python side effect: it runs while recording only
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(w * x + b - y))
            gw, gb = tape.gradient(loss, [w, b])
            w.assign_sub(0.05 * gw)
            b.assign_sub(0.05 * gb)
            return loss

        return step

    (w1, b1), (w2, b2) = make(), make()
    eager, compiled = step_for(w1, b1), tf.function(step_for(w2, b2))
    for _ in range(30):
        want = eager()
        got = compiled()
    assert float(got) == float(want) and float(w1) == float(w2) and float(b1) == float(b2)
    assert compiled.experimental_get_tracing_count() == 2 and len(calls) == 30 + 2
    tf.config.run_functions_eagerly(True)
    try:
        compiled()
        assert len(calls) == 33
    finally:
        tf.config.run_functions_eagerly(False)


def _keras_model(run_eagerly):
    keras.utils.set_random_seed(4)
    model = keras.Sequential([
        keras.layers.Input((6,)), keras.layers.Dense(8, activation="relu"),
        keras.layers.Dropout(0.2), keras.layers.BatchNormalization(),
        keras.layers.Dense(3, activation="softmax"),
    ])  # fmt: skip
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"],
                  run_eagerly=run_eagerly)  # fmt: skip
    return model


def test_keras_fit_compiles_by_default_and_matches_run_eagerly():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(100, 6)).astype(np.float32)
    y = x[:, :3].argmax(1)
    results = []
    for run_eagerly in (True, False):
        model = _keras_model(run_eagerly)
        keras.utils.set_random_seed(5)
        history = model.fit(x, y, batch_size=16, epochs=3, validation_split=0.2, verbose=0)
        results.append((history.history, model.evaluate(x, y, verbose=0), model.predict(x[:7], verbose=0),
                        model.get_weights(), model))  # fmt: skip
    (h1, e1, p1, w1, _), (h2, e2, p2, w2, compiled) = results
    assert h1 == h2 and e1 == e2
    np.testing.assert_array_equal(p1, p2)
    for a, b in zip(w1, w2):
        np.testing.assert_array_equal(a, b)
    steps = compiled.__dict__["_compiled_steps"].values()
    assert {s.name.split(".")[-1] for s in steps} == {"_update", "_measure", "_forward"}
    assert all(s.eager_reason is None for s in steps)
    assert all(s.programs for s in steps if not s.name.endswith("_forward"))


def _graph_fn(g, fw, gy):
    def run(*leaves):
        tensors, supply = [], iter(leaves)
        for call, ids in g.nodes:
            tensors.append(next(supply) if call is None else call(fw, *[tensors[i] for i in ids]))
        out = tensors[-1]
        grads = dl.grad([out], list(leaves), [gy], allow_unused=True)
        return out.detach(), grads

    return run


@pytest.mark.parametrize("seed", range(100))
def test_random_graphs_replay_their_forward_and_gradients(seed):
    from tests.fuzz import POOL, Draws, Graph, Lib
    from tests.test_fuzz_graphs import build

    rng = np.random.default_rng(seed)
    g = build(Draws(rng=rng), rng, 4)
    assert isinstance(g, Graph) and POOL
    fw = Lib("deepling", "float32")
    gy = dl.tensor(rng.standard_normal(g.shape(len(g.nodes) - 1)), dtype=dl.float32)
    eager, compiled = _graph_fn(g, fw, gy), CompiledFunction(_graph_fn(g, fw, gy))
    leaf_shapes = [np.shape(a) for call, a in g.nodes if call is None]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CompileWarning)  # a few ops read values: eager then
        for _ in range(4):
            arrays = [rng.uniform(-1.5, 1.5, s) for s in leaf_shapes]
            leaves_a = [dl.tensor(a, dtype=dl.float32, requires_grad=True) for a in arrays]
            leaves_b = [dl.tensor(a, dtype=dl.float32, requires_grad=True) for a in arrays]
            with np.errstate(all="ignore"):
                out_a, grads_a = eager(*leaves_a)
                out_b, grads_b = compiled(*leaves_b)
            np.testing.assert_array_equal(out_a.numpy(), out_b.numpy(), err_msg=str(g.names))
            for ga, gb in zip(grads_a, grads_b):
                assert (ga is None) == (gb is None)
                if ga is not None:
                    np.testing.assert_array_equal(ga.numpy(), gb.numpy(), err_msg=str(g.names))


def test_most_random_graphs_compile():
    """The replay test above would pass by running everything eagerly: count the programs."""
    from tests.fuzz import Draws, Lib
    from tests.test_fuzz_graphs import build

    compiled_count = 0
    for seed in range(40):
        rng = np.random.default_rng(seed)
        g = build(Draws(rng=rng), rng, 4)
        gy = dl.tensor(rng.standard_normal(g.shape(len(g.nodes) - 1)), dtype=dl.float32)
        fn = CompiledFunction(_graph_fn(g, Lib("deepling", "float32"), gy))
        shapes = [np.shape(a) for call, a in g.nodes if call is None]
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", CompileWarning)
            for _ in range(3):
                fn(*[dl.tensor(rng.uniform(-1.5, 1.5, s), dtype=dl.float32, requires_grad=True)
                     for s in shapes])  # fmt: skip
        compiled_count += bool(fn.programs)
    assert compiled_count >= 36


def test_tf_print_is_an_op_and_prints_on_every_call(capsys):
    @tf.function
    def double(x):
        y = x * 2
        tf.print("y:", y, output_stream=__import__("sys").stdout)
        return y

    for i in range(4):
        double(tf.constant([float(i)]))
    assert capsys.readouterr().out == "y: [0]\ny: [2]\ny: [4]\ny: [6]\n"
    assert double.experimental_get_tracing_count() == 2


def test_a_compiled_module_trains_with_backward_outside_bit_identically():
    dl.manual_seed(0)
    eager_model = _mlp()
    model = copy.deepcopy(eager_model)
    compiled = dl.compile(model)
    opts = dl.optim.Adam(eager_model.parameters()), dl.optim.Adam(model.parameters())
    for i, (x, y) in enumerate(zip(_batches(5, (8, 5)), _batches(5, (8, 1), seed=2))):
        losses = []
        for net, opt in zip((eager_model, compiled), opts):
            dl.manual_seed(i)
            opt.zero_grad()
            loss = nn.functional.mse_loss(net(dl.tensor(x)), dl.tensor(y))
            loss.backward()
            opt.step()
            losses.append(loss.item())
        assert losses[0] == losses[1]
    _same_params(eager_model, model)
    call = compiled._compiled_call
    assert call.eager_reason is None and len(call.programs) == 1
    assert type(compiled(dl.ones(8, 5)).grad_fn).__name__ == "CompiledCall"


def test_two_calls_of_a_compiled_module_before_one_backward_keep_their_own_arrays():
    dl.manual_seed(1)
    eager_net = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1))
    net = copy.deepcopy(eager_net)
    compiled = dl.compile(net)
    rng = np.random.default_rng(1)
    for _ in range(4):
        real, fake = rng.normal(size=(2, 4, 3)).astype(np.float32)
        results = []
        for model, params in ((eager_net, eager_net), (compiled, net)):
            x = dl.tensor(real, requires_grad=True)  # a GAN's discriminator, twice
            loss = model(x).sum() - 2 * model(dl.tensor(fake)).mean()
            loss.backward()
            results.append([x.grad.numpy()] + [p.grad.numpy() for p in params.parameters()])
            params.zero_grad()
        for a, b in zip(*results):
            np.testing.assert_array_equal(a, b)
    assert compiled._compiled_call.programs  # the calls with and without an input's grad


def test_a_scheduler_step_inside_the_compiled_step_is_replayed():
    def make():
        dl.manual_seed(2)
        model = nn.Linear(3, 1)
        opt = dl.optim.SGD(model.parameters(), lr=0.1)
        return model, opt, dl.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)

    def step_for(model, opt, sched):
        def step(x, y):
            opt.zero_grad()
            loss = ((model(x) - y) ** 2).mean()
            loss.backward()
            opt.step()
            sched.step()
            return loss

        return step

    (m1, o1, s1), (m2, o2, s2) = make(), make()
    eager, compiled = step_for(m1, o1, s1), dl.compile(step_for(m2, o2, s2))
    for x, y in zip(_batches(7, (4, 3)), _batches(7, (4, 1), seed=4)):
        assert (
            eager(dl.tensor(x), dl.tensor(y)).item() == compiled(dl.tensor(x), dl.tensor(y)).item()
        )
    assert o1.param_groups[0]["lr"] == o2.param_groups[0]["lr"] == 0.1 * 0.5**3
    _same_params(m1, m2)


def test_a_keras_train_step_override_compiles_and_reports_live_metrics():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(64, 3)).astype(np.float32)
    y = x @ np.array([[1.0], [-2.0], [0.5]], np.float32)
    calls = []

    class Custom(keras.Model):
        def train_step(self, data):
            calls.append(1)  # Python: runs while recording, as under TF's tf.function
            features, target = data
            with tf.GradientTape() as tape:
                loss = self.compiled_loss(target, self(features, training=True))
            grads = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
            self.compiled_metrics.update_state(target, self(features, training=False))
            return {m.name: m.result() for m in self.metrics}

    histories = []
    for run_eagerly in (True, False):
        keras.utils.set_random_seed(0)
        inputs = keras.Input((3,))
        model = Custom(inputs, keras.layers.Dense(1)(inputs))
        model.compile(keras.optimizers.SGD(0.1), "mse", metrics=["mae"], run_eagerly=run_eagerly)
        calls.clear()
        histories.append(model.fit(x, y, batch_size=16, epochs=4, verbose=0).history)
        histories.append(len(calls))
    assert histories[0] == histories[2]  # live metric results, equal to eager
    assert histories[1] == 16 and histories[3] <= 3  # recordings only (the first call builds)
    assert histories[2]["loss"][-1] < 0.2 * histories[2]["loss"][0]


def test_two_threads_calling_one_compiled_step_get_their_own_results():
    import threading

    w = dl.tensor([[0.5], [-1.0], [2.0]], requires_grad=True)

    def value_and_grad(x):
        loss = (x @ w).pow(2).sum()
        (g,) = dl.grad(loss, [w])
        return loss.detach(), g

    compiled = dl.compile(value_and_grad)
    inputs = [dl.tensor(a) for a in _batches(40, (6, 3), seed=8)]
    want = [value_and_grad(x) for x in inputs]
    got = [None] * len(inputs)

    def work(indices):
        for i in indices:
            got[i] = compiled(inputs[i])

    threads = [threading.Thread(target=work, args=(range(k, 40, 4),)) for k in range(4)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, inside the replays too
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    for (a, ga), (b, gb) in zip(want, got):
        assert a.item() == b.item()
        np.testing.assert_array_equal(ga.numpy(), gb.numpy())
