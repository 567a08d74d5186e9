"""GradientTape: TensorFlow's recorder, as a window of ticks of the graph's clock.

Operations are always linked into the graph; a tape remembers the ticks of the Functions
recorded while it was open, and `gradient` walks only those (the same walk as
`Tensor.backward`). So what ran outside the `with` block is a constant to the tape, as in TF.
A gradient computed while another tape is recording is recorded too (the walk runs with
`create_graph`), so nested tapes give second derivatives, as TensorFlow's do.
"""

from __future__ import annotations

import math
import threading
import warnings

import numpy as np

from . import _backend
from .autograd.engine import run_backward
from .autograd.entry import _as_list, _seed_grads
from .tensor import Tensor, check_differentiable, clock, mark_watched


class _Open(threading.local):
    def __init__(self):
        self.tapes = []  # the tapes whose `with` block this thread is in, innermost last


_open = _Open()


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
        self._window = (next(clock.ticks), math.inf)
        _open.tapes.append(self)
        return self

    def __exit__(self, *exc):
        self._window = (self._window[0], next(clock.ticks))
        _open.tapes.remove(self)
        for t in self._watched:
            t.requires_grad = False  # recorded ops keep their links; later ops see a constant
        return False

    def watch(self, tensor) -> None:
        """Record operations on `tensor` (a constant) so gradients can flow to it."""
        for t in _flatten(tensor)[0]:
            _check_tensor(t, "tape.watch argument")
            self._ids.add(id(t))
            mark_watched(t)  # a TensorFlow tensor: `.numpy()` of what it computes works
            if not t.requires_grad:
                check_differentiable(t._data.dtype)
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
        self._window = (next(clock.ticks), math.inf)

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
            _check_tensor(s, "source", i)
        recording = bool(_open.tapes)  # a tape is open: record the gradient's own graph
        targets, seeds = _seeds(_as_list(target), output_gradients, recording)
        found = run_backward(targets, seeds, retain_graph=self.persistent or recording,
                             sources=flat, window=self._window, create_graph=recording)  # fmt: skip
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
                g = _backend.array_module(s._data).zeros(s._data.shape, s._data.dtype)
            elif g is None:
                warn_unconnected(i, s)
            grads.append(g if g is None or isinstance(g, Tensor) else Tensor._wrap(g))
        return rebuild(grads)

    def jacobian(self, target, sources, unconnected_gradients="none", parallel_iterations=None,
                 experimental_use_pfor=True):  # fmt: skip
        """d target / d source for each source: a tensor of shape target.shape + source.shape
        (one backward walk per target element; `parallel_iterations` and `experimental_use_pfor`
        change how TF computes it, not the numbers)."""
        flat, rebuild = _flatten(sources)
        rows = []
        for i in range(target.numel()):
            seed = np.zeros(target.numel(), target._data.dtype)
            seed[i] = 1
            rows.append(
                self._seeded(target, seed.reshape(target.shape), flat, unconnected_gradients)
            )
        return rebuild(
            [_stacked([r[j] for r in rows], target.shape, s) for j, s in enumerate(flat)]
        )

    def batch_jacobian(self, target, source, unconnected_gradients="none",
                       parallel_iterations=None, experimental_use_pfor=True):  # fmt: skip
        """d target[b] / d source[b] for each sample b, when samples do not interact: shape
        (batch, *target.shape[1:], *source.shape[1:]). One walk per target feature, seeded with
        that feature of every sample: the gradient holds each sample's row."""
        if target.shape[0] != source.shape[0]:
            raise ValueError(
                f"Need first dimension of `target` shape ({tuple(target.shape)}) and `source` "
                f"shape ({tuple(source.shape)}) to match."
            )
        batch, features = target.shape[0], target.numel() // max(target.shape[0], 1)
        rows = []
        for j in range(features):
            seed = np.zeros((batch, features), target._data.dtype)
            seed[:, j] = 1
            found = self._seeded(
                target, seed.reshape(target.shape), [source], unconnected_gradients
            )
            rows.append(found[0])
        if any(r is None for r in rows):
            return None
        from .ops.shape import stack

        out = stack(rows, 1)  # (batch, features, *source.shape[1:])
        return out.reshape((batch, *target.shape[1:], *source.shape[1:]))

    def _seeded(self, target, seed, sources, unconnected):
        """The gradients of target weighted by `seed` for `sources`, as a list."""
        persistent = self.persistent
        self.persistent, self._used = True, False  # one walk per element over the same graph
        try:
            found = self.gradient(target, list(sources), Tensor._wrap(seed), unconnected)
        finally:
            self.persistent, self._used = persistent, True
        return found


def _stacked(rows, target_shape, source):
    from .ops.shape import stack

    if any(r is None for r in rows):
        return None
    if not rows:
        return Tensor._wrap(np.zeros((*target_shape, *source.shape), source._data.dtype))
    return stack(rows).reshape((*target_shape, *source.shape))


def _seeds(targets, output_gradients, as_tensors=False):
    """The targets that need a gradient and their upstream gradients (ones where not given)."""
    given = [None] * len(targets) if output_gradients is None else _as_list(output_gradients)
    if len(given) != len(targets):
        raise ValueError(f"{len(given)} output_gradients given for {len(targets)} targets")
    kept, seeds = [], []
    for i, (t, g) in enumerate(zip(targets, given)):
        _check_tensor(t, "target", i)
        if not t.requires_grad:
            continue  # a constant target adds nothing to any gradient
        if g is None:
            seed = _backend.array_module(t._data).ones(t._data.shape, t._data.dtype)
            seeds.append(Tensor._wrap(seed) if as_tensors else seed)
        else:
            seeds.append(_seed_grads([t], [g], as_tensors)[0])
        kept.append(t)
    return kept, seeds


def _flatten(structure):
    """A list of tensors from one tensor, a list/tuple or a dict, and how to put it back."""
    if isinstance(structure, dict):
        keys = list(structure)
        return [structure[k] for k in keys], lambda v: dict(zip(keys, v))
    if type(structure) in (list, tuple):
        return list(structure), type(structure)  # list(v) and tuple(v) put it back
    if isinstance(structure, (list, tuple)):  # a subclass: a namedtuple or a ListWrapper
        kind = type(structure)
        return list(structure), lambda v: kind(v)
    return [structure], _first


def _first(values):
    return values[0]


def _check_tensor(x, what: str, index=None) -> None:
    if not isinstance(x, Tensor):  # the message is made only when it is needed
        what = what if index is None else f"{what} {index}"
        raise TypeError(
            f"GradientTape: {what} must be a Tensor or Variable, got {type(x).__name__}: {x!r:.60}"
        )


def warn_unconnected(index: int, source) -> None:
    warnings.warn(
        f"GradientTape.gradient: source {index} (shape {tuple(source._data.shape)}, "
        f"{source._data.dtype}) is not connected to the target, so its gradient is None. "
        "Common causes: it is a constant that was not watched (use tf.Variable or "
        "tape.watch(x)); the computation ran outside the `with tf.GradientTape()` block; or it "
        "went through .numpy() or NumPy, which the tape cannot see.",
        stacklevel=3,
    )
