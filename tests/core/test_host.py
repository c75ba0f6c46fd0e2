"""Tests for ember.core.host.to_numpy."""

import jax.numpy as jnp
import numpy as np

from ember.core.host import to_numpy

# Arrays split over several processes' devices are gathered first: see
# tests/distribution/test_multi_process.py (predictions under
# `DataParallel` across two processes).


def test_local_arrays_convert_as_numpy_does():
    result = to_numpy(jnp.arange(3.0))
    assert isinstance(result, np.ndarray)
    assert result.tolist() == [0.0, 1.0, 2.0]
    assert to_numpy([1, 2]).tolist() == [1, 2]
