"""Reshape: target shapes, the inferred -1, and errors."""

import numpy as np
import pytest

import ember
from ember import layers


def test_reshape_values_and_inferred_dimension():
    x = np.arange(24, dtype="float32").reshape(2, 12)
    np.testing.assert_array_equal(layers.Reshape((3, 4))(x), x.reshape(2, 3, 4))
    assert layers.Reshape((-1, 2, 2))(x).shape == (2, 3, 2, 2)
    assert layers.Reshape([2, -1])(x).shape == (2, 2, 6)


def test_reshape_symbolic_shapes():
    x = ember.Input(shape=(12,))
    assert layers.Reshape((3, 4))(x).shape == (None, 3, 4)
    assert layers.Reshape((-1, 2, 2))(x).shape == (None, 3, 2, 2)
    assert layers.Reshape((-1, 2)).compute_output_shape((None, 4, 3)) == (
        None,
        6,
        2,
    )


def test_reshape_config_is_a_tuple():
    assert layers.Reshape([3, 4]).get_config()["target_shape"] == (3, 4)


def test_reshape_argument_errors():
    with pytest.raises(ValueError, match=r"target_shape=\(-1, -1\)"):
        layers.Reshape((-1, -1))
    with pytest.raises(ValueError, match=r"target_shape=\(0, 2\)"):
        layers.Reshape((0, 2))
    with pytest.raises(ValueError, match="target_shape=3"):
        layers.Reshape(3)


def test_reshape_size_mismatch_names_the_layer():
    x = np.ones((2, 10), "float32")
    with pytest.raises(
        ValueError, match=r'Reshape "to_3x4".*\(10,\).*\(3, 4\)'
    ):
        layers.Reshape((3, 4), name="to_3x4")(x)
    with pytest.raises(ValueError, match=r'Reshape "by_3".*\(-1, 3\)'):
        layers.Reshape((-1, 3), name="by_3")(x)
    with pytest.raises(ValueError, match='Reshape "symbolic"'):
        layers.Reshape((3, 4), name="symbolic")(ember.Input(shape=(10,)))
