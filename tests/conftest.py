"""Shared test setup: a fresh name counter and seed for every test, and
JAX's strict rank promotion."""

import os

import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")

import jax

from ember.core import naming
from ember.core import seed

# Broadcasting across ranks inside `jnp` raises in the tests, so a bias
# of shape (n,) silently added to a (batch, n) array where a (batch, 1)
# one was meant is caught. ember's public ops still broadcast like NumPy:
# they promote ranks explicitly before calling `jnp`.
jax.config.update("jax_numpy_rank_promotion", "raise")


@pytest.fixture(autouse=True)
def _fresh_names_and_seed():
    naming.reset_uids()
    seed.set_random_seed(1337)
    yield
