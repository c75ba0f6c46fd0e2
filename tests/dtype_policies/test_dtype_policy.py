"""DTypePolicy: names to dtypes, config, conversion, and the global one."""

import jax.numpy as jnp
import numpy as np
import pytest

import ember
from ember.dtype_policies import DTypePolicy
from ember.dtype_policies import FloatDTypePolicy
from ember.dtype_policies.dtype_policy import dtype_policy
from ember.dtype_policies.dtype_policy import reset_dtype_policy
from ember.dtype_policies.dtype_policy import set_dtype_policy


@pytest.fixture(autouse=True)
def _restore_global_policy():
    yield
    reset_dtype_policy()


@pytest.mark.parametrize(
    "name, compute, variable",
    [
        ("float32", "float32", "float32"),
        ("float16", "float16", "float16"),
        ("bfloat16", "bfloat16", "bfloat16"),
        ("float64", "float64", "float64"),
        ("int32", "int32", "int32"),
        ("mixed_float16", "float16", "float32"),
        ("mixed_bfloat16", "bfloat16", "float32"),
    ],
)
def test_names_give_compute_and_variable_dtypes(name, compute, variable):
    policy = DTypePolicy(name)
    assert policy.name == name
    assert policy.compute_dtype == compute
    assert policy.variable_dtype == variable
    assert policy.quantization_mode is None


def test_unknown_name_raises_naming_it_and_the_valid_names():
    message = (
        "Cannot convert 'mixed_foo' to a mixed precision DTypePolicy. "
        "Valid policies include 'mixed_float16', 'mixed_bfloat16', and the "
        "name of any float dtype such as 'float32'."
    )
    with pytest.raises(ValueError) as info:
        DTypePolicy("mixed_foo")
    assert str(info.value) == message


def test_a_name_that_is_not_a_string_raises_type_error():
    with pytest.raises(TypeError, match=r"Received: name=3 \(of type int\)"):
        DTypePolicy(3)


def test_repr_equality_and_the_float_alias():
    assert (
        repr(DTypePolicy("mixed_bfloat16")) == '<DTypePolicy "mixed_bfloat16">'
    )
    # FloatDTypePolicy is Keras' alias: same repr, equal policies.
    assert repr(FloatDTypePolicy("float16")) == '<DTypePolicy "float16">'
    assert FloatDTypePolicy("float16") == DTypePolicy("float16")
    assert issubclass(FloatDTypePolicy, DTypePolicy)
    assert DTypePolicy("float16") != DTypePolicy("mixed_float16")
    assert DTypePolicy("float16") != "float16"


def test_config_round_trip():
    policy = DTypePolicy("mixed_float16")
    assert policy.get_config() == {"name": "mixed_float16"}
    restored = DTypePolicy.from_config(policy.get_config())
    assert restored == policy and restored.compute_dtype == "float16"


def test_convert_input_casts_floats_only():
    policy = DTypePolicy("mixed_bfloat16")
    x = policy.convert_input(np.ones(3, "float64"), True, "bfloat16")
    assert x.dtype == jnp.bfloat16
    ints = policy.convert_input(np.ones(3, "int32"), True, "bfloat16")
    assert ints.dtype == jnp.int32
    kept = policy.convert_input(jnp.ones(3), False, "bfloat16")
    assert kept.dtype == jnp.float32
    assert policy.convert_input([1.0], True, "bfloat16") == [1.0]
    symbolic = ember.Input((2,))
    assert policy.convert_input(symbolic, True, "float16").dtype == "float16"


def test_global_policy_defaults_to_floatx_and_can_be_set():
    assert dtype_policy() == DTypePolicy("float32")
    set_dtype_policy("mixed_bfloat16")
    assert dtype_policy().name == "mixed_bfloat16"
    assert DTypePolicy().name == "mixed_bfloat16"  # name=None: the global
    set_dtype_policy(DTypePolicy("float16"))
    assert dtype_policy().compute_dtype == "float16"
    reset_dtype_policy()
    assert dtype_policy().name == "float32"


def test_set_dtype_policy_refuses_other_types_before_changing_anything():
    set_dtype_policy("mixed_float16")
    with pytest.raises(ValueError, match=r"Received: policy=3 \(of type int\)"):
        set_dtype_policy(3)
    with pytest.raises(ValueError, match="'mixed_foo'"):
        set_dtype_policy("mixed_foo")
    assert dtype_policy().name == "mixed_float16"
