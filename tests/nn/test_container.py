"""Sequential, ModuleList, ModuleDict: indexing, editing, naming and parameter registration."""

from collections import OrderedDict

import pytest

import deepling as dl
from deepling import nn


def _seq():
    return nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))


def test_sequential_chains_and_indexes():
    seq = _seq()
    x = dl.randn(4, 2)
    assert seq(x).tolist() == seq[2](seq[1](seq[0](x))).tolist()
    assert len(seq) == 3 and seq[-1] is seq[2] and list(seq) == [seq[0], seq[1], seq[2]]
    head = seq[:2]
    assert isinstance(head, nn.Sequential) and len(head) == 2 and head[0] is seq[0]
    assert [n for n, _ in seq[1:].named_children()] == ["1", "2"]  # a slice keeps the names
    with pytest.raises(IndexError, match="index 3 is out of range for Sequential of length 3"):
        seq[3]
    with pytest.raises(IndexError):
        seq[-4]


def test_sequential_from_ordered_dict_keeps_names():
    seq = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 2)), ("act", nn.Tanh())]))
    assert list(seq.state_dict()) == ["fc.weight", "fc.bias"]
    assert seq.fc is seq[0]


def test_sequential_edits_renumber():
    seq = _seq()
    last = seq[2]
    assert seq.append(nn.Sigmoid()) is seq and len(seq) == 4
    del seq[1]
    assert [n for n, _ in seq.named_children()] == ["0", "1", "2"] and seq[1] is last
    seq[0] = nn.Identity()
    assert isinstance(seq[0], nn.Identity)
    seq.insert(0, nn.Tanh())
    assert [type(m).__name__ for m in seq] == ["Tanh", "Identity", "Linear", "Sigmoid"]
    assert len(list(seq.parameters())) == 2


def test_module_list():
    layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    assert len(layers) == 3 and len(list(layers.parameters())) == 6
    layers.append(nn.ReLU())
    layers.extend([nn.Tanh()])
    layers += [nn.Sigmoid()]
    assert [type(m).__name__ for m in layers][3:] == ["ReLU", "Tanh", "Sigmoid"]
    assert isinstance(layers[1:3], nn.ModuleList) and layers[-1] is layers[5]
    del layers[0]
    assert len(layers) == 5 and [n for n, _ in layers.named_children()][-1] == "4"
    with pytest.raises(NotImplementedError):
        layers(dl.ones(1))

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.blocks = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2)])

    assert [n for n, _ in Net().named_parameters()][:2] == ["blocks.0.weight", "blocks.0.bias"]


def test_module_dict():
    d = nn.ModuleDict({"enc": nn.Linear(2, 3), "act": nn.ReLU()})
    assert list(d) == ["enc", "act"] and len(d) == 2 and "enc" in d
    assert list(d.keys()) == ["enc", "act"] and d["act"] is list(d.values())[1]
    d["dec"] = nn.Linear(3, 2)
    d.update([("out", nn.Sigmoid())])
    assert [k for k, _ in d.items()] == ["enc", "act", "dec", "out"]
    assert len(list(d.parameters())) == 4
    assert isinstance(d.pop("dec"), nn.Linear) and len(list(d.parameters())) == 2
    del d["out"]
    assert list(d) == ["enc", "act"]
    with pytest.raises(KeyError):
        d["missing"]
    with pytest.raises(TypeError, match="is not a Module subclass"):
        d["x"] = 3
    d.clear()
    assert len(d) == 0
