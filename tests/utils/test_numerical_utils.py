"""to_categorical and normalize against hand-computed values."""

import jax.numpy as jnp
import numpy as np
import pytest

from ember import utils


def test_to_categorical_hand_computed():
    out = utils.to_categorical([2, 0, 1])
    np.testing.assert_array_equal(out, [[0, 0, 1], [1, 0, 0], [0, 1, 0]])
    assert out.dtype == np.float64


def test_to_categorical_drops_a_trailing_axis_of_one():
    out = utils.to_categorical(np.array([[1], [3]]), num_classes=4)
    np.testing.assert_array_equal(out, [[0, 1, 0, 0], [0, 0, 0, 1]])


def test_to_categorical_keeps_other_axes():
    out = utils.to_categorical(np.array([[0, 1], [1, 1]]), num_classes=2)
    assert out.shape == (2, 2, 2)
    np.testing.assert_array_equal(out[0], [[1, 0], [0, 1]])


def test_to_categorical_of_a_jax_array_is_a_floatx_jax_array():
    out = utils.to_categorical(jnp.array([[2], [0]]), num_classes=3)
    assert isinstance(out, jnp.ndarray) and out.dtype == jnp.float32
    np.testing.assert_array_equal(out, [[0, 0, 1], [1, 0, 0]])


def test_to_categorical_refuses_labels_out_of_range():
    with pytest.raises(ValueError, match=r"\[0, num_classes=2\).*0 to 2"):
        utils.to_categorical([0, 2], num_classes=2)


def test_normalize_numpy_l2_and_zero_rows():
    out = utils.normalize(np.array([[3.0, 4.0], [0.0, 0.0]]))
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]])


def test_normalize_l1_along_axis_0():
    out = utils.normalize(np.array([[1.0, 2.0], [3.0, 2.0]]), axis=0, order=1)
    np.testing.assert_allclose(out, [[0.25, 0.5], [0.75, 0.5]])


def test_normalize_1d_numpy_gets_a_leading_axis_as_in_keras():
    np.testing.assert_allclose(
        utils.normalize(np.array([3.0, 4.0])), [[0.6, 0.8]]
    )


def test_normalize_jax_array_goes_through_ops():
    out = utils.normalize(jnp.array([[6.0, 8.0]]))
    np.testing.assert_allclose(np.asarray(out), [[0.6, 0.8]], rtol=1e-6)
