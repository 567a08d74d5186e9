"""Devices as PyTorch's (deepling.devices decides): device objects, the universal first lines,
default device and dtype, and the error that says deepling runs on the CPU."""

import pickle

import numpy as np
import pytest

import deepling as torch  # these are PyTorch programs' own lines
from tests.helpers import requires_torch


def test_the_universal_first_lines_pick_the_cpu():
    device = "cuda" if torch.cuda.is_available() else "cpu"
    assert device == "cpu"
    device = (
        torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
    )
    assert device == "cpu" and torch.accelerator.current_accelerator() is None
    assert torch.backends.mps.is_available() is False and torch.backends.mps.is_built() is False
    torch.backends.cudnn.deterministic = True  # tutorials set it for reproducibility
    assert torch.backends.cudnn.is_available() is False
    x = torch.ones(2).to(device)
    model = torch.nn.Linear(2, 1).to(device)
    assert model(x).device == torch.device("cpu") and x.device.type == "cpu"
    assert isinstance(torch.__version__, str) and torch.cuda.device_count() >= 0


@requires_torch
def test_device_objects_behave_as_torchs():
    import torch as real

    for args in [("cpu",), ("cuda:0",), ("cuda", 1), ("cpu:0",), ("mps",)]:
        ours, theirs = torch.device(*args), real.device(*args)
        assert (repr(ours), str(ours), ours.type, ours.index) == (
            repr(theirs), str(theirs), theirs.type, theirs.index)  # fmt: skip
        assert (ours == "cpu") == (theirs == "cpu")  # a device is not equal to a string
    assert torch.device("cuda:0") == torch.device("cuda", 0) != torch.device("cuda")
    assert torch.device(torch.device("cuda:1")).index == 1
    assert len({torch.device("cpu"), torch.device("cpu")}) == 1
    assert pickle.loads(pickle.dumps(torch.device("cuda:1"))) == torch.device("cuda:1")
    for bad, error in [("foo", "Expected one of cpu, cuda"), ("cuda:x", "Invalid device string")]:
        for lib in (torch, real):
            with pytest.raises(RuntimeError, match=error):
                lib.device(bad)
    with pytest.raises(AttributeError):
        torch.device("cpu").type = "cuda"


@pytest.mark.parametrize("device", ["cuda", "cuda:0", torch.device("cuda", 0), "mps"])
def test_asking_for_a_gpu_says_deepling_runs_on_the_cpu(device):
    x, model = torch.ones(2), torch.nn.Linear(2, 1)
    before = model.weight.detach().clone()
    for make in (lambda: torch.zeros(2, device=device), lambda: x.to(device),
                 lambda: model.to(device), lambda: torch.set_default_device(device)):  # fmt: skip
        with pytest.raises(RuntimeError, match="deepling runs on the CPU") as info:
            make()
        assert isinstance(info.value, AssertionError)  # what a CPU-only PyTorch raises
    with pytest.raises(RuntimeError, match="deepling runs on the CPU"):
        x.cuda()
    with pytest.raises(RuntimeError, match="deepling runs on the CPU"):
        model.cuda()
    assert torch.equal(model.weight.detach(), before)


def test_tensor_device_properties_and_to():
    x = torch.ones(2, 3)
    assert not x.is_cuda and x.is_cpu and x.get_device() == -1
    assert (
        x.to("cpu") is x
        and x.cpu() is x
        and x.to(torch.device("cpu"), torch.float64).dtype == np.float64
    )
    y = x.to("cpu", copy=True)
    y[0, 0] = 5.0
    assert x[0, 0].item() == 1.0
    assert x.to(torch.ones(1, dtype=torch.float64)).dtype == np.float64
    with torch.device("cpu"):
        assert torch.zeros(1).device == torch.device("cpu")
    torch.set_default_device("cpu")
    assert torch.get_default_device() == torch.device("cpu")
    torch.set_default_device(None)


def test_default_dtype_sets_python_floats_and_float_factories():
    assert torch.get_default_dtype() == torch.float32
    try:
        torch.set_default_dtype(torch.float64)
        assert torch.tensor([1.5]).dtype == np.float64 and torch.zeros(2).dtype == np.float64
        assert (
            torch.randn(2).dtype == np.float64 and (torch.tensor([1, 2]) * 0.5).dtype == np.float64
        )
        assert repr(torch.tensor([1.5])) == "tensor([1.5000])"  # the default is not printed
        assert (
            repr(torch.tensor([1.5], dtype=torch.float32))
            == "tensor([1.5000], dtype=torch.float32)"
        )
    finally:
        torch.set_default_dtype(torch.float32)
    assert torch.tensor([1.5]).dtype == np.float32
    with pytest.raises(TypeError, match="only floating-point types"):
        torch.set_default_dtype(torch.int64)


@pytest.mark.parametrize(
    "module", ["deepling.devices", "deepling.dtypes", "deepling._backend", "deepling.ops.matrix"]
)
def test_docstring_examples_run(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), verbose=False)
    assert result.failed == 0 and result.attempted > 0


@requires_torch
def test_dtypes_print_and_compare_as_torchs():
    import torch as real

    for name in [
        "float32",
        "float64",
        "float16",
        "int64",
        "int32",
        "int16",
        "int8",
        "uint8",
        "bool",
    ]:
        ours, theirs = getattr(torch, name), getattr(real, name)
        assert (repr(ours), str(ours), ours.is_floating_point, ours.itemsize) == (
            repr(theirs), str(theirs), theirs.is_floating_point, theirs.itemsize)  # fmt: skip
    assert (
        torch.float == torch.float32 and torch.float32 == np.float32 and torch.float32 == "float32"
    )
    assert torch.long == torch.int64 and torch.int64 != torch.float32
    assert torch.ones(1).dtype is torch.float32 and {torch.float32: 1}[np.dtype("float32")] == 1
    assert np.zeros(2, torch.float64).dtype == np.float64  # NumPy takes it as its own dtype
    assert pickle.loads(pickle.dumps(torch.int64)) == torch.int64
