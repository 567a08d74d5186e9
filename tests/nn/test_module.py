"""Module and Parameter: registration order, walking, modes, state_dict, repr, dtype."""

import copy
from collections import OrderedDict

import numpy as np
import pytest

import deepling as dl
from deepling import nn
from tests.helpers import requires_torch


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3, 4)
        self.scale = nn.Parameter(dl.ones(1))
        self.register_buffer("steps", dl.zeros(1))
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x))) * self.scale


def test_parameter_is_a_tensor_sharing_the_array():
    t = dl.zeros(2, 3)
    p = nn.Parameter(t)
    assert isinstance(p, dl.Tensor) and p.requires_grad and p.is_leaf
    assert p._data is t._data
    assert not nn.Parameter(t, requires_grad=False).requires_grad
    assert type(p * 2) is dl.Tensor  # results of ops are plain tensors, as in torch


def test_parameter_repr_is_torchs():
    assert repr(nn.Parameter(dl.tensor([[-0.0838]]))) == (
        "Parameter containing:\ntensor([[-0.0838]], requires_grad=True)"
    )


def test_parameter_of_integers_cannot_require_grad():
    with pytest.raises(RuntimeError, match="floating point"):
        nn.Parameter(dl.tensor([1, 2]))


def test_named_parameters_in_registration_order():
    names = [n for n, _ in Net().named_parameters()]
    assert names == ["scale", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert [n for n, _ in Net().named_parameters(recurse=False)] == ["scale"]
    assert sum(p.numel() for p in Net().parameters()) == 3 * 4 + 4 + 1 + 4 * 2 + 2


def test_shared_parameters_and_modules_are_listed_once():
    lin = nn.Linear(2, 2)
    seq = nn.Sequential(lin, nn.ReLU(), lin)
    assert len(list(seq.parameters())) == 2
    assert len(list(seq.modules())) == 3
    assert [n for n, _ in seq.named_children()] == ["0", "1"]


def test_modules_children_and_buffers():
    net = Net()
    assert [n for n, _ in net.named_modules()] == ["", "fc1", "act", "fc2"]
    assert [type(m).__name__ for m in net.children()] == ["Linear", "ReLU", "Linear"]
    assert [n for n, _ in net.named_buffers()] == ["steps"]
    assert net.get_submodule("fc2") is net.fc2


def test_getattr_setattr_delattr():
    net = Net()
    assert isinstance(net.fc1, nn.Linear) and "fc1" not in net.__dict__
    with pytest.raises(AttributeError, match="'Net' object has no attribute 'nope'"):
        net.nope  # noqa: B018
    with pytest.raises(TypeError, match="cannot assign"):
        net.scale = dl.ones(1)  # a plain tensor where a Parameter is registered
    net.scale = None
    assert "scale" not in dict(net.named_parameters())
    del net.fc2
    assert [n for n, _ in net.named_children()] == ["fc1", "act"]
    net.fc1 = nn.Linear(3, 5)  # replacing keeps the slot's position
    assert list(net._modules) == ["fc1", "act"] and net.fc1.out_features == 5


def test_assigning_before_init_fails_clearly():
    class Bad(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(dl.ones(1))

    with pytest.raises(AttributeError, match="before Module.__init__"):
        Bad()


def test_forward_is_required():
    with pytest.raises(NotImplementedError, match="forward"):
        nn.Module()(dl.ones(1))


def test_train_eval_propagate():
    net = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Dropout(), nn.BatchNorm1d(2)))
    assert all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())
    with pytest.raises(ValueError, match="boolean"):
        net.train("no")


def test_zero_grad_and_requires_grad_():
    net = Net()
    net(dl.ones(2, 3)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all(not p.grad.numpy().any() for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())


def test_apply_visits_children_first():
    seen = []
    nn.Sequential(nn.Linear(1, 1), nn.Tanh()).apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "Tanh", "Sequential"]


def test_to_double_float_keep_parameter_objects():
    net = Net()
    params = list(net.parameters())
    assert net.double() is net
    assert all(p.dtype == np.float64 for p in net.parameters())
    assert list(net.parameters())[0] is params[0]  # optimizers keep valid references
    assert net(dl.ones(1, 3, dtype=dl.float64)).dtype == np.float64
    assert net.to(dl.float32) is net and net.fc1.weight.dtype == np.float32
    assert net.to("cpu") is net and net.cpu() is net
    with pytest.raises(TypeError, match="floating point"):
        net.to(dl.int64)


def test_state_dict_keys_values_detached():
    net = Net()
    sd = net.state_dict()
    keys = ["scale", "steps", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert list(sd) == keys
    assert all(not v.requires_grad and not isinstance(v, nn.Parameter) for v in sd.values())
    assert sd["fc1.weight"]._data is net.fc1.weight._data  # shares memory, as torch


def test_load_state_dict_round_trip_copies_in_place():
    a, b = Net(), Net()
    x = dl.randn(5, 3)
    weight = b.fc1.weight
    assert repr(b.load_state_dict(a.state_dict())) == "<All keys matched successfully>"
    assert b.fc1.weight is weight
    np.testing.assert_array_equal(a(x).detach().numpy(), b(x).detach().numpy())
    a.fc1.weight.data[...] = 7  # b holds copies, not views of a's arrays
    assert not (b.fc1.weight.detach().numpy() == 7).any()


def test_load_state_dict_reports_every_problem_before_copying():
    net = nn.Sequential(nn.Linear(1, 1), nn.Sigmoid())
    before = net[0].weight.detach().numpy().copy()
    sd = {"0.weight": dl.zeros(2, 1), "foo": dl.zeros(1), "bar": dl.zeros(1)}
    with pytest.raises(RuntimeError) as e:
        net.load_state_dict(sd)
    assert str(e.value) == (
        "Error(s) in loading state_dict for Sequential:\n"
        '\tMissing key(s) in state_dict: "0.bias". \n'
        '\tUnexpected key(s) in state_dict: "foo", "bar". \n'
        "\tsize mismatch for 0.weight: copying a param with shape torch.Size([2, 1]) from "
        "checkpoint, the shape in current model is torch.Size([1, 1])."
    )
    np.testing.assert_array_equal(net[0].weight.detach().numpy(), before)


def test_load_state_dict_not_strict_returns_keys():
    net = nn.Sequential(nn.Linear(1, 1))
    result = net.load_state_dict({"0.weight": dl.tensor([[2.0]]), "x": dl.ones(1)}, strict=False)
    assert result.missing_keys == ["0.bias"] and result.unexpected_keys == ["x"]
    assert net[0].weight.item() == 2.0
    with pytest.raises(RuntimeError, match="size mismatch"):  # shapes are checked even then
        net.load_state_dict({"0.weight": dl.zeros(3)}, strict=False)


def _float64_state(module):
    return {k: dl.tensor(v.numpy().astype(np.float64) + 1) for k, v in module.state_dict().items()}


def test_load_state_dict_assign_takes_the_state_dicts_arrays():
    net = nn.Linear(3, 2)
    sd = _float64_state(net)
    weight = net.weight
    net.load_state_dict(sd, assign=True)
    assert net.weight is weight and net.weight.requires_grad  # the Parameter stays
    assert net.weight._data is sd["weight"]._data and net.weight.dtype == np.float64
    assert net.bias.dtype == np.float64


def test_load_state_dict_without_assign_copies_into_the_existing_arrays():
    net = nn.Linear(3, 2)
    sd = _float64_state(net)
    array = net.weight._data
    net.load_state_dict(sd)
    assert net.weight._data is array and net.weight.dtype == np.float32
    np.testing.assert_allclose(
        net.weight.detach().numpy(), sd["weight"].detach().numpy(), rtol=1e-6
    )


@requires_torch
@pytest.mark.parametrize("assign", [False, True])
def test_load_state_dict_assign_dtypes_are_torchs(assign):
    import torch

    ours, theirs = nn.Linear(3, 2), torch.nn.Linear(3, 2)
    sd = _float64_state(ours)
    ours.load_state_dict(sd, assign=assign)
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in sd.items()}, assign=assign)
    for name, p in theirs.named_parameters():
        assert str(p.dtype) == str(getattr(ours, name).dtype)


@requires_torch
def test_load_state_dict_from_torch_and_back():
    import torch

    theirs = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2))
    ours = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
    ours.load_state_dict(theirs.state_dict())
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    x = np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32)
    ours.eval(), theirs.eval()
    np.testing.assert_allclose(
        ours(dl.tensor(x)).detach().numpy(), theirs(torch.tensor(x)).detach().numpy(), atol=1e-6
    )


def test_deepcopy_is_independent():
    net = Net()
    twin = copy.deepcopy(net)
    twin.fc1.weight.data[...] = 0
    assert net.fc1.weight.detach().numpy().any()
    assert [n for n, _ in twin.named_parameters()] == [n for n, _ in net.named_parameters()]


@requires_torch
@pytest.mark.parametrize(
    "build",
    [
        lambda nn: nn.Sequential(nn.Linear(1, 1), nn.Sigmoid()),
        lambda nn: nn.Sequential(
            nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Dropout(0.2), nn.Linear(128, 10)
        ),
        lambda nn: nn.Sequential(
            OrderedDict(
                [("bn", nn.BatchNorm1d(4)), ("inner", nn.Sequential(nn.Tanh(), nn.Identity()))]
            )
        ),
        lambda nn: nn.ModuleList([nn.Linear(2, 2) for _ in range(3)] + [nn.ReLU()]),
        lambda nn: nn.ModuleDict({"a": nn.LeakyReLU(0.2), "b": nn.Softmax(dim=1)}),
        lambda nn: nn.Sequential(nn.Embedding(10, 3, padding_idx=0), nn.LayerNorm(3), nn.GELU()),
        lambda nn: nn.Sequential(nn.ELU(), nn.Softplus(), nn.LogSoftmax(dim=-1), nn.SiLU()),
        lambda nn: nn.Sequential(nn.BatchNorm1d(3, affine=False), nn.LayerNorm([2, 3])),
        lambda nn: nn.Module(),
    ],
)
def test_repr_equals_torchs(build):
    assert repr(build(nn)) == repr(build(__import__("torch").nn))


def test_custom_extra_repr_and_nested_indent():
    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(nn.Linear(2, 2))

        def extra_repr(self):
            return "k=1"

    assert repr(Block()) == (
        "Block(\n  k=1\n  (body): Sequential(\n    (0): Linear(in_features=2, out_features=2, "
        "bias=True)\n  )\n)"
    )
