"""deepling.save writes PyTorch's own zip format and deepling.load reads torch.save's, without
ever running code from a file."""

import io
import os
import pickle
import subprocess
import sys
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import deepling as dl

torch = pytest.importorskip("torch")


def _mlp(nn):
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.BatchNorm1d(8), nn.Linear(8, 3))


def _embed(nn):
    return nn.Sequential(nn.Embedding(10, 4), nn.LayerNorm(4), nn.Linear(4, 2))


def _lstm(nn):
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = nn.LSTM(4, 6, num_layers=2, batch_first=True, bidirectional=True)
            self.head = nn.Linear(12, 3)

        def forward(self, x):
            out, _ = self.rnn(x)
            return self.head(out[:, -1])

    return Net()


def _cnn(nn):
    return nn.Sequential(
        nn.Conv2d(2, 4, 3, padding=1),
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(4 * 3 * 3, 3),
    )


def _same_model_both_ways(make, x, tmp_path):
    ours, theirs = make(dl.nn), make(torch.nn)
    for m in (ours, theirs):
        m.train()
        m(dl.tensor(x) if m is ours else torch.tensor(x))  # moves BatchNorm's running stats
        m.eval()
    dl.save(ours.state_dict(), tmp_path / "ours.pt")
    theirs.load_state_dict(torch.load(tmp_path / "ours.pt", weights_only=True))
    expected = ours(dl.tensor(x)).detach().numpy()
    np.testing.assert_allclose(
        theirs(torch.tensor(x)).detach().numpy(), expected, rtol=1e-5, atol=1e-6
    )

    torch.manual_seed(1)
    other = make(torch.nn)
    other(torch.tensor(x))  # in train mode, so BatchNorm's running stats are not the defaults
    other.eval()
    torch.save(other.state_dict(), tmp_path / "theirs.pt")
    ours.load_state_dict(dl.load(tmp_path / "theirs.pt"))
    expected = other(torch.tensor(x)).detach().numpy()
    np.testing.assert_allclose(ours(dl.tensor(x)).detach().numpy(), expected, rtol=1e-5, atol=1e-6)


def test_mlp_round_trips_both_ways_with_pytorch(tmp_path):
    x = np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32)
    _same_model_both_ways(_mlp, x, tmp_path)


def test_embedding_model_round_trips_both_ways_with_pytorch(tmp_path):
    _same_model_both_ways(_embed, np.array([[1, 2, 3], [9, 0, 4]]), tmp_path)


def test_lstm_round_trips_both_ways_with_pytorch(tmp_path):
    x = np.random.default_rng(1).normal(size=(3, 5, 4)).astype(np.float32)
    _same_model_both_ways(_lstm, x, tmp_path)


def test_cnn_round_trips_both_ways_with_pytorch(tmp_path):
    x = np.random.default_rng(2).normal(size=(3, 2, 6, 6)).astype(np.float32)
    _same_model_both_ways(_cnn, x, tmp_path)


def test_layout_is_pytorchs(tmp_path):
    dl.save({"w": dl.ones(3), "b": dl.zeros(2)}, tmp_path / "mlp.pt")
    with zipfile.ZipFile(tmp_path / "mlp.pt") as archive:
        names = archive.namelist()
        assert {n.split("/")[0] for n in names} == {"mlp"}  # top folder named after the file
        assert {"mlp/data.pkl", "mlp/version", "mlp/byteorder", "mlp/data/0", "mlp/data/1"} <= set(names)  # fmt: skip
        raw = (tmp_path / "mlp.pt").read_bytes()
        for info in archive.infolist():
            if info.filename.startswith("mlp/data/"):
                start = info.header_offset + 30 + len(info.filename) + len(info.extra)
                assert start % 64 == 0, info.filename
                assert raw[start : start + info.file_size] == archive.read(info)


def test_odd_dtypes_zero_d_and_views_survive_both_ways(tmp_path):
    base = dl.tensor(np.arange(12, dtype=np.float32).reshape(3, 4))
    obj = {
        "step": dl.tensor(np.int64(7)),
        "flag": dl.tensor(True),
        "bytes": dl.tensor(np.arange(5, dtype=np.uint8)),
        "half": dl.tensor(np.float16(1.5)),
        "base": base,
        "column": base[:, 1],  # offset 1, stride 4
        "transposed": base.T,
        "epoch": 3,
        "tags": ("a", None, 2.5, True),
    }
    dl.save(obj, tmp_path / "v.pt")
    loaded = torch.load(tmp_path / "v.pt", weights_only=True)
    for key in ("step", "flag", "bytes", "half", "base", "column", "transposed"):
        np.testing.assert_array_equal(
            loaded[key].detach().numpy(), obj[key].detach().numpy(), err_msg=key
        )
        assert loaded[key].detach().numpy().dtype == obj[key].detach().numpy().dtype, key
    assert loaded["column"].stride() == (4,) and loaded["column"].storage_offset() == 1
    assert loaded["column"].untyped_storage().data_ptr() == loaded["base"].untyped_storage().data_ptr()  # fmt: skip
    assert loaded["epoch"] == 3 and loaded["tags"] == ("a", None, 2.5, True)

    torch.save(loaded, tmp_path / "back.pt")
    back = dl.load(tmp_path / "back.pt")
    for key in ("step", "flag", "bytes", "half", "base", "column", "transposed"):
        np.testing.assert_array_equal(
            back[key].detach().numpy(), obj[key].detach().numpy(), err_msg=key
        )
        assert back[key].dtype == obj[key].dtype and back[key].shape == obj[key].shape, key
    back["base"][0, 1] = 100.0  # views keep sharing their storage after loading
    assert back["column"][0].item() == 100.0


def test_parameters_and_requires_grad_and_ordered_dicts(tmp_path):
    model = dl.nn.Linear(2, 1)
    dl.save({"p": model.weight, "sd": model.state_dict()}, tmp_path / "p.pt")
    loaded = torch.load(tmp_path / "p.pt", weights_only=True)
    assert isinstance(loaded["p"], torch.nn.Parameter) and loaded["p"].requires_grad
    assert isinstance(loaded["sd"], OrderedDict) and list(loaded["sd"]) == ["weight", "bias"]

    torch.save({"p": torch.nn.Parameter(torch.ones(2)), "t": torch.ones(2, requires_grad=True)}, tmp_path / "t.pt")  # fmt: skip
    back = dl.load(tmp_path / "t.pt")
    assert isinstance(back["p"], dl.nn.Parameter) and back["t"].requires_grad


def test_optimizer_checkpoint_from_pytorch_resumes_in_deepling(tmp_path):
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 1)
    opt = torch.optim.Adam(model.parameters(), lr=0.1)
    x, y = torch.randn(8, 3), torch.randn(8, 1)
    for _ in range(2):
        opt.zero_grad()
        ((model(x) - y) ** 2).mean().backward()
        opt.step()
    torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 2}, tmp_path / "c.pt")  # fmt: skip
    opt.zero_grad()
    ((model(x) - y) ** 2).mean().backward()
    opt.step()

    ckpt = dl.load(tmp_path / "c.pt")
    ours = dl.nn.Linear(3, 1)
    ours.load_state_dict(ckpt["model"])
    ours_opt = dl.optim.Adam(ours.parameters(), lr=0.1)
    ours_opt.load_state_dict(ckpt["optimizer"])
    ours_opt.zero_grad()
    ((ours(dl.tensor(x.detach().numpy())) - dl.tensor(y.detach().numpy())) ** 2).mean().backward()
    ours_opt.step()
    np.testing.assert_allclose(
        ours.weight.detach().numpy(), model.weight.detach().numpy(), rtol=1e-5
    )


_PAYLOAD = """
import os, pickle, sys, zipfile

class Evil:
    def __reduce__(self):
        return (os.system, ("touch " + sys.argv[2],))

with zipfile.ZipFile(sys.argv[1], "w") as archive:
    archive.writestr("evil/data.pkl", pickle.dumps({"w": Evil()}, protocol=2))
    archive.writestr("evil/version", "3\\n")
"""


def test_a_malicious_pickle_never_runs(tmp_path):
    path, marker = tmp_path / "evil.pt", tmp_path / "pwned"
    subprocess.run([sys.executable, "-c", _PAYLOAD, str(path), str(marker)], check=True)
    with pytest.raises(pickle.UnpicklingError, match=r"global (posix|nt)\.system"):
        dl.load(path)
    with pytest.raises(pickle.UnpicklingError, match="global"):
        dl.load(path, weights_only=False)  # deepling never unpickles outside the allow-list
    assert not marker.exists()


@pytest.mark.parametrize("name", [("builtins", "eval"), ("numpy", "load"), ("torch", "load")])
def test_any_global_outside_the_allow_list_is_named(tmp_path, name):
    data = b"\x80\x02c" + f"{name[0]}\n{name[1]}\n".encode() + b"."
    with zipfile.ZipFile(tmp_path / "g.pt", "w") as archive:
        archive.writestr("g/data.pkl", data)
    with pytest.raises(pickle.UnpicklingError, match=f"{name[0]}.{name[1]}"):
        dl.load(tmp_path / "g.pt")


def test_legacy_format_gets_a_clear_error(tmp_path):
    torch.save({"w": torch.ones(2)}, tmp_path / "old.pt", _use_new_zipfile_serialization=False)
    with pytest.raises(ValueError, match="legacy"):
        dl.load(tmp_path / "old.pt")


def test_unsavable_things_are_refused_before_writing(tmp_path):
    with pytest.raises(TypeError, match="model.act of type object"):
        dl.save({"model": {"act": object()}}, tmp_path / "x.pt")
    with pytest.raises(TypeError, match="complex"):
        dl.save({"z": dl.tensor(np.ones(2, np.complex64))}, tmp_path / "x.pt")
    assert os.listdir(tmp_path) == []


def test_file_objects_and_map_location(tmp_path):
    buffer = io.BytesIO()
    dl.save({"w": dl.ones(2)}, buffer)
    buffer.seek(0)
    assert torch.load(buffer, weights_only=True)["w"].tolist() == [1.0, 1.0]
    buffer = io.BytesIO()
    torch.save({"w": torch.arange(3)}, buffer)
    buffer.seek(0)
    seen = []
    out = dl.load(buffer, map_location=lambda storage, location: seen.append(location) or storage)
    assert out["w"].tolist() == [0, 1, 2] and seen == ["cpu"]


def test_safetensors_stays_available(tmp_path):
    dl.save({"w": dl.ones(2)}, tmp_path / "w.bin", format="safetensors")
    assert (tmp_path / "w.bin").read_bytes()[:4] != b"PK\x03\x04"
    assert dl.load(tmp_path / "w.bin")["w"].tolist() == [1.0, 1.0]
    with pytest.raises(ValueError, match="format must be one of"):
        dl.save({}, tmp_path / "x", format="pickle")
