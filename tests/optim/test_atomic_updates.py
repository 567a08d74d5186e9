"""A bad gradient or checkpoint changes nothing: step(), apply_gradients() and load_state_dict()
check everything before they touch a parameter, a state entry, a learning rate or a counter.
(PyTorch's step, given a wrong-sized gradient through `.grad.data`, updates the parameters
before it and then fails; its `.grad` setter refuses other sizes and dtypes.)"""

import copy

import numpy as np
import pytest

import deepling as dl
from deepling import keras, optim
from tests.helpers import HAS_TORCH

RULES = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam"]


def _snapshot(params, opt):
    state = {id(p): {k: np.copy(v) for k, v in s.items()} for p, s in opt.state.items()}
    groups = [{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups]
    return (
        [p.detach().numpy().copy() for p in params],
        repr(state),
        copy.deepcopy(groups),
        opt.iterations,
    )


def _stepped(name):
    """Two parameters and a rule (momentum where it has one) after one good step."""
    a, b = dl.tensor([1.0, 2.0, 3.0], requires_grad=True), dl.tensor([1.0, 2.0], requires_grad=True)
    opt = getattr(optim, name)([a, b], lr=0.1, **({"momentum": 0.9} if name == "SGD" else {}))
    a.grad, b.grad = dl.tensor([1.0, 1.0, 1.0]), dl.tensor([1.0, 1.0])
    opt.step()
    return a, b, opt


@pytest.mark.parametrize("name", RULES)
@pytest.mark.parametrize(
    "bad, words",
    [
        (np.ones(5, np.float32), r"parameter 1 has shape \[2\] .* gradient has shape \[5\]"),
        (np.ones(2, np.float64), r"parameter 1 .* dtype float32, but its gradient .* float64"),
        (np.ones((1, 2), np.float32), r"gradient has shape \[1, 2\]"),
    ],
)
def test_step_with_a_bad_gradient_changes_nothing(name, bad, words):
    a, b, opt = _stepped(name)
    a.grad, b.grad = dl.tensor([1.0, 1.0, 1.0]), dl.tensor([1.0, 1.0])
    b.grad._data = bad  # behind the .grad setter's back (PyTorch allows it through .data)
    before = _snapshot([a, b], opt)
    with pytest.raises(RuntimeError, match=words):
        opt.step()
    after = _snapshot([a, b], opt)
    for x, y in zip(before[0], after[0]):
        np.testing.assert_array_equal(x, y)
    assert before[1:] == after[1:], "optimizer state, groups or iterations changed"


@pytest.mark.skipif(not HAS_TORCH, reason="PyTorch is not installed")
def test_pytorch_refuses_such_gradients_with_a_runtime_error():
    import torch

    p = torch.zeros(2, requires_grad=True)
    for g in (torch.zeros(5), torch.zeros(2, dtype=torch.float64)):
        with pytest.raises(RuntimeError, match="attempting to assign a gradient"):
            p.grad = g


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop"])
@pytest.mark.parametrize(
    "bad, error",
    [(np.ones(5), ValueError), (np.array(["a", "b"]), TypeError), ([[1.0, 2.0]], ValueError)],
)
def test_keras_apply_gradients_with_a_bad_gradient_changes_nothing(name, bad, error):
    a, b = dl.tensor([1.0, 2.0, 3.0], requires_grad=True), dl.tensor([1.0, 2.0], requires_grad=True)
    opt = getattr(keras.optimizers, name)(learning_rate=lambda step: 0.1 / (1 + step))
    opt.apply_gradients([(np.ones(3), a), (np.ones(2), b)])
    before = _snapshot([a, b], opt)
    with pytest.raises(error, match="gradient 1|gradient 1 holds"):
        opt.apply_gradients([(np.ones(3), a), (bad, b)])
    after = _snapshot([a, b], opt)
    for x, y in zip(before[0], after[0]):
        np.testing.assert_array_equal(x, y)
    assert before[1:] == after[1:]


def test_apply_gradients_refuses_a_non_variable_before_updating_the_others():
    a = dl.tensor([1.0], requires_grad=True)
    opt = optim.SGD(0.5)
    with pytest.raises(TypeError, match="expects variables"):
        opt.apply_gradients([(np.ones(1), a), (np.ones(1), "b")])
    assert a.tolist() == [1.0] and opt.param_groups[0]["params"] == [] and opt.iterations == 0


def test_apply_gradients_casts_to_the_variables_dtype_as_keras():
    a = dl.tensor([1.0], requires_grad=True)
    keras.optimizers.SGD(0.5).apply_gradients([(np.array([1], np.int64), a)])
    assert a.dtype == np.float32 and a.tolist() == [0.5]


def _bad_checkpoints(sd):
    wrong_shape = copy.deepcopy(sd)
    wrong_shape["state"][0]["exp_avg"] = dl.zeros(7)
    unknown = copy.deepcopy(sd)
    unknown["state"][5] = {"step": 1}
    return [
        (wrong_shape, r"'exp_avg' has shape \[7\], but the parameter has shape \[3\]"),
        (unknown, "state for parameter 5"),
        ({"state": {}}, "'state' and 'param_groups'"),
        ([1], "'state' and 'param_groups'"),
        ({"state": {}, "param_groups": [{"lr": 0.1}]}, "'params' list"),
        ({**sd, "param_groups": sd["param_groups"] * 2}, "different number of parameter groups"),
    ]


@pytest.mark.parametrize("case", range(6))
def test_load_state_dict_checks_everything_first(case):
    a, b, opt = _stepped("Adam")
    sd = opt.state_dict()
    a2, b2, fresh = _stepped("Adam")
    fresh.param_groups[0]["lr"] = 0.5
    bad, words = _bad_checkpoints(sd)[case]
    before = _snapshot([a2, b2], fresh)
    with pytest.raises(ValueError, match=words):
        fresh.load_state_dict(bad)
    assert _snapshot([a2, b2], fresh)[1:] == before[1:]
