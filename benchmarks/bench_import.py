"""How long `import deepling` takes on top of `import numpy` (budget: under 0.05 s), beside torch.

Each sample is a fresh interpreter that imports NumPy, then the module under test, timing both
with perf_counter; the table shows medians. By default bytecode is cached (in a temporary
PYTHONPYCACHEPREFIX, so nothing is written into the source tree), which is what an installed
package sees; `--cold` turns the cache off and so includes compiling every module.

    python benchmarks/bench_import.py [--repeats 10] [--cold]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _timing import print_table

BUDGET_S = 0.05
ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import time; t0 = time.perf_counter(); import numpy; t1 = time.perf_counter(); "
    "import {module}; t2 = time.perf_counter(); print(t1 - t0, t2 - t1)"
)


def _env(cold: bool, cache: str) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if cold:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = cache
    return env


def _sample(module: str, env: dict) -> tuple[float, float]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(module=module)],
        env=env,
        cwd=tempfile.gettempdir(),
        capture_output=True,
        text=True,
        check=True,
    )
    numpy_s, extra_s = map(float, out.stdout.split())
    return numpy_s, extra_s


def measure(modules: list[str], repeats: int, cold: bool) -> dict:
    """Medians of (numpy time, extra time) per module, sampling the modules in turn."""
    with tempfile.TemporaryDirectory() as cache:
        env = _env(cold, cache)
        for m in modules:  # one warm-up each: fills the bytecode cache and the OS file cache
            _sample(m, env)
        samples = {m: [] for m in modules}
        for _ in range(repeats):
            for m in modules:
                samples[m].append(_sample(m, env))
    return {
        m: (statistics.median(s[0] for s in v), statistics.median(s[1] for s in v))
        for m, v in samples.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--cold", action="store_true", help="no bytecode cache (compile each time)")
    args = parser.parse_args()
    modules = ["deepling", "deepling.tf"]
    if importlib.util.find_spec("torch") is not None:
        modules.append("torch")
    result = measure(modules, args.repeats, args.cold)
    rows = [
        [m, round(numpy_s * 1e3, 1), round(extra_s * 1e3, 1)]
        for m, (numpy_s, extra_s) in result.items()
    ]
    cache = "no bytecode cache" if args.cold else "bytecode cached"
    title = f"import time, median of {args.repeats} fresh interpreters ({cache})"
    print_table(title, ["module", "numpy ms", "extra over numpy ms"], rows)
    extra = result["deepling"][1]
    verdict = "within" if extra < BUDGET_S else "OVER"
    print(
        f"\n`import deepling` adds {extra * 1e3:.1f} ms: {verdict} the {BUDGET_S * 1e3:.0f} ms budget"
    )


if __name__ == "__main__":
    main()
