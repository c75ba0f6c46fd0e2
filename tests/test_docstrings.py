"""Every docstring example (`>>>`) in `ember/` runs as written.

The examples see `ember` (also as `keras`), `np`, `jnp` and `ops`, and run
in a temporary folder (some write files). An example that cannot run here
is marked `# doctest: +SKIP` in its docstring.
"""

import doctest
import importlib
import io
import pkgutil

import jax.numpy as jnp
import numpy as np
import pytest

import ember

MODULES = sorted(
    info.name for info in pkgutil.walk_packages(ember.__path__, "ember.")
)
NAMES = {"ember": ember, "keras": ember, "np": np, "jnp": jnp, "ops": ember.ops}
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    module = importlib.import_module(name)
    tests = doctest.DocTestFinder().find(module, name, extraglobs=NAMES)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    report = io.StringIO()
    for test in tests:
        if test.examples and test.name.startswith(name):
            runner.run(test, out=report.write)
    failed, _ = runner.summarize(verbose=False)
    assert failed == 0, report.getvalue()


def test_the_examples_are_found():
    assert "ember.layers.core.dense" in MODULES
    assert "ember.export.onnx._graph" in MODULES
