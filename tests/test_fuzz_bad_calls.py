"""Random bad calls (hypothesis) to ops, layers, losses, optimizers and fit: each either works or
raises one of the kinds PyTorch and Keras raise for bad arguments (TypeError, ValueError,
RuntimeError, IndexError, NotImplementedError, and OverflowError for ints beyond 64 bits, as
PyTorch's), never an AttributeError or KeyError from inside deepling; and a call that raises
leaves its inputs, the parameters, the optimizer state and the model weights as they were.
Thread scenarios are the engine's tests. Bounded to a few seconds on two cores."""

import copy
import warnings

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import deepling as dl  # noqa: E402
from deepling import keras, nn, optim  # noqa: E402
from deepling.nn import functional as F  # noqa: E402

ALLOWED = (TypeError, ValueError, RuntimeError, IndexError, NotImplementedError, OverflowError)
FAST = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
SLOW = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))

# values that are wrong somewhere: None, text, negative or fractional sizes, empty or ragged
# lists, odd objects, NaN, a size tuple with a negative entry, a huge int, bool
ODD = [None, "abc", -1, 0, 1, 2.5, -2.5, [], [[1], [1, 2]], object(), float("nan"), (2, -1),
       {}, True, b"x", 10**30, np.array(["a"]), (3,), [0, 1]]  # fmt: skip


@st.composite
def tensors(draw):
    """A small tensor of a random shape (sizes 0 to 4) and dtype."""
    shape = tuple(draw(st.lists(st.integers(0, 4), max_size=3)))
    dtype = draw(st.sampled_from(["float32", "float64", "int64", "uint8", "bool"]))
    values = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape) - 2
    return dl.tensor(values.astype(dtype))


ARGS = st.one_of(st.sampled_from(ODD), tensors(), st.integers(-3, 5))


def _arrays(values) -> list:
    """Copies of the arrays of every tensor among `values`, to check they are not changed."""
    return [np.copy(v.data) for v in values if isinstance(v, dl.Tensor)]


def _clean(call, *watched):
    """Run `call`; an error must be an allowed kind; True when it raised. The tensors among
    `watched` must hold the same values afterwards either way."""
    before = _arrays(watched)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            call()
    except ALLOWED:
        raised = True
    except AssertionError:  # PyTorch's own kind for Embedding's padding_idx
        raised = True
    else:
        raised = False
    for a, b in zip(before, _arrays(watched)):
        np.testing.assert_array_equal(a, b)
    return raised


# --- ops and functions: (a, b) -> a call ---
X = dl.tensor(np.arange(12.0).reshape(4, 3))
OPS = {
    "add": lambda a, b: dl.add(a, b), "sub": lambda a, b: dl.sub(a, b),
    "mul": lambda a, b: dl.mul(a, b), "div": lambda a, b: dl.div(a, b),
    "pow": lambda a, b: dl.pow(a, b), "matmul": lambda a, b: dl.matmul(a, b),
    "where": lambda a, b: dl.where(a, X, b), "maximum": lambda a, b: dl.maximum(a, b),
    "sum": lambda a, b: dl.sum(a, b), "mean": lambda a, b: dl.mean(a, b),
    "max": lambda a, b: dl.max(a, b), "std": lambda a, b: dl.std(a, b),
    "prod": lambda a, b: dl.prod(a, b), "argmax": lambda a, b: dl.argmax(a, b),
    "logsumexp": lambda a, b: dl.logsumexp(a, b), "reshape": lambda a, b: dl.reshape(a, b),
    "transpose": lambda a, b: dl.transpose(a, b, 0), "permute": lambda a, b: dl.permute(a, b),
    "squeeze": lambda a, b: dl.squeeze(a, b), "unsqueeze": lambda a, b: dl.unsqueeze(a, b),
    "flatten": lambda a, b: dl.flatten(a, b), "cat": lambda a, b: dl.cat([a, b]),
    "stack": lambda a, b: dl.stack([a, b]), "split": lambda a, b: dl.split(a, b),
    "chunk": lambda a, b: dl.chunk(a, b), "pad": lambda a, b: F.pad(a, b),
    "getitem": lambda a, b: X[a], "gather": lambda a, b: dl.gather(a, 0, b),
    "softmax": lambda a, b: F.softmax(a, b), "log_softmax": lambda a, b: F.log_softmax(a, b),
    "exp": lambda a, b: dl.exp(a), "log": lambda a, b: dl.log(a), "relu": lambda a, b: F.relu(a),
    "zeros": lambda a, b: dl.zeros(a, b), "ones": lambda a, b: dl.ones(a),
    "randn": lambda a, b: dl.randn(a, b), "full": lambda a, b: dl.full(a, b),
    "arange": lambda a, b: dl.arange(a, b), "linspace": lambda a, b: dl.linspace(0, 1, a),
    "eye": lambda a, b: dl.eye(a, b), "randint": lambda a, b: dl.randint(a, b, (2,)),
    "tensor": lambda a, b: dl.tensor(a, dtype=b), "linear": lambda a, b: F.linear(a, b),
    "dropout": lambda a, b: F.dropout(a, b), "one_hot": lambda a, b: F.one_hot(a, b),
    "embedding": lambda a, b: F.embedding(a, b), "layer_norm": lambda a, b: F.layer_norm(a, b),
}  # fmt: skip


@FAST
@given(name=st.sampled_from(sorted(OPS)), a=ARGS, b=ARGS)
def test_ops_refuse_bad_calls_cleanly(name, a, b):
    if isinstance(a, int) and not isinstance(a, bool) and abs(a) > 10**6 and name == "pow":
        return  # 10**30 ** 10**30 is Python's own long computation, not deepling's
    _clean(lambda: OPS[name](a, b), a, b, X)


# --- losses: (prediction, target) ---
LOSSES = {
    "mse": F.mse_loss, "l1": F.l1_loss, "huber": F.huber_loss, "smooth_l1": F.smooth_l1_loss,
    "cross_entropy": F.cross_entropy, "nll": F.nll_loss, "bce": F.binary_cross_entropy,
    "bce_logits": F.binary_cross_entropy_with_logits,
    "CrossEntropyLoss": nn.CrossEntropyLoss(label_smoothing=0.1), "MSELoss": nn.MSELoss(),
    "k_mse": keras.losses.MeanSquaredError(), "k_bce": keras.losses.BinaryCrossentropy(),
    "k_cce": keras.losses.CategoricalCrossentropy(),
    "k_scce": keras.losses.SparseCategoricalCrossentropy(from_logits=True),
}  # fmt: skip


@FAST
@given(name=st.sampled_from(sorted(LOSSES)), a=ARGS, b=ARGS, swap=st.booleans())
def test_losses_refuse_bad_inputs_and_targets_cleanly(name, a, b, swap):
    loss = LOSSES[name]
    good = dl.tensor(np.full((4, 3), 0.25, np.float32))
    pred, target = (a, b) if swap else (good, a)
    if name.startswith("k_"):  # Keras's order: (y_true, y_pred)
        _clean(lambda: loss(target, pred), pred, target)
    else:
        _clean(lambda: loss(pred, target), pred, target)


# --- layers: construction, then a call with bad input must not touch the weights ---
CONSTRUCTORS = {
    "Linear": lambda a, b: nn.Linear(a, b), "Embedding": lambda a, b: nn.Embedding(a, b),
    "Embedding_pad": lambda a, b: nn.Embedding(4, 2, padding_idx=a),
    "Dropout": lambda a, b: nn.Dropout(a), "LayerNorm": lambda a, b: nn.LayerNorm(a),
    "BatchNorm1d": lambda a, b: nn.BatchNorm1d(a, momentum=b), "Flatten": lambda a, b: nn.Flatten(a, b),
    "Sequential": lambda a, b: nn.Sequential(a, b), "Softmax": lambda a, b: nn.Softmax(a)(X),
    "k_Dense": lambda a, b: keras.layers.Dense(a, activation=b),
    "k_Dropout": lambda a, b: keras.layers.Dropout(a), "k_Embedding": lambda a, b: keras.layers.Embedding(a, b),
    "k_Sequential": lambda a, b: keras.Sequential(a),
}  # fmt: skip


@FAST
@given(name=st.sampled_from(sorted(CONSTRUCTORS)), a=ARGS, b=ARGS)
def test_layer_constructors_refuse_bad_arguments_cleanly(name, a, b):
    _clean(lambda: CONSTRUCTORS[name](a, b), a, b)


def _layers():
    dense = keras.layers.Dense(2)
    dense(np.ones((1, 3), np.float32))
    norm = keras.layers.BatchNormalization()
    norm(np.ones((2, 3), np.float32), training=True)
    return {"Linear": nn.Linear(3, 2), "BatchNorm1d": nn.BatchNorm1d(3),
            "LayerNorm": nn.LayerNorm(3), "Embedding": nn.Embedding(5, 2),
            "k_Dense": dense, "k_BatchNormalization": norm}  # fmt: skip


LAYERS = _layers()


def _weights(layer) -> list:
    return [np.copy(v.data) for v in layer.state_dict().values()]


@FAST
@given(name=st.sampled_from(sorted(LAYERS)), x=ARGS)
def test_layers_called_with_bad_input_change_nothing(name, x):
    layer = LAYERS[name]
    before = _weights(layer)
    call = (lambda: layer(x, training=True)) if name.startswith("k_") else (lambda: layer(x))
    if _clean(call, x):
        for a, b in zip(before, _weights(layer)):
            np.testing.assert_array_equal(a, b)


# --- optimizers: a bad gradient or checkpoint changes neither parameters nor state ---
RULES = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam"]


def _optimizer(name):
    p = dl.tensor([1.0, 2.0, 3.0], requires_grad=True)
    opt = getattr(optim, name)([p], lr=0.1)
    p.grad = dl.tensor([0.5, 0.5, 0.5])
    opt.step()  # state exists, so a change to it would show
    return p, opt


def _optimizer_snapshot(p, opt):
    state = copy.deepcopy({k: v for s in opt.state.values() for k, v in s.items()})
    groups = copy.deepcopy(
        [{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups]
    )
    return p.tolist(), repr(state), groups, opt.iterations


def _unchanged(raised, before, p, opt):
    if raised:
        assert _optimizer_snapshot(p, opt) == before


@SLOW
@given(name=st.sampled_from(RULES), bad=ARGS)
def test_step_with_a_bad_gradient_changes_nothing(name, bad):
    p, opt = _optimizer(name)
    before = _optimizer_snapshot(p, opt)
    try:  # behind the .grad setter's back, as PyTorch's `.grad.data = ...` allows
        p.grad.data = bad.data if isinstance(bad, dl.Tensor) else bad
    except ALLOWED:
        return  # a checking `.data` setter refused it: nothing reached the optimizer
    _unchanged(_clean(opt.step), before, p, opt)


@SLOW
@given(name=st.sampled_from(RULES), bad=ARGS)
def test_apply_gradients_with_a_bad_gradient_changes_nothing(name, bad):
    p, opt = _optimizer(name)
    other = dl.tensor([1.0], requires_grad=True)
    before = _optimizer_snapshot(p, opt)
    raised = _clean(lambda: opt.apply_gradients([(np.ones(1), other), (bad, p)]))
    _unchanged(raised, before, p, opt)
    if raised:
        assert other.tolist() == [1.0]


@SLOW
@given(name=st.sampled_from(RULES), bad=ARGS, where=st.sampled_from(["all", "state", "groups"]))
def test_load_state_dict_of_garbage_changes_nothing(name, bad, where):
    p, opt = _optimizer(name)
    checkpoint = opt.state_dict()
    if where == "all":
        checkpoint = bad
    elif where == "state":
        keys = checkpoint["state"].get(0) or {"momentum_buffer": None}  # plain SGD keeps none
        checkpoint["state"][0] = {k: bad for k in keys}
    else:
        checkpoint["param_groups"][0]["params"] = bad
    before = _optimizer_snapshot(p, opt)
    _unchanged(_clean(lambda: opt.load_state_dict(checkpoint)), before, p, opt)


@FAST
@given(name=st.sampled_from(RULES), lr=ARGS, other=ARGS)
def test_optimizer_constructors_refuse_bad_hyperparameters_cleanly(name, lr, other):
    p = dl.tensor([1.0], requires_grad=True)
    _clean(lambda: getattr(optim, name)([p], lr=lr, weight_decay=other))
    _clean(lambda: getattr(keras.optimizers, name if name != "NAdam" else "Nadam")(lr))


# --- fit: a bad argument fails before the first update ---
FIT_DATA = np.linspace(-1, 1, 24, dtype=np.float32).reshape(8, 3), np.arange(8) % 3
FIT_ARGUMENTS = ["x", "y", "batch_size", "epochs", "verbose", "callbacks", "validation_split",
                 "validation_data", "class_weight", "sample_weight", "initial_epoch",
                 "steps_per_epoch", "validation_steps", "validation_batch_size", "validation_freq"]  # fmt: skip
FIT_ODD = [v for v in ODD if not isinstance(v, int) or isinstance(v, bool) or v <= 1]


def _model():
    model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
    model.compile(keras.optimizers.SGD(0.1), "sparse_categorical_crossentropy", ["accuracy"])
    model.fit(*FIT_DATA, verbose=0)
    return model


MODEL = _model()


@SLOW
@given(argument=st.sampled_from(FIT_ARGUMENTS), bad=st.sampled_from(FIT_ODD) | tensors())
def test_fit_with_a_bad_argument_changes_no_weight(argument, bad):
    before = [np.copy(w) for w in MODEL.get_weights()]
    kwargs = {"x": FIT_DATA[0], "y": FIT_DATA[1], "epochs": 1, "verbose": 0, argument: bad}
    if _clean(lambda: MODEL.fit(**kwargs)):
        for a, b in zip(before, MODEL.get_weights()):
            np.testing.assert_array_equal(a, b)
