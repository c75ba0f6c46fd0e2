"""The tests here compare ember with Keras 3 itself (on JAX: the root
conftest sets `KERAS_BACKEND`). Each is marked `compat`."""

import pathlib

import pytest

_HERE = pathlib.Path(__file__).resolve().parent

# Keras' own saving converts its variables with a numpy 1 style call.
_KERAS_ARRAY_WARNING = (
    "ignore:__array__ implementation doesn't accept a copy keyword"
    ":DeprecationWarning"
)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _HERE in pathlib.Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.compat)
            item.add_marker(pytest.mark.filterwarnings(_KERAS_ARRAY_WARNING))
