"""The tracer: what it records (nodes in call order, each value classified as a graph input, a
named parameter or buffer, a node's output or a constant), in-place changes, replays, and that
it leaves Function.__call__ as it found it."""

import threading

import numpy as np
import pytest

import deepling as dl
import deepling.nn as nn
import deepling.nn.functional as F
from deepling.autograd.function import Function
from deepling.compiler import TraceError, check_replay, named_arrays, replay, trace
from deepling.tensor import Tensor

ORIGINAL_CALL = Function.__call__


def test_records_nodes_in_order_and_classifies_values():
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU())
    model.eval()
    x = dl.randn(2, 3)
    t = trace(model, x, names=named_arrays(model))
    assert [n.op for n in t.nodes] == [
        "Linear", "Reshape", "Add", "Sqrt", "Div", "Reshape", "Sub", "Mul",  # batch norm (eval)
        "Reshape", "Mul", "Reshape", "Add", "Relu",
    ]  # fmt: skip
    assert [v.kind for v in t.nodes[0].inputs] == ["input", "parameter", "parameter"]
    assert t.inputs[0].array is x._data
    names = ["0.weight", "0.bias", "1.running_var", "1.running_mean", "1.weight", "1.bias"]
    assert [v.name for v in t.parameters] == names
    sub = t.nodes[6]  # batch norm in eval reads its running statistics as named buffers
    assert sub.op == "Sub" and sub.inputs[0].node is t.nodes[0]
    assert sub.inputs[1].node.inputs[0].name == "1.running_mean"
    assert t.outputs[0].node is t.nodes[-1] and t.structure == "tensor"


def test_keras_weights_are_named_by_their_paths():
    from deepling import keras

    keras.backend.clear_session()
    model = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])
    t = trace(lambda x: model(x, training=False), dl.randn(1, 3), names=named_arrays(model))
    assert [v.name for v in t.parameters] == ["dense/kernel", "dense/bias"]


def test_an_input_read_as_an_attribute_is_the_input():
    w = dl.randn(5, 2)
    idx = dl.tensor([[0, 4], [1, 1]])
    t = trace(lambda i, x: F.embedding(i, w) + x[:, dl.tensor([1, 0])].sum(), idx, dl.randn(2, 2))
    embedding = t.nodes[0]
    assert embedding.op == "Embedding" and embedding.attrs[0][2] is t.inputs[0]
    assert embedding.inputs[0].kind == "constant" and embedding.inputs[0].array is w._data
    getitem = t.nodes[1]
    assert getitem.attrs[0][2].kind == "constant"  # the key array is a constant
    assert getitem.inputs[0] is t.inputs[1]


def test_views_and_detach_keep_the_array_identity():
    x = dl.randn(2, 3)
    t = trace(lambda x: x.detach().view(3, 2).T * x.data, x)
    assert [n.op for n in t.nodes] == ["Reshape", "Permute", "Mul"]
    assert t.nodes[0].inputs[0] is t.inputs[0]
    assert t.nodes[2].inputs[1] is t.inputs[0]


def test_augmented_assignment_is_followed_and_replays():
    def fn(x):
        y = x * 2
        y += x  # in place outside grad mode: the recorded y + x becomes y's new version
        return y.relu()

    x = dl.randn(4)
    with dl.no_grad():
        t = trace(fn, x)
    assert [n.op for n in t.nodes] == ["Mul", "Add", "Relu"]
    assert t.nodes[2].inputs[0] is t.nodes[1].output
    new = np.array([1.0, -2.0, 3.0, 0.5], np.float32)
    np.testing.assert_allclose(replay(t, new)[0], np.maximum(3 * new, 0))


@pytest.mark.parametrize(
    "fn, op",
    [
        (lambda x: x.add_(1) * 2, "add_"),
        (lambda x: (x * 2).zero_() + x, "zero_"),
        (lambda x: x.__setitem__(0, 1.0) or x * 2, "__setitem__"),
    ],
)
def test_other_in_place_changes_of_traced_values_are_refused(fn, op):
    with pytest.raises(TraceError, match=op):
        trace(fn, dl.randn(3))
    assert Function.__call__ is ORIGINAL_CALL


def test_writing_a_traced_value_into_a_new_tensor_is_refused():
    def fn(x):
        out = dl.zeros(3)
        out.copy_(x * 2)
        return out + x

    with pytest.raises(TraceError, match="wrote a traced value"):
        trace(fn, dl.randn(3))


def test_an_output_that_does_not_depend_on_the_inputs_is_refused():
    with pytest.raises(TraceError, match="does not depend on the inputs"):
        trace(lambda x: dl.tensor(x.detach().numpy() * 2), dl.randn(3))
    assert [n.op for n in trace(lambda x: x.argmax(), dl.randn(3)).nodes] == ["ArrayOp"]


def test_check_replay_finds_values_computed_around_the_ops():
    def fn(x):  # the mask computed with NumPy, outside the ops (x > 0 would be an op)
        return dl.where(dl.tensor(x.detach().numpy() > 0), x, x * 0.1)

    x = dl.randn(6)
    t = trace(fn, x)
    with pytest.raises(TraceError, match="did not record"):
        check_replay(t, fn)
    model = nn.Sequential(nn.Linear(3, 2), nn.Tanh())
    check_replay(trace(model, dl.randn(4, 3)), model)  # all recorded: no error


def test_replay_runs_on_new_arrays_and_leaves_the_recorded_functions_alone():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2), nn.Softmax(dim=1))
    x = dl.randn(5, 3)
    t = trace(model, x)
    new = dl.randn(5, 3)
    np.testing.assert_allclose(replay(t, new)[0], model(new).detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(replay(t, x)[0], model(x).detach().numpy(), rtol=1e-6)


def test_function_call_is_restored_even_after_an_error():
    with pytest.raises(ZeroDivisionError):
        trace(lambda x: x * (1 / 0), dl.randn(2))
    assert Function.__call__ is ORIGINAL_CALL
    assert Tensor.__setitem__.__name__ == "__setitem__"


def test_only_the_tracing_threads_calls_are_recorded():
    def fn(x):
        other = threading.Thread(target=lambda: dl.randn(3).exp())
        other.start()
        other.join()
        return x.tanh()

    t = trace(fn, dl.randn(3))
    assert [n.op for n in t.nodes] == ["Tanh"]


def test_a_custom_functions_forward_is_recorded_as_its_ops():
    class Square(dl.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    t = trace(lambda x: Square.apply(x) + 1, dl.randn(3, requires_grad=True))
    assert [n.op for n in t.nodes] == ["Mul", "Add"]


def test_bad_calls():
    x = dl.randn(2)
    with pytest.raises(TraceError, match="same array"):
        trace(lambda a, b: a + b, x, x)
    with pytest.raises(TraceError, match="inside a trace"):
        trace(lambda a: trace(lambda b: b * 2, a).outputs and a, x)
    with pytest.raises(TraceError, match="must return a Tensor"):
        trace(lambda a: {"y": a * 2}, x)
    assert Function.__call__ is ORIGINAL_CALL


def test_tuple_outputs_keep_their_structure():
    t = trace(lambda a: (a * 2, a + 1), dl.randn(2))
    assert t.structure == "tuple" and len(t.outputs) == 2
