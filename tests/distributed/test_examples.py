"""The data-parallel MNIST examples learn on 2 ranks under deepling-run (a quick run: one
epoch on 6,000 images), and leave no checkpoint or backup behind once finished."""

import re

import pytest

from tests.distributed.mpi import launch, requires_mpi
from tests.test_examples import SHARED_MNIST


@requires_mpi
@pytest.mark.skipif(not SHARED_MNIST.is_dir(), reason=f"needs the MNIST files in {SHARED_MNIST}")
@pytest.mark.parametrize(
    "name, pattern",
    [("mnist_ddp", r"epoch 1: loss [\d.]+, test accuracy ([\d.]+)"),
     ("mnist_multiworker", r"test accuracy ([\d.]+) on 2 processes")],
)  # fmt: skip
def test_the_example_learns_on_two_ranks(name, pattern, tmp_path):
    home = tmp_path / "home"
    (home / "datasets").mkdir(parents=True)
    (home / "datasets" / "mnist").symlink_to(SHARED_MNIST)
    work = tmp_path / "work"
    work.mkdir()
    done = launch("-n", 2, "-m", f"deepling.examples.{name}", timeout=300, DEEPLING_HOME=home,
                  DEEPLING_EXAMPLE_EPOCHS=1, DEEPLING_EXAMPLE_SAMPLES=6000,
                  MNIST_DDP_CHECKPOINT=work / "ckpt.safetensors",
                  MNIST_MULTIWORKER_BACKUP=work / "backup",
                  PYTHONUNBUFFERED=1)  # fmt: skip
    assert done.returncode == 0, done.stderr
    accuracy = float(re.search(pattern, done.stdout).group(1))
    assert accuracy > 0.85, done.stdout
    assert list(work.iterdir()) == []
