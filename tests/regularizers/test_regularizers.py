import jax
import jax.numpy as jnp
import numpy as np
import pytest

from ember import layers
from ember import regularizers

W = np.array([[1.0, -2.0], [3.0, -4.0]], "float32")


def test_l1_l2_and_l1l2_hand_computed():
    np.testing.assert_allclose(regularizers.L1(0.1)(W), 1.0, rtol=1e-6)
    np.testing.assert_allclose(regularizers.L2(0.1)(W), 3.0, rtol=1e-6)
    both = regularizers.L1L2(l1=0.1, l2=0.1)
    np.testing.assert_allclose(both(W), 4.0, rtol=1e-6)
    np.testing.assert_allclose(regularizers.L1L2()(W), 0.0)


def test_orthogonal_rows_are_zero_for_orthogonal_rows():
    reg = regularizers.OrthogonalRegularizer(factor=1.0)
    np.testing.assert_allclose(reg(jnp.eye(3)), 0.0, atol=1e-7)
    # Two identical rows: cosine 1 for the single pair -> 1.0 * 0.5 * 2 / 1.
    np.testing.assert_allclose(reg(jnp.ones((2, 3))), 1.0, rtol=1e-6)


def test_penalties_are_jittable_and_differentiable():
    grad = jax.jit(jax.grad(regularizers.L2(0.5)))(jnp.asarray(W))
    np.testing.assert_allclose(grad, W)


@pytest.mark.parametrize("bad", [-1.0, float("inf"), "a"])
def test_invalid_factor_is_reported(bad):
    with pytest.raises(ValueError, match="expected a non-negative float"):
        regularizers.L2(bad)


def test_get_serialize_deserialize_round_trip():
    assert isinstance(regularizers.get("l2"), regularizers.L2)
    assert isinstance(regularizers.get("L1L2"), regularizers.L1L2)
    config = regularizers.serialize(regularizers.L2(0.3))
    assert config == {
        "module": "keras.regularizers",
        "class_name": "L2",
        "config": {"l2": 0.3},
        "registered_name": None,
    }
    assert regularizers.deserialize(config).l2 == 0.3
    assert regularizers.get(None) is None


def test_unknown_name_suggests_the_closest():
    with pytest.raises(ValueError, match="Did you mean 'L1L2'"):
        regularizers.get("L1L3")


def test_dense_resolves_and_serializes_its_regularizers():
    dense = layers.Dense(2, kernel_regularizer="l2", bias_regularizer=None)
    assert isinstance(dense.kernel_regularizer, regularizers.L2)
    config = dense.get_config()
    assert config["kernel_regularizer"]["class_name"] == "L2"
    assert config["bias_regularizer"] is None
    with pytest.raises(ValueError, match='Dense "dense_1".*kernel_regularizer'):
        layers.Dense(2, kernel_regularizer="L1L3")


def test_get_instantiates_a_class_as_keras_does():
    assert isinstance(regularizers.get(regularizers.L2), regularizers.L2)
