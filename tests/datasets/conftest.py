"""Each dataset test gets an empty Keras cache of its own."""

import pytest


@pytest.fixture
def home(tmp_path, monkeypatch):
    """`KERAS_HOME` for the test: files go to `home / "datasets"`."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    return tmp_path
