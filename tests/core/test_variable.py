import jax
import jax.numpy as jnp
import numpy as np
import pytest

from ember.core import naming
from ember.core.state_scope import StateScope
from ember.core.variable import Variable


def test_value_dtype_shape_and_numpy():
    v = Variable([1.0, 2.0], name="w")
    assert v.dtype == "float32"
    assert v.shape == (2,)
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(np.asarray(v), [1.0, 2.0])


def test_callable_initializer_needs_shape():
    with pytest.raises(ValueError, match="`shape` is required"):
        Variable(lambda shape, dtype: jnp.zeros(shape, dtype))
    v = Variable(lambda shape, dtype: jnp.ones(shape, dtype), shape=(2, 3))
    assert v.numpy().sum() == 6


def test_path_follows_name_scopes():
    with naming.name_scope("outer"), naming.name_scope("dense"):
        v = Variable(0.0, name="kernel")
    assert v.path == "outer/dense/kernel"
    assert v.name == "kernel"


def test_assign_and_shape_mismatch_error():
    v = Variable(np.zeros((2,)), dtype="float32", name="w")
    v.assign([3.0, 4.0])
    v.assign_add([1.0, 1.0])
    v.assign_sub([0.5, 0.5])
    np.testing.assert_allclose(v.numpy(), [3.5, 4.5])
    with pytest.raises(ValueError, match=r"'w' has shape \(2,\)"):
        v.assign(np.zeros((3,)))


def test_arithmetic_and_comparisons_use_the_value():
    v = Variable([1.0, 2.0])
    np.testing.assert_allclose(v + 1, [2.0, 3.0])
    np.testing.assert_allclose(2 * v, [2.0, 4.0])
    np.testing.assert_allclose(v @ jnp.array([1.0, 1.0]), 3.0)
    np.testing.assert_array_equal(v > 1.5, [False, True])
    np.testing.assert_allclose(-v, [-1.0, -2.0])


def test_traced_assign_outside_scope_names_the_variable():
    v = Variable(1.0, name="counter")

    @jax.jit
    def bump(x):
        v.assign(x)
        return x

    with pytest.raises(ValueError, match="'counter'.*outside of a state"):
        bump(2.0)


def test_scope_reads_and_records_writes():
    v = Variable(1.0)
    with StateScope([(v, jnp.array(5.0))]) as scope:
        assert float(v.value) == 5.0
        v.assign(v.value * 2)
        assert float(v.value) == 10.0
    assert float(scope.get(v)) == 10.0
    assert float(v.value) == 1.0


def test_nested_scopes_fall_back_to_the_outer_one():
    a, b = Variable(1.0), Variable(2.0)
    with StateScope([(a, jnp.array(3.0))]):
        with StateScope([(b, jnp.array(4.0))]):
            assert float(a.value) == 3.0
            assert float(b.value) == 4.0


def test_python_and_numpy_64_bit_values_become_32_bit_quietly():
    assert Variable([1, 2]).dtype == "int32"
    assert Variable(np.ones(3)).dtype == "float32"
