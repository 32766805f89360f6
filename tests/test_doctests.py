"""The examples in labkit's docstrings run and print what they say (examples that need a model, a GPU or the
network are marked ``# doctest: +SKIP`` where they are written)."""
import doctest
import importlib
import pkgutil

import pytest

import labkit

MODULES = sorted(info.name for info in pkgutil.iter_modules(labkit.__path__) if not info.name.startswith("_"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"labkit.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False,
                             report=True)
    assert result.failed == 0, f"{result.failed} of {result.attempted} docstring examples in labkit.{name} failed " \
                               f"(their output is printed above)"


def test_every_module_is_collected():
    assert {"attention", "tokenizers", "search", "metrics", "training", "vertex"} <= set(MODULES)
