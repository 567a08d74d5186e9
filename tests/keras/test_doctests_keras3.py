"""The docstring examples of the Keras 3 names added with tf.data and model subclassing run."""

import doctest
import importlib

import pytest

MODULES = """ops.numpy random variables layers.activation_layers layers.reshaping layers.core
layers.base layers.added_losses""".split()


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    result = doctest.testmod(importlib.import_module(f"deepling.keras.{name}"), verbose=False)
    assert result.failed == 0 and result.attempted > 0
