"""ember.constraints against keras.constraints: same projections, same
configs, and Dense configs that load in either library."""

import keras
import numpy as np
import pytest

import ember

CASES = [
    ("MaxNorm", {}),
    ("MaxNorm", {"max_value": 0.7, "axis": 1}),
    ("MinMaxNorm", {}),
    ("MinMaxNorm", {"min_value": 1.0, "max_value": 1.5, "rate": 0.4}),
    ("MinMaxNorm", {"min_value": 0.5, "max_value": 2.0, "axis": [0, 1]}),
    ("NonNeg", {}),
    ("UnitNorm", {}),
    ("UnitNorm", {"axis": -1}),
    ("Constraint", {}),
]


@pytest.mark.parametrize("name, kwargs", CASES)
def test_projection_and_config_equal_keras(name, kwargs):
    w = np.random.default_rng(0).normal(size=(4, 3, 5)).astype("float32")
    ours = getattr(ember.constraints, name)(**kwargs)
    theirs = getattr(keras.constraints, name)(**kwargs)
    expected = theirs(keras.ops.convert_to_tensor(w))
    np.testing.assert_allclose(ours(w), expected, rtol=1e-6, atol=1e-6)
    assert ours.get_config() == theirs.get_config()
    assert ember.constraints.serialize(ours) == keras.constraints.serialize(
        theirs
    )


@pytest.mark.parametrize("name", ["max_norm", "min_max_norm", "non_neg"])
def test_names_resolve_to_the_same_class(name):
    ours = ember.constraints.get(name)
    theirs = keras.constraints.get(name)
    assert type(ours).__name__ == type(theirs).__name__
    assert ours.get_config() == theirs.get_config()


def _dense_config(lib):
    layer = lib.layers.Dense(
        3,
        kernel_constraint=lib.constraints.MaxNorm(1.5),
        bias_constraint="non_neg",
    )
    config = layer.get_config()
    config.pop("name")
    return config


def test_dense_config_equals_keras_and_loads_both_ways():
    ours, theirs = _dense_config(ember), _dense_config(keras)
    assert ours == theirs
    in_keras = keras.layers.Dense.from_config(ours)
    assert isinstance(in_keras.kernel_constraint, keras.constraints.MaxNorm)
    assert in_keras.kernel_constraint.get_config() == {
        "max_value": 1.5,
        "axis": 0,
    }
    assert isinstance(in_keras.bias_constraint, keras.constraints.NonNeg)
    in_ember = ember.layers.Dense.from_config(theirs)
    assert isinstance(in_ember.kernel_constraint, ember.constraints.MaxNorm)
    assert in_ember.kernel_constraint.get_config() == {
        "max_value": 1.5,
        "axis": 0,
    }
    assert isinstance(in_ember.bias_constraint, ember.constraints.NonNeg)
