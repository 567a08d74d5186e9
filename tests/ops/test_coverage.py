"""Every Function in deepling has a check_op case: the CASES lists of all test modules are run
forward once, and the Function classes found in their graphs must cover every subclass."""

import importlib
import pkgutil
import re
from pathlib import Path

import numpy as np

import deepling as dl
from deepling.autograd.function import Function
from tests.helpers import Case

TESTS = Path(__file__).resolve().parents[1]
PACKAGES = ("deepling.ops", "deepling.nn")  # where Functions live (nn once it exists)


def _functions() -> set:
    """Function subclasses of the core modules and of PACKAGES, after importing all of them."""
    for name in PACKAGES:
        try:
            package = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name == name:
                continue  # not written yet
            raise
        for info in pkgutil.walk_packages(package.__path__, name + "."):
            importlib.import_module(info.name)
    found, todo = set(), [Function]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    # core modules are `deepling.x`; others (e.g. a test's own Function) do not count
    return {
        c
        for c in found
        if c.__module__.startswith(tuple(p + "." for p in PACKAGES))
        or re.fullmatch(r"deepling\.\w+", c.__module__)
        if not c.__name__.startswith("_") and c.forward is not Function.forward
    }


def _case_lists(broken=None):
    """(module name, Cases) for every tests/**/test_*.py with a module-level CASES list."""
    for path in sorted(TESTS.rglob("test_*.py")):
        if not re.search(r"^CASES\b", path.read_text(encoding="utf-8"), re.MULTILINE):
            continue  # cheap filter: only modules that define CASES get imported
        name = ".".join(path.relative_to(TESTS.parent).with_suffix("").parts)
        try:
            cases = getattr(importlib.import_module(name), "CASES", None)
        except Exception as e:  # pytest reports it for that module; here it is a hint
            if broken is None:
                raise
            broken.append(f"{name} failed to import: {type(e).__name__}: {e}")
            continue
        cases = [c for c in cases if isinstance(c, Case)] if isinstance(cases, list) else []
        if cases:  # other CASES lists (optimizer settings, ...) are not op cases
            yield name, cases


def _graph_functions(out) -> set:
    """Types of the Functions in the graph behind `out` (a tensor, or a tuple of them)."""
    types, seen, todo = set(), set(), [out]
    while todo:
        t = todo.pop()
        if isinstance(t, (tuple, list)):
            todo.extend(t)
            continue
        fn = getattr(t, "grad_fn", None)
        if fn is None or id(fn) in seen:
            continue
        seen.add(id(fn))
        types.add(type(fn))
        todo.extend(fn.inputs or ())
    return types


def _run_forward(case):
    """The case's forward as check_op runs it: float inputs require grad."""
    arrays = case.inputs()
    return case.run(*[dl.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays])


def _covered():
    covered, broken, modules = set(), [], []
    for module, cases in _case_lists(broken):
        modules.append(module)
        for case in cases:
            try:
                covered |= _graph_functions(_run_forward(case))
            except Exception as e:  # the case's own test reports it; name it here as a hint
                broken.append(f"{module}: {case}: {type(e).__name__}: {e}")
    return covered, broken, modules


def test_every_function_has_a_check_op_case():
    covered, broken, modules = _covered()
    missing = sorted(f"{c.__module__}.{c.__name__}" for c in _functions() - covered)
    hint = "".join(f"\n  (failed to run: {b:.200})" for b in broken)
    assert not missing, (
        f"{len(missing)} Function(s) have no check_op case in the CASES of any test module "
        f"({', '.join(modules)}):\n  " + "\n  ".join(missing) + hint
    )


def test_the_walk_finds_the_functions_of_a_graph():
    x = dl.tensor(np.ones((2, 3)), requires_grad=True)
    found = {c.__name__ for c in _graph_functions((x.exp().sum(1) * 2, x[0]))}
    assert {"Exp", "Sum", "Mul", "GetItem"} <= found
    assert {"Exp", "Sum", "Reshape"} <= {c.__name__ for c in _functions()}
    assert "tests.ops.test_unary" in [m for m, _ in _case_lists([])]


def test_every_function_has_a_second_order_case():
    """check_second_order runs for each Case unless it opts out: every Function must be in the
    graph of a Case that checks its double backward."""
    covered = set()
    for _, cases in _case_lists([]):
        for case in cases:
            if case.second_order and any(a.dtype.kind == "f" for a in case.inputs()):
                covered |= _graph_functions(_run_forward(case))
    missing = sorted(f"{c.__module__}.{c.__name__}" for c in _functions() - covered)
    assert not missing, "no second-order case for:\n  " + "\n  ".join(missing)
