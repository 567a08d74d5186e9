"""deepling.save / deepling.load: exact round trips in safetensors, atomic writes, clear errors."""

import io
import os
import pickle
import subprocess
import sys

import numpy as np
import pytest

import deepling as dl
from deepling.io import files


def _checkpoint():
    w = dl.tensor(np.arange(6, dtype=np.float32).reshape(2, 3))
    return {
        "model": {"fc.weight": w, "fc.bias": dl.zeros(2), "mask": dl.tensor([True, False])},
        "optimizer": {
            "state": {0: {"step": 3, "exp_avg": dl.ones(2, 3, dtype=dl.float64)}},
            "param_groups": [{"lr": 0.01, "betas": (0.9, 0.999), "params": [0, 1], "x": None}],
        },
        "epoch": 3,
        "loss": 1.0,
        "name": "run-1",
        "extras": [dl.tensor(np.float16(2.5)), dl.tensor(np.zeros((0, 4), np.uint8))],
        "numpy": (np.arange(3, dtype=np.int32), np.float64(0.5)),
        "transposed": w.T,
    }


def _assert_same(a, b, where="obj"):
    assert type(a) is type(b), f"{where}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, dl.Tensor):
        assert a.dtype == b.dtype and a.shape == b.shape, where
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy(), err_msg=where)
        assert a.requires_grad == b.requires_grad, where
    elif isinstance(a, (np.ndarray, np.generic)):
        assert a.dtype == b.dtype and np.array_equal(a, b), where
    elif isinstance(a, dict):
        assert list(a) == list(b), f"{where}: keys {list(a)} != {list(b)}"
        for k in a:
            _assert_same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            _assert_same(x, y, f"{where}[{i}]")
    else:
        assert a == b, where


def test_nested_checkpoint_round_trips_exactly(tmp_path):
    ckpt = _checkpoint()
    ckpt["model"]["fc.weight"].requires_grad_()
    path = tmp_path / "ckpt.safetensors"  # os.PathLike
    dl.save(ckpt, path)
    _assert_same(ckpt, dl.load(path, weights_only=True, map_location="cpu"))


def test_file_is_plain_safetensors_with_dotted_names(tmp_path):
    from safetensors import safe_open

    path = str(tmp_path / "ckpt.safetensors")
    dl.save(_checkpoint(), path)
    with safe_open(path, framework="numpy") as f:
        names = set(f.keys())
        np.testing.assert_array_equal(f.get_tensor("model.fc.weight"), np.arange(6).reshape(2, 3))
    assert {"model.fc.bias", "optimizer.state.0.exp_avg", "extras.1"} <= names


def test_clashing_dotted_names_stay_apart(tmp_path):
    obj = {"a.b": dl.ones(1), "a": {"b": dl.zeros(1)}}
    dl.save(obj, tmp_path / "f")
    _assert_same(obj, dl.load(tmp_path / "f"))


def test_loaded_tensors_are_writable(tmp_path):
    dl.save({"w": dl.ones(3)}, tmp_path / "f")
    w = dl.load(tmp_path / "f")["w"]
    w.data += 1  # optimizers update loaded weights in place
    assert w.tolist() == [2.0, 2.0, 2.0]


def test_file_objects(tmp_path):
    buffer = io.BytesIO()
    dl.save({"t": dl.arange(4), "k": [1, 2.0]}, buffer)
    buffer.seek(0)
    out = dl.load(buffer)
    assert out["t"].tolist() == [0, 1, 2, 3] and out["k"] == [1, 2.0]


def test_foreign_safetensors_file_loads_as_flat_dict(tmp_path):
    from safetensors.numpy import save_file

    save_file({"layer.weight": np.ones((2, 2), np.float32)}, str(tmp_path / "hf.safetensors"))
    out = dl.load(tmp_path / "hf.safetensors")
    assert list(out) == ["layer.weight"] and out["layer.weight"].dtype == np.float32


def test_crash_mid_save_leaves_old_file_and_no_temp(tmp_path, monkeypatch):
    path = tmp_path / "model.safetensors"
    dl.save({"w": dl.ones(1000)}, path)
    before = path.read_bytes()

    def torn_write(out, data):
        out.write(data[: len(data) // 2])
        raise OSError("disk full")

    monkeypatch.setattr(files, "write_chunks", torn_write)
    with pytest.raises(OSError, match="disk full"):
        dl.save({"w": dl.zeros(1000)}, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.safetensors"]


_DIES_MID_SAVE = """
import os, sys
import deepling as dl
from deepling.io import files
def dies(out, data):
    out.write(data[: len(data) // 2])
    out.flush()
    os._exit(9)  # as a kill: no cleanup runs
files.write_chunks = dies
dl.save({"w": dl.zeros(1000)}, sys.argv[1])
"""


def test_the_next_save_removes_what_a_killed_save_left(tmp_path):
    path = tmp_path / "model.safetensors"
    dl.save({"w": dl.ones(1000)}, path)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, "-c", _DIES_MID_SAVE, str(path)], env=env)
    assert done.returncode == 9
    stale = [n for n in os.listdir(tmp_path) if n != "model.safetensors"]
    assert len(stale) == 1 and stale[0].startswith(".model.safetensors.tmp.")
    assert dl.load(path)["w"].tolist() == [1.0] * 1000  # the target stayed whole
    dl.save({"w": dl.ones(3)}, path)
    assert os.listdir(tmp_path) == ["model.safetensors"]
    assert dl.load(path)["w"].tolist() == [1.0] * 3


def test_temporaries_of_live_writers_and_other_targets_are_kept(tmp_path):
    """A live process's temporary may still be renamed into place; other names are not ours."""
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()  # fmt: skip
    names = {
        f".ckpt.tmp.{dead}.0123abcd": False,  # its writer is gone: removed
        f".ckpt.tmp.{os.getppid()}.0123abcd": True,  # a live process's: kept
        f".ckpt.tmp.{os.getpid()}.0123abcd": True,  # this process's (another thread): kept
        f".ckpt.tmp.tmp.{dead}.0123abcd": True,  # a temporary of the target 'ckpt.tmp'
        f".other.tmp.{dead}.0123abcd": True,
        ".ckpt.tmp.notes": True,
    }
    for name in names:
        (tmp_path / name).write_bytes(b"partial")
    dl.save({"w": dl.ones(2)}, tmp_path / "ckpt")
    left = set(os.listdir(tmp_path))
    assert left == {"ckpt", *(n for n, kept in names.items() if kept)}


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) - 10],  # truncated data
        lambda b: b[:20],  # truncated header
        lambda b: b"",
        lambda b: b[:8] + b"{not json" + b[17:],
        lambda b: pickle.dumps({"w": [1.0]}),  # never unpickled
    ],
)
def test_corrupt_files_raise_naming_the_path(tmp_path, damage):
    path = tmp_path / "bad.safetensors"
    dl.save({"w": dl.ones(8), "epoch": 1}, path)
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(ValueError, match="bad.safetensors"):
        dl.load(path)


def test_corrupt_structure_raises(tmp_path):
    from safetensors.numpy import save_file

    metadata = {"deepling.structure": '{"tensor": "missing"}'}
    save_file({"w": np.ones(2)}, str(tmp_path / "f"), metadata=metadata)
    with pytest.raises(ValueError, match="corrupt deepling structure"):
        dl.load(tmp_path / "f")


def test_unsavable_objects_are_named(tmp_path):
    with pytest.raises(TypeError, match="model.act of type object"):
        dl.save({"model": {"act": object()}}, tmp_path / "f")
    with pytest.raises(TypeError, match="complex"):
        dl.save({"z": np.ones(2, np.complex64)}, tmp_path / "f.safetensors")
    with pytest.raises(TypeError, match=r"z of type ndarray.*deepling.tensor"):
        dl.save({"z": np.ones(2)}, tmp_path / "f")
    with pytest.raises(TypeError, match="dict key"):
        dl.save({(1, 2): 3}, tmp_path / "f.safetensors")
    with pytest.raises(TypeError, match="dict key of type object"):
        dl.save({object(): 3}, tmp_path / "f")
    with pytest.raises(TypeError, match=r"state_dict\(\) instead"):
        dl.save(dl.nn.Linear(2, 1), tmp_path / "f")
    assert not os.listdir(tmp_path)  # nothing written when encoding fails
    with pytest.raises(FileNotFoundError, match="parent directory"):
        dl.save({}, tmp_path / "missing" / "f")


def test_import_deepling_does_not_load_safetensors():
    code = "import sys, deepling; print('safetensors' in sys.modules, 'cupy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_checkpoint_resume_continues_exactly(tmp_path):
    """Save model + Adam state mid-training, reload into fresh objects: the same next steps."""
    x, y = dl.randn(16, 3), dl.randn(16, 1)

    def make():
        model = dl.nn.Linear(3, 1)
        return model, dl.optim.Adam(model.parameters(), lr=0.1)

    def train(model, opt, steps):
        for _ in range(steps):
            loss = ((model(x) - y) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()

    model, opt = make()
    train(model, opt, 3)
    dl.save(
        {"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 3}, tmp_path / "c"
    )
    train(model, opt, 2)

    ckpt = dl.load(tmp_path / "c")
    resumed, resumed_opt = make()
    resumed.load_state_dict(ckpt["model"])
    resumed_opt.load_state_dict(ckpt["optimizer"])
    train(resumed, resumed_opt, 2)
    assert ckpt["epoch"] == 3
    for a, b in zip(model.parameters(), resumed.parameters()):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
