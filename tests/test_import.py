"""`import deepling` loads NumPy and the standard library only; the faces and optional parts
load on first use. (How long the import takes is measured in benchmarks/bench_import.py.)"""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ["torch", "scipy", "matplotlib", "tqdm", "safetensors", "mpi4py", "cupy", "PIL", "pandas"]
HEAVY += ["sklearn", "requests", "urllib.request", "h5py", "tensorflow", "keras"]
HEAVY += ["onnx", "onnxruntime"]
LAZY_PARTS = ["nn", "optim", "utils", "tf", "keras", "tape", "training", "datasets", "plot"]
LAZY_PARTS += ["onnx", "compiler", "vision"]


def _modules_after(code: str) -> set:
    """Modules loaded by `code` in a fresh interpreter, beyond those loaded by `import numpy`."""
    probe = (
        "import sys, json; import numpy; before = set(sys.modules); "
        f"{code}; print(json.dumps(sorted(set(sys.modules) - before)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(json.loads(out.stdout))


def _third_party(modules: set) -> list:
    """Top-level names that are neither the standard library, NumPy nor deepling."""
    allowed = set(sys.stdlib_module_names) | {"numpy", "deepling"}
    tops = {m.split(".")[0] for m in modules}
    return sorted(t for t in tops if t not in allowed and not t.startswith("_cython"))


def test_third_party_spots_what_is_not_stdlib_numpy_or_deepling():
    assert _third_party({"json.decoder", "numpy.linalg", "deepling.nn", "torch.nn"}) == ["torch"]


def test_import_deepling_loads_numpy_and_the_standard_library_only():
    added = _modules_after("import deepling")
    assert "deepling" in added
    assert _third_party(added) == []
    assert [m for m in HEAVY if m in added] == []
    loaded_parts = [p for p in LAZY_PARTS if f"deepling.{p}" in added]
    assert loaded_parts == []


def test_import_deepling_tf_stays_light():
    added = _modules_after("import deepling.tf")
    assert "deepling.tf" in added and "deepling.tape" in added
    assert _third_party(added) == []
    heavy_parts = ["deepling.nn", "deepling.optim", "deepling.keras", "deepling.tf.optimizers"]
    assert [m for m in heavy_parts if m in added] == []


def test_faces_load_on_first_attribute_access():
    added = _modules_after("import deepling; deepling.tf.reduce_mean")
    assert "deepling.tf" in added


@pytest.mark.skipif(
    importlib.util.find_spec("deepling.tf.optimizers") is None,
    reason="deepling.tf.optimizers is not written yet",
)
def test_tf_optimizers_load_lazily():
    added = _modules_after("import deepling.tf as tf; tf.optimizers.SGD")
    assert "deepling.tf.optimizers" in added


def test_deepling_onnx_loads_the_onnx_package_only_when_exporting():
    added = _modules_after("import deepling; deepling.onnx.export")
    assert "deepling.onnx" in added
    assert [m for m in ("onnx", "onnxruntime") if m in added] == []
