"""Shared test setup: a fresh name counter and seed for every test."""

import os

import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")

from ember.core import naming
from ember.core import seed


@pytest.fixture(autouse=True)
def _fresh_names_and_seed():
    naming.reset_uids()
    seed.set_random_seed(1337)
    yield
