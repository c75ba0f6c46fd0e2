"""AutocastScope: float variables read in the scope's dtype."""

import jax.numpy as jnp
import pytest

import ember
from ember.core.autocast_scope import AutocastScope
from ember.core.autocast_scope import current_autocast_scope
from ember.core.autocast_scope import scope_for
from ember.core.state_scope import StateScope


def test_float_variables_read_in_the_scope_dtype():
    v = ember.Variable([1.5, 2.0])
    counter = ember.Variable(3)
    frozen = ember.Variable([1.0], autocast=False)
    with AutocastScope("bfloat16"):
        assert v.value.dtype == jnp.bfloat16
        assert v.dtype == "bfloat16"
        assert counter.value.dtype == jnp.int32
        assert frozen.value.dtype == jnp.float32
        assert (v + 1.0).dtype == jnp.bfloat16
    assert v.value.dtype == jnp.float32 and v.dtype == "float32"


def test_scoped_values_are_cast_and_assignments_keep_the_variable_dtype():
    v = ember.Variable([1.0, 2.0])
    with StateScope([(v, jnp.array([3.0, 4.0]))]) as scope:
        with AutocastScope("float16"):
            assert v.value.dtype == jnp.float16
            v.assign_add(jnp.array([0.001, 0.0]))
    # The sum used the float32 value: 3.001 is not rounded to float16.
    assert scope.get(v).dtype == jnp.float32
    assert float(scope.get(v)[0]) == pytest.approx(3.001, abs=1e-6)


def test_a_none_scope_turns_casting_off_and_scopes_nest():
    v = ember.Variable([1.0])
    with AutocastScope("bfloat16"):
        with AutocastScope(None):
            assert v.value.dtype == jnp.float32
        assert current_autocast_scope().dtype == "bfloat16"
    assert current_autocast_scope() is None


def test_only_float_dtypes_are_accepted():
    with pytest.raises(ValueError, match="Received: dtype='int32'"):
        AutocastScope("int32")


def test_scope_for_follows_keras_rules():
    assert scope_for("float32", "float32", True) is None
    assert scope_for("bfloat16", "float32", True).dtype == "bfloat16"
    # Outside any scope Keras opens one whatever the autocast flag.
    assert scope_for("bfloat16", "float32", False).dtype == "bfloat16"
    with AutocastScope("bfloat16"):
        assert scope_for("bfloat16", "float32", True) is None
        assert scope_for("float32", "float32", True).dtype == "float32"
        assert scope_for("bfloat16", "float32", False).dtype is None
        assert scope_for("int32", "int32", True).dtype is None
