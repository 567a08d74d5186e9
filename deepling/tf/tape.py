"""tf.GradientTape, tf.stop_gradient, tf.custom_gradient, tf.UnconnectedGradients.

The tape is the core's (`deepling.tape.GradientTape`, a window of ticks on the one graph);
this face only shows its results as TF tensors. `custom_gradient` is a row over the core's
`link_gradient`, the closure form of a custom Function.
"""

from __future__ import annotations

import enum
import functools
import inspect
import warnings

from .. import tape as _tape
from ..autograd.custom import link_gradient
from ..tensor import Tensor as _CoreTensor
from .tensor import Tensor, as_tf
from .variables import Variable, convert_to_tensor


class UnconnectedGradients(enum.Enum):
    """What `tape.gradient` gives for a source the target does not depend on."""

    NONE = "none"
    ZERO = "zero"


class GradientTape(_tape.GradientTape):
    """Record operations inside `with tf.GradientTape() as tape:`; then `tape.gradient(y, x)`.

    Trainable variables are watched automatically (unless `watch_accessed_variables=False`);
    `watch(t)` adds a constant. `persistent=True` allows several `gradient` calls. Gradients
    are TF tensors.

    Example:
        >>> import deepling.tf as tf
        >>> w = tf.Variable(2.0)
        >>> with tf.GradientTape() as tape:
        ...     z = 2 * w**2 + 5
        >>> tape.gradient(z, [w])
        [<tf.Tensor: shape=(), dtype=float32, numpy=8.0>]
    """

    def gradient(self, target, sources, output_gradients=None,
                 unconnected_gradients=UnconnectedGradients.NONE):  # fmt: skip
        """Gradient of `target` (summed over its elements) for each of `sources` (one tensor,
        a list, a tuple or a dict: the result has the same structure). A source the target does
        not depend on gives None (with a warning saying why), or zeros with
        `unconnected_gradients=tf.UnconnectedGradients.ZERO`. Several targets (a list or a
        dict) add up their gradients."""
        if isinstance(target, dict):
            target = list(target.values())
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            found = super().gradient(target, sources, output_gradients, unconnected_gradients)
        for w in caught:  # re-issued so that they point at the caller's line, not this one
            warnings.warn(w.message, w.category, stacklevel=2)
        return as_tf(found)

    def jacobian(self, target, sources, unconnected_gradients=UnconnectedGradients.NONE,
                 parallel_iterations=None, experimental_use_pfor=True):  # fmt: skip
        """d target / d source, of shape target.shape + source.shape, for each source."""
        found = super().jacobian(target, sources, unconnected_gradients, parallel_iterations,
                                 experimental_use_pfor)  # fmt: skip
        return as_tf(found)

    def batch_jacobian(self, target, source, unconnected_gradients=UnconnectedGradients.NONE,
                       parallel_iterations=None, experimental_use_pfor=True):  # fmt: skip
        """d target[b] / d source[b] per sample b: shape (batch, *target[1:], *source[1:])."""
        found = super().batch_jacobian(target, source, unconnected_gradients,
                                       parallel_iterations, experimental_use_pfor)  # fmt: skip
        return as_tf(found)


def stop_gradient(input, name=None) -> Tensor:
    """`input`'s value as a constant: no gradient flows back through it.

    Example:
        >>> import deepling.tf as tf
        >>> x = tf.Variable(3.0)
        >>> with tf.GradientTape() as tape:
        ...     y = x * tf.stop_gradient(x)
        >>> float(tape.gradient(y, x))
        3.0
    """
    return Tensor._wrap(_as_tensor(input)._data)


def _as_tensor(x):
    return x if isinstance(x, _CoreTensor) else convert_to_tensor(x)


def custom_gradient(f=None):
    """Decorate `f(*x) -> (y, grad_fn)` so that the gradient of y is `grad_fn(upstream)`
    (one gradient per x) rather than the gradient of the ops inside `f`.

    When `f` reads Variables that are not among its arguments, `grad_fn(upstream,
    variables=None)` must take `variables` and return `(grads_for_x, grads_for_variables)`,
    as in TF. The ops of `grad_fn` are recorded when a gradient of the gradient is asked for
    (nested tapes), so it can be differentiated again. One output tensor per call.

    Example:
        >>> import deepling.tf as tf
        >>> @tf.custom_gradient
        ... def clip_gradient(x):
        ...     return tf.identity(x), lambda dy: tf.clip_by_value(dy, -0.5, 0.5)
        >>> x = tf.Variable(3.0)
        >>> with tf.GradientTape() as tape:
        ...     y = 10.0 * clip_gradient(x)
        >>> float(tape.gradient(y, x))
        0.5
    """
    if f is None:
        return custom_gradient

    @functools.wraps(f)
    def decorated(*args, **kwargs):
        args = tuple(a if isinstance(a, _CoreTensor) else convert_to_tensor(a) for a in args)
        result, grad_fn = f(*args, **kwargs)
        if isinstance(result, (list, tuple)):
            raise NotImplementedError(
                f"tf.custom_gradient: {f.__name__} returned {len(result)} outputs; deepling's "
                "custom gradients have one output tensor"
            )
        result = _as_tensor(result)
        variables = _read_variables(result, args) if _takes_variables(grad_fn) else []

        def backward(upstream):
            upstream = as_tf(upstream) if type(upstream) is _CoreTensor else upstream
            if variables:
                grads, var_grads = grad_fn(upstream, variables=variables)
            else:
                grads, var_grads = grad_fn(upstream), []
            grads = list(grads) if isinstance(grads, (list, tuple)) else [grads]
            return (*grads, *var_grads)

        out = Tensor._wrap(result._data)  # a fresh output: f's own ops are not its gradient
        return link_gradient(f.__name__, backward, [*args, *variables], out)

    return decorated


def _takes_variables(grad_fn) -> bool:
    try:
        return "variables" in inspect.signature(grad_fn).parameters
    except (TypeError, ValueError):
        return False


def _read_variables(result, args) -> list:
    """The trainable Variables `result` was computed from, other than `args`, in the order
    first met walking its graph back from the result."""
    found, seen, stack = [], {id(a) for a in args}, [result]
    while stack:
        t = stack.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        if t.grad_fn is None:
            if isinstance(t, Variable) and t.requires_grad:
                found.append(t)
            continue
        stack.extend(x for x in reversed(t.grad_fn.inputs) if isinstance(x, _CoreTensor))
    return found
