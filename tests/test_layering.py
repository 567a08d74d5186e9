"""DESIGN.md's layering, checked on the source: imports flow Backend <- Core <- Blocks <-
Training <- faces, and a face never imports another face (tf/__init__.py's lazy aliases of
`tf.keras` and `tf.optimizers` aside). Imports inside functions count too."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "deepling"

# each top-level module or package of deepling, by layer (higher numbers may import lower)
LAYERS = {
    "_backend": 0, "devices": 0, "dtypes": 0,
    "grad_mode": 1, "tensor": 1, "tensor_methods": 1, "autograd": 1, "tape": 1, "ops": 1,
    "creation": 1, "gradcheck": 1, "recording": 1, "tensor_inplace": 1, "linalg": 1, "tensor_repr": 1,
    "nn": 2, "optim": 2, "utils": 2, "callbacks": 2, "datasets": 2, "serialization": 2, "io": 2,
    "cuda": 2, "progress": 2, "threads": 2, "distributed": 2, "compiler": 2, "onnx": 2,
    "vision": 2, "accelerator": 2, "backends": 2,
    "training": 3, "training_data": 3, "training_eval": 3, "training_steps": 3,
    "tf": 4, "keras": 4,
    "__init__": 5, "__main__": 5, "cli": 5, "demo": 5, "examples": 5, "plot": 5,
}  # fmt: skip
FACES = ("tf", "keras")
LAZY_ALIASES = {("tf/__init__.py", "keras"), ("tf/__init__.py", "keras.optimizers")}


def _top(path: Path) -> str:
    """The top-level module or package a file belongs to ('ops' for ops/linalg.py)."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def _imported(path: Path, node) -> list:
    """The deepling top-level names an import statement reaches, as dotted paths below deepling."""
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names if a.name.startswith("deepling.")]
        return [n.removeprefix("deepling.") for n in names]
    if node.level == 0:
        if not (node.module or "").startswith("deepling"):
            return []
        base = (node.module or "").removeprefix("deepling").lstrip(".")
    else:
        here = list(path.relative_to(PACKAGE).parent.parts)
        up = here[: len(here) - (node.level - 1)] if node.level > 1 else here
        if node.level - 1 > len(here):
            return []
        base = ".".join([*up, node.module] if node.module else up)
    if base:
        return [base]
    return [a.name for a in node.names]  # `from .. import ops`: each name is a module


def _imports():
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for target in _imported(path, node):
                    yield path, node.lineno, target


def _violations():
    found = []
    for path, line, target in _imports():
        src, dst = _top(path), target.split(".")[0]
        rel = str(path.relative_to(PACKAGE))
        if src == dst or dst not in LAYERS:
            continue
        where = f"deepling/{rel}:{line} imports deepling.{target}"
        if src in FACES and dst in FACES:
            if (rel, target) not in LAZY_ALIASES:
                found.append(f"{where}: a face imports another face")
        elif LAYERS[dst] > LAYERS[src]:
            found.append(f"{where}: layer {LAYERS[src]} imports layer {LAYERS[dst]}")
    return found


def test_every_module_has_a_layer():
    tops = {_top(p) for p in PACKAGE.rglob("*.py")}
    assert tops - set(LAYERS) == set(), "add the new module to LAYERS"


def test_imports_flow_downward_and_faces_stay_apart():
    assert _violations() == []


@pytest.mark.parametrize(
    "source, expected",
    [
        ("from ..keras import layers", "a face imports another face"),
        ("from ..training import Trainer", "layer 2 imports layer 3"),
    ],
)
def test_the_check_finds_bad_imports(tmp_path, monkeypatch, source, expected):
    """The check itself: a planted bad import in a block or a face is reported."""
    folder = "tf" if "keras" in source else "optim"
    fake = PACKAGE / folder / "_planted_by_test.py"
    monkeypatch.setattr(Path, "read_text", _planted(fake, source, Path.read_text))
    monkeypatch.setattr(Path, "rglob", _with(fake, Path.rglob))
    assert any(expected in v and "_planted_by_test" in v for v in _violations())


def _planted(fake, source, read_text):
    def read(self, *args, **kwargs):
        return source if self == fake else read_text(self, *args, **kwargs)

    return read


def _with(fake, rglob):
    def walk(self, pattern):
        yield from rglob(self, pattern)
        if self == PACKAGE:
            yield fake

    return walk
