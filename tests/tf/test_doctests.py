"""The TF face's docstring examples run and print what they show."""

import doctest
import importlib

import pytest

MODULES = """array_ops config data.dataset function linalg math module random runtime tape tensor
variables""".split()


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    result = doctest.testmod(importlib.import_module(f"deepling.tf.{name}"), verbose=False)
    assert result.failed == 0 and result.attempted > 0
