"""Data-parallel tutorials written for PyTorch (torch.distributed, DDP, DistributedSampler)
and Keras (MultiWorkerMirroredStrategy), run on 2 ranks with only their imports swapped for
deepling's. Each must learn: the loss falls by a measured factor and the accuracy is reached.
"""

import re
from pathlib import Path

import pytest

from tests.distributed.mpi import ranks, requires_mpi

HERE = Path(__file__).parent
SWAPS = {
    "import torch": "import deepling as torch",
    "import torch.distributed as dist": "import deepling.distributed as dist",
    "import torch.nn as nn": "from deepling import nn",
    "from torch.nn.parallel import DistributedDataParallel as DDP":
        "from deepling.nn.parallel import DistributedDataParallel as DDP",
    "from torch.utils.data import DataLoader, TensorDataset":
        "from deepling.utils.data import DataLoader, TensorDataset",
    "from torch.utils.data.distributed import DistributedSampler":
        "from deepling.utils.data.distributed import DistributedSampler",
    "import tensorflow as tf": "import deepling.tf as tf",
    "from tensorflow import keras": "from deepling import keras",
}  # fmt: skip


def _swapped(name, tmp_path) -> Path:
    lines = (HERE / name).read_text().splitlines()
    swapped = [SWAPS.get(line, line) for line in lines]
    left = [ln for ln in swapped if ln.startswith(("import ", "from "))
            and ln.split()[1].split(".")[0] in ("torch", "tensorflow")]  # fmt: skip
    assert not left, f"imports left unswapped: {left}"
    program = tmp_path / name
    program.write_text("\n".join(swapped) + "\n")
    return program


def _numbers(out: str) -> tuple:
    found = re.search(r"first loss ([\d.]+) last loss ([\d.]+) accuracy ([\d.]+)", out)
    assert found, out
    return tuple(float(v) for v in found.groups())


@requires_mpi
@pytest.mark.parametrize(
    "name, factor, accuracy",
    [("ddp_torch.py", 6.0, 0.97), ("multiworker_keras.py", 4.0, 0.95)],  # measured: 13x, 7x
)
def test_the_tutorial_learns_on_two_ranks(name, factor, accuracy, tmp_path):
    out = ranks(2, _swapped(name, tmp_path)).stdout
    first, last, acc = _numbers(out)
    assert last * factor < first and acc >= accuracy, out
    if "keras" in name:
        assert out.count("Epoch 1/15") == 1  # only rank 0 shows fit's progress
