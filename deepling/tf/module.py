"""tf.Module: a named container whose attributes' Variables are found by walking them.

TF does not register attributes as they are set (as nn.Module does); it walks the object's
attributes, in the sorted order of their names, when `variables`, `trainable_variables` or
`submodules` is read. Lists, tuples and dicts of Variables and Modules are walked too, and so
are deepling's nn.Modules (Keras layers among them): their parameters are their variables.
"""

from __future__ import annotations

import functools
import re
import sys

from ..tensor import Tensor as _CoreTensor
from .variables import Variable, name_scope

_counts: dict = {}


def _snake(name: str) -> str:
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


class Module:
    """Base class of TF models built by hand: attributes that are Variables, Modules, or
    lists/dicts of them are collected into `variables`, `trainable_variables` and `submodules`.

    Example:
        >>> import deepling.tf as tf
        >>> class Dense(tf.Module):
        ...     def __init__(self, n_in, n_out, name=None):
        ...         super().__init__(name=name)
        ...         self.w = tf.Variable(tf.ones([n_in, n_out]), name="w")
        ...         self.b = tf.Variable(tf.zeros([n_out]), name="b")
        ...     def __call__(self, x):
        ...         return tf.matmul(x, self.w) + self.b
        >>> [v.name for v in Dense(2, 3).trainable_variables]
        ['b:0', 'w:0']
    """

    def __init__(self, name=None):
        if name is None:
            name = _snake(type(self).__name__)
        elif not isinstance(name, str) or not re.fullmatch(r"[A-Za-z_][\w.\-]*", name):
            raise ValueError(
                f"{name!r} is not a valid module name. Module names must be valid Python "
                "identifiers (e.g. a valid class name)."
            )
        self._name = name
        self._scope = name_scope(name)

    @property
    def name(self) -> str:
        return self._name

    @property
    def name_scope(self) -> name_scope:
        """A `with` block whose Variables are named '<module name>/...'."""
        return self._scope

    @property
    def variables(self) -> tuple:
        """Every Variable of this module and its submodules, each once."""
        return tuple(_walk(self, _is_variable))

    @property
    def trainable_variables(self) -> tuple:
        """The variables that are trainable."""
        return tuple(v for v in _walk(self, _is_variable) if _trainable(v))

    @property
    def non_trainable_variables(self) -> tuple:
        return tuple(v for v in _walk(self, _is_variable) if not _trainable(v))

    @property
    def submodules(self) -> tuple:
        """Every Module (and nn.Module) reachable from this one's attributes, each once: its
        own first, then theirs."""
        return tuple(_walk(self, _is_module))

    @classmethod
    def with_name_scope(cls, method):
        """Decorate a method so that Variables it makes are named under the module's scope."""

        @functools.wraps(method)
        def scoped(self, *args, **kwargs):
            with self.name_scope:
                return method(self, *args, **kwargs)

        return scoped

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__name__} object named {self._name!r}>"


def _nn():
    """deepling.nn's Module and Parameter, when loaded: if it is not, nothing can be one, and
    `import deepling.tf` need not load it."""
    loaded = sys.modules.get("deepling.nn.module")
    return (loaded.Module, loaded.Parameter) if loaded else (_Never, _Never)


class _Never:
    """A type nothing is an instance of."""


def _is_variable(x) -> bool:
    return isinstance(x, (Variable, _nn()[1]))


def _is_module(x) -> bool:
    return isinstance(x, (Module, _nn()[0]))


def _trainable(v) -> bool:
    return v.trainable if isinstance(v, Variable) else v.requires_grad


def _leaves(obj) -> list:
    """What a module holds directly: a Module's attributes in the sorted order of their names
    (TF's), an nn.Module's parameters then sub-modules; lists, tuples and dicts (by sorted
    key) are flattened, as TF's nest does."""
    if isinstance(obj, _nn()[0]):
        values = [*obj._parameters.values(), *obj._modules.values()]
    else:
        found = vars(obj)
        values = [found[k] for k in sorted(found) if k not in _OWN]
    leaves = []
    for value in values:
        _flatten(value, leaves)
    return leaves


_OWN = ("_name", "_scope")


def _flatten(value, out: list) -> None:
    if isinstance(value, dict):
        for k in sorted(value, key=str):
            _flatten(value[k], out)
    elif isinstance(value, (list, tuple)) and not isinstance(value, _CoreTensor):
        for v in value:
            _flatten(v, out)
    elif value is not None:
        out.append(value)


def _walk(module, keep, seen=None):
    """TF's order: the matching leaves of a module's own attributes, then those of each
    submodule (recursively) in the order they were met; each object once."""
    seen = {id(module)} if seen is None else seen
    submodules = []
    for leaf in _leaves(module):
        if id(leaf) in seen:
            continue
        seen.add(id(leaf))
        if keep(leaf):
            yield leaf
        if _is_module(leaf):
            submodules.append(leaf)
    for sub in submodules:
        yield from _walk(sub, keep, seen)
