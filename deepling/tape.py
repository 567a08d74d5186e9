"""GradientTape: TensorFlow's recorder, as a window of sequence numbers over the one graph.

Operations are always linked into the graph; a tape remembers the sequence numbers of the
Functions recorded while it was open, and `gradient` walks only those (the same walk as
`Tensor.backward`). So what ran outside the `with` block is a constant to the tape, as in TF.
"""

from __future__ import annotations

import math
import warnings

from . import _backend, autograd
from .autograd import _as_list, _seed_grads, check_differentiable, run_backward
from .tensor import Tensor


class GradientTape:
    """Record operations inside `with GradientTape() as tape:`; then `tape.gradient(y, x)`.

    Trainable variables (tensors with requires_grad) are watched automatically; `watch(t)`
    adds a constant. Operations recorded before or after the block are not on the tape.

    Example:
        >>> import deepling.tf as tf
        >>> w = tf.Variable(2.0)
        >>> with tf.GradientTape() as tape:
        ...     z = 2 * w**2 + 5
        >>> float(tape.gradient(z, w))
        8.0
    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True):
        self.persistent = persistent
        self.watch_accessed_variables = watch_accessed_variables
        self._window = (math.inf, math.inf)
        self._watched = []  # tensors this tape switched requires_grad on for
        self._used = False
        self._ids = set()  # ids of tensors passed to watch()

    def __enter__(self):
        self._window = (autograd._seq + 1, math.inf)
        return self

    def __exit__(self, *exc):
        self._window = (self._window[0], autograd._seq + 1)
        for t in self._watched:
            t.requires_grad = False  # recorded ops keep their links; later ops see a constant
        return False

    def watch(self, tensor) -> None:
        """Record operations on `tensor` (a constant) so gradients can flow to it."""
        for t in _flatten(tensor)[0]:
            _check_tensor(t, "tape.watch argument")
            self._ids.add(id(t))
            if not t.requires_grad:
                check_differentiable(t.data.dtype)
                t.requires_grad = True
                self._watched.append(t)

    def _records(self, source) -> bool:
        """Whether this tape saw `source`: watched, a variable it may watch, or made inside."""
        if id(source) in self._ids:
            return True
        if source.grad_fn is None:
            return self.watch_accessed_variables
        lo, hi = self._window  # a tensor made before the block is a constant, as in TF
        return lo <= source.grad_fn.seq < hi

    def reset(self) -> None:
        self._window = (autograd._seq + 1, math.inf)

    def gradient(self, target, sources, output_gradients=None, unconnected_gradients="none"):
        """Gradient of `target` (summed over its elements) for each of `sources`.

        `sources` may be one tensor, a list or tuple, or a dict; the result has the same shape.
        A source the target does not depend on gives None (and a warning saying why), or zeros
        with `unconnected_gradients="zero"`.
        """
        if self._used and not self.persistent:
            raise RuntimeError(
                "A non-persistent GradientTape can only be used to compute one set of "
                "gradients; use GradientTape(persistent=True) to call gradient() again."
            )
        flat, rebuild = _flatten(sources)
        for i, s in enumerate(flat):
            _check_tensor(s, f"source {i}")
        targets, seeds = _seeds(_as_list(target), output_gradients)
        found = run_backward(
            targets, seeds, retain_graph=self.persistent, sources=flat, window=self._window
        )
        self._used = True
        grads = []
        for i, s in enumerate(flat):
            g = found.get(id(s))
            if not self._records(s):
                g = None
            if (
                g is None
                and getattr(unconnected_gradients, "value", unconnected_gradients) == "zero"
            ):
                g = _backend.array_module(s.data).zeros(s.data.shape, s.data.dtype)
            elif g is None:
                warn_unconnected(i, s)
            grads.append(None if g is None else Tensor._wrap(g))
        return rebuild(grads)


def _seeds(targets, output_gradients):
    """The targets that need a gradient and their upstream gradients (ones where not given)."""
    given = [None] * len(targets) if output_gradients is None else _as_list(output_gradients)
    if len(given) != len(targets):
        raise ValueError(f"{len(given)} output_gradients given for {len(targets)} targets")
    kept, seeds = [], []
    for i, (t, g) in enumerate(zip(targets, given)):
        _check_tensor(t, f"target {i}")
        if not t.requires_grad:
            continue  # a constant target adds nothing to any gradient
        if g is None:
            seeds.append(_backend.array_module(t.data).ones(t.data.shape, t.data.dtype))
        else:
            seeds.append(_seed_grads([t], [g])[0])
        kept.append(t)
    return kept, seeds


def _flatten(structure):
    """A list of tensors from one tensor, a list/tuple or a dict, and how to put it back."""
    if isinstance(structure, dict):
        keys = list(structure)
        return [structure[k] for k in keys], lambda v: dict(zip(keys, v))
    if isinstance(structure, (list, tuple)):
        kind = type(structure)
        return list(structure), lambda v: kind(v)
    return [structure], lambda v: v[0]


def _check_tensor(x, what: str) -> None:
    if not isinstance(x, Tensor):
        raise TypeError(
            f"GradientTape: {what} must be a Tensor or Variable, got {type(x).__name__}: {x!r:.60}"
        )


def warn_unconnected(index: int, source) -> None:
    warnings.warn(
        f"GradientTape.gradient: source {index} (shape {tuple(source.data.shape)}, "
        f"{source.data.dtype}) is not connected to the target, so its gradient is None. "
        "Common causes: it is a constant that was not watched (use tf.Variable or "
        "tape.watch(x)); the computation ran outside the `with tf.GradientTape()` block; or it "
        "went through .numpy() or NumPy, which the tape cannot see.",
        stacklevel=3,
    )
