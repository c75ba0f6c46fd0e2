"""dtype_policies.get / serialize / deserialize."""

import numpy as np
import pytest

from ember import dtype_policies
from ember.dtype_policies import DTypePolicy
from ember.dtype_policies import FloatDTypePolicy
from ember.dtype_policies.dtype_policy import reset_dtype_policy
from ember.dtype_policies.dtype_policy import set_dtype_policy

KERAS_CONFIG = {
    "module": "keras",
    "class_name": "DTypePolicy",
    "config": {"name": "mixed_bfloat16"},
    "registered_name": None,
}


@pytest.fixture(autouse=True)
def _restore_global_policy():
    yield
    reset_dtype_policy()


def test_get_accepts_every_identifier_kind():
    policy = DTypePolicy("mixed_float16")
    assert dtype_policies.get(policy) is policy
    assert dtype_policies.get("mixed_bfloat16") == DTypePolicy("mixed_bfloat16")
    assert dtype_policies.get(KERAS_CONFIG).name == "mixed_bfloat16"
    assert dtype_policies.get(np.float16).name == "float16"
    assert dtype_policies.get(np.dtype("int32")).name == "int32"
    assert dtype_policies.get(None).name == "float32"
    set_dtype_policy("mixed_bfloat16")
    assert dtype_policies.get(None).name == "mixed_bfloat16"


def test_get_refuses_what_it_cannot_interpret():
    with pytest.raises(ValueError, match="Invalid dtype: 7. Cannot interpret"):
        dtype_policies.get(7)
    with pytest.raises(ValueError, match="'mixed_foo'"):
        dtype_policies.get("mixed_foo")


def test_serialize_writes_keras_config():
    assert dtype_policies.serialize(DTypePolicy("mixed_bfloat16")) == (
        KERAS_CONFIG
    )
    with pytest.raises(ValueError, match="Received: dtype_policy='float32'"):
        dtype_policies.serialize("float32")


def test_deserialize_round_trip_and_the_float_alias():
    policy = dtype_policies.deserialize(KERAS_CONFIG)
    assert type(policy) is DTypePolicy and policy.name == "mixed_bfloat16"
    alias = dtype_policies.deserialize(
        {"class_name": "FloatDTypePolicy", "config": {"name": "float16"}}
    )
    assert type(alias) is FloatDTypePolicy and alias.compute_dtype == "float16"
    serialized = dtype_policies.serialize(DTypePolicy("float64"))
    assert dtype_policies.deserialize(serialized) == DTypePolicy("float64")


@pytest.mark.parametrize(
    "config",
    [
        {"class_name": "DTypePolicy", "config": {"name": 3}},
        {"class_name": "DTypePolicy"},
        {"class_name": "Dense", "config": {"name": "float32"}},
        {
            "class_name": "QuantizedDTypePolicy",
            "config": {"mode": "int8", "source_name": "float32"},
        },
    ],
)
def test_deserialize_refuses_other_configs(config):
    with pytest.raises(ValueError, match="Invalid `dtype`: expected"):
        dtype_policies.deserialize(config)


def test_a_config_without_a_name_raises_a_value_error():
    with pytest.raises(ValueError, match="Invalid `dtype`"):
        dtype_policies.deserialize({"class_name": "DTypePolicy", "config": {}})
