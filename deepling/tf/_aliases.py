"""Module aliases: one module object under two names, as `tf.keras` *is* Keras in TensorFlow.

`Aliases({alias: target})` on `sys.meta_path` makes `import <alias>.layers` return
`<target>.layers` itself (never a second copy of it), and lets `importlib.util.find_spec` see
the alias, without importing the target before the alias is imported. It knows only the names
it is given (tf/__init__.py gives it the Keras face as `tf.keras`, lazily).
"""

from __future__ import annotations

import importlib
import importlib.machinery


class Aliases:
    """Finder and loader for `{alias: target}` module names and their submodules."""

    def __init__(self, targets: dict):
        self.targets = targets

    def target(self, name: str) -> str | None:
        for alias, target in self.targets.items():
            if name == alias or name.startswith(alias + "."):
                return target + name[len(alias) :]
        return None

    def find_spec(self, name, path=None, target=None):
        if self.target(name) is None:
            return None
        return importlib.machinery.ModuleSpec(name, self)

    def create_module(self, spec):
        module = importlib.import_module(self.target(spec.name))
        spec.loader_state = module.__spec__  # the import system sets __spec__ to the alias's
        return module

    def exec_module(self, module) -> None:
        module.__spec__ = module.__spec__.loader_state  # the target keeps its own spec
