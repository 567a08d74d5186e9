"""The `deepling` command (also `python -m deepling`): a demo, the examples, a gradient check
and what is installed.

    deepling demo              train a Boston housing MLP, print its test error, plot it
    deepling examples [NAME]   list the seed tutorials as programs (or print one)
    deepling run NAME          run one of them
    deepling gradcheck         numerical vs analytic gradients on a small network
    deepling info              versions, array backend and the data set folder
"""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import contextmanager

import deepling as dl
from deepling import examples
from deepling.demo import DEMO_PNG, demo

# --- deepling examples / run ---------------------------------------------------------------


def list_examples(args) -> int:
    if args.name:
        print(examples.source(args.name), end="")
        return 0
    width = max(len(n) for n in examples.NAMES)
    for name in examples.NAMES:
        print(f"  {name:{width}}  {examples.description(name)}")
    print("\nRun one with `deepling run NAME`; read one with `deepling examples NAME`.")
    return 0


@contextmanager
def _environment(**values):
    """Set environment variables for the duration of a block (None leaves one unset)."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update({k: str(v) for k, v in values.items() if v is not None})
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run_example(args) -> int:
    import importlib

    from deepling.examples import _common

    plots = "off" if args.no_plot else args.plots
    settings = {
        _common.EPOCHS_ENV: args.epochs,
        _common.SAMPLES_ENV: args.samples,
        _common.PLOTS_ENV: plots,
    }
    with _environment(**settings):
        try:
            module = importlib.import_module(f"deepling.examples.{args.name}")
        except ModuleNotFoundError as e:
            if e.name and not e.name.startswith("deepling"):
                top = e.name.split(".")[0]
                package = {"sklearn": "scikit-learn"}.get(top, top)
                print(f"example {args.name!r} needs {package}: pip install {package}")
                return 1
            raise
        module.main()
    return 0


# --- deepling gradcheck --------------------------------------------------------------------

_GRADCHECK_TEXT = """\
Backpropagation (autograd) finds every gradient of the loss in one backward pass, using each
operation's derivative rule. Numerical differentiation needs no rules at all: nudge one weight
by h each way and see how the loss changes,
    dL/dw  ~  (L(w + h) - L(w - h)) / 2h        (central difference, h = {eps:g})
It costs two forward passes per weight, far too slow to train with, but it is simple enough to
trust: when the two agree, the backward rules are right. Network: 4 inputs -> 5 tanh -> 3
classes, softmax cross-entropy on 6 samples, in float64 (float32 would drown the central
difference in rounding error).
"""


def _small_net(seed: int):
    """Inputs, labels and named float64 parameters of a 4-5-3 tanh network."""
    import numpy as np

    rng = np.random.default_rng(seed)
    x = dl.tensor(rng.standard_normal((6, 4)))
    labels = dl.tensor(rng.integers(0, 3, size=6))
    shapes = {"W1": (4, 5), "b1": (5,), "W2": (5, 3), "b2": (3,)}
    params = {
        k: dl.tensor(0.5 * rng.standard_normal(s), requires_grad=True) for k, s in shapes.items()
    }
    return x, labels, params


def _loss(x, labels, p):
    hidden = dl.tanh(x @ p["W1"] + p["b1"])
    return dl.nn.functional.cross_entropy(hidden @ p["W2"] + p["b2"], labels)


def gradcheck(args) -> int:
    import numpy as np

    print(_GRADCHECK_TEXT.format(eps=args.eps))
    x, labels, params = _small_net(args.seed)
    loss = _loss(x, labels, params)
    loss.backward()  # analytic: fills .grad of every parameter
    print(f"loss = {loss.item():.6f}\n")
    worst = 0.0
    for name, p in params.items():

        def loss_of(value, name=name):  # the loss as a function of this one parameter
            return _loss(x, labels, {**params, name: value})

        numeric = dl.numerical_grad(loss_of, p, eps=args.eps).numpy().ravel()
        analytic = p.grad.numpy().ravel()
        diff = float(np.abs(analytic - numeric).max())
        worst = max(worst, diff)
        print(f"{name} {tuple(p.shape)}: max |difference| = {diff:.2e}")
        print("  autograd :", np.array2string(analytic[:5], precision=8, suppress_small=True))
        print("  numerical:", np.array2string(numeric[:5], precision=8, suppress_small=True))
    print("(the first 5 values of each parameter are shown)")
    verdict = (
        "they agree"
        if worst < 1e-6
        else "they DISAGREE: a backward rule is wrong, or h is badly chosen"
    )
    print(
        f"\nlargest difference over all {sum(p.numel() for p in params.values())} weights: "
        f"{worst:.2e} ({verdict})"
    )
    print("`deepling.gradcheck(f, inputs)` runs this comparison for any function.")
    return 0 if worst < 1e-6 else 1


# --- deepling info -------------------------------------------------------------------------

_OPTIONAL = (
    "matplotlib",
    "tqdm",
    "scikit-learn",
    "safetensors",
    "torch",
    "cupy",
    "mpi4py",
    "pytest",
    "hypothesis",
)


def _version(package: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _blas() -> str:
    import numpy as np

    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:  # older NumPy has no mode="dicts"; the BLAS name is only a nicety
        return "unknown"


def info(args) -> int:
    import platform

    import numpy as np

    from deepling import _backend
    from deepling.datasets import data_home

    print(f"deepling {dl.__version__} ({os.path.dirname(dl.__file__)})")
    print(
        f"python   {platform.python_version()} ({platform.python_implementation()}, "
        f"{platform.system()} {platform.machine()})"
    )
    blas = dl.threads.blas_info()
    print(f"numpy    {np.__version__} (BLAS: {_blas()}, {blas['num_threads']} threads)")
    print(
        "  on a small or busy machine one BLAS thread is often fastest for small models: "
        "set OPENBLAS_NUM_THREADS=1 (or OMP_NUM_THREADS=1), or call deepling.set_num_threads(1)"
    )
    print("optional packages:")
    for package in _OPTIONAL:
        print(f"  {package:13} {_version(package) or '-'}")
    gpu = (
        "CuPy on CUDA, available" if dl.cuda.is_available() else "no CUDA device (CuPy not usable)"
    )
    print(f"array backend: NumPy on the CPU (default float: {_backend.default_float}); GPU: {gpu}")
    home = data_home()
    where = "$DEEPLING_HOME" if os.environ.get("DEEPLING_HOME") else "default; set $DEEPLING_HOME"
    print(f"data sets: {home} ({where} to move it)")
    cached = sorted(p.name for p in home.iterdir() if p.is_dir()) if home.is_dir() else []
    print(f"  cached: {', '.join(cached) if cached else 'nothing yet'}")
    print("  bundled in the package: boston_housing, iris, wine")
    return 0


# --- the command line ----------------------------------------------------------------------


def _demo_args(p) -> None:
    p.add_argument("--epochs", type=_positive, default=100, help="training epochs (default 100)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--out", default=DEMO_PNG, help=f"where to save the plot (default {DEMO_PNG})")
    p.add_argument("--no-plot", action="store_true", help="do not draw the plot")


def _examples_args(p) -> None:
    p.add_argument(
        "name",
        nargs="?",
        choices=examples.NAMES,
        metavar="NAME",
        help="print this example's program instead of the list",
    )


def _run_args(p) -> None:
    p.add_argument("name", choices=examples.NAMES, metavar="NAME", help="see `deepling examples`")
    p.add_argument("--epochs", type=_positive, help="at most this many epochs (a quick run)")
    p.add_argument("--samples", type=_positive, help="at most this many training samples (MNIST)")
    p.add_argument("--plots", help="folder for the PNG files (default: the current folder)")
    p.add_argument("--no-plot", action="store_true", help="do not draw plots")


def _gradcheck_args(p) -> None:
    p.add_argument("--eps", type=float, default=1e-6, help="the step h (default 1e-6)")
    p.add_argument("--seed", type=int, default=0, help="random seed of the network (default 0)")


# name, function, one-line help, description (for `deepling NAME --help`), its arguments
_COMMANDS = (
    (
        "demo",
        demo,
        "train a Boston housing MLP and plot it",
        "Train the 13-64-32-1 Boston housing MLP on the bundled data; print the test MAE and the "
        f"correlation of predicted and true prices; save {DEMO_PNG}.",
        _demo_args,
    ),
    (
        "examples",
        list_examples,
        "list the examples, or print one",
        "List the seed tutorials as programs, or print one's code.",
        _examples_args,
    ),
    (
        "run",
        run_example,
        "run one example",
        "Run one example; its plots go to the current folder (or --plots DIR).",
        _run_args,
    ),
    (
        "gradcheck",
        gradcheck,
        "numerical vs analytic gradients, explained",
        "Compare autograd's gradients with central differences on a small network.",
        _gradcheck_args,
    ),
    (
        "info",
        info,
        "versions, array backend, data set folder",
        "Print versions, the array backend and where data sets are cached.",
        lambda p: None,
    ),
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="deepling",
        description=__doc__.split("\n\n")[0].replace("\n", " "),
        epilog="`deepling COMMAND --help` tells more about each command.",
    )
    parser.add_argument("--version", action="version", version=f"deepling {dl.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, func, summary, description, add_arguments in _COMMANDS:
        p = sub.add_parser(name, help=summary, description=description)
        p.set_defaults(func=func)
        add_arguments(p)
    return parser


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, got {text}")
    return value


def main(argv=None) -> int:
    """Entry point of the `deepling` command; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except BrokenPipeError:  # `deepling examples | head` stopped reading: not worth a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # silence the final flush
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
