import jax
import jax.numpy as jnp
import numpy as np
import pytest

import ember
from ember import constraints
from ember import layers
from ember.saving import deserialize_keras_object
from ember.saving import serialize_keras_object

# Column norms (axis 0): 5 and 1. Row norms (axis 1): sqrt(10) and 4.
W = np.array([[3.0, -1.0], [4.0, 0.0]], "float32")


def test_max_norm_hand_computed():
    # Column 0 (norm 5) is scaled to norm 2; column 1 (norm 1) is kept.
    np.testing.assert_allclose(
        constraints.MaxNorm(2.0)(W), [[1.2, -1.0], [1.6, 0.0]], rtol=1e-6
    )
    root10 = np.sqrt(10.0)
    np.testing.assert_allclose(
        constraints.MaxNorm(2.0, axis=1)(W),
        [[6.0 / root10, -2.0 / root10], [2.0, 0.0]],
        rtol=1e-6,
    )


def test_min_max_norm_hand_computed():
    strict = constraints.MinMaxNorm(min_value=2.0, max_value=3.0)
    np.testing.assert_allclose(strict(W), [[1.8, -2.0], [2.4, 0.0]], rtol=1e-6)
    # rate 0.5: column 0 goes to norm 0.5*3 + 0.5*5 = 4, column 1 to 1.5.
    half = constraints.MinMaxNorm(min_value=2.0, max_value=3.0, rate=0.5)
    np.testing.assert_allclose(half(W), [[2.4, -1.5], [3.2, 0.0]], rtol=1e-6)


def test_non_neg_and_unit_norm_hand_computed():
    np.testing.assert_array_equal(constraints.NonNeg()(W), [[3, 0], [4, 0]])
    np.testing.assert_allclose(
        constraints.UnitNorm()(W), [[0.6, -1.0], [0.8, 0.0]], rtol=1e-6
    )
    np.testing.assert_allclose(
        constraints.UnitNorm(axis=1)(W)[1], [1.0, 0.0], rtol=1e-6
    )


def test_zero_slice_stays_finite_and_base_is_identity():
    zeros = jnp.zeros((3, 2))
    np.testing.assert_array_equal(constraints.UnitNorm()(zeros), zeros)
    np.testing.assert_array_equal(constraints.MaxNorm()(zeros), zeros)
    np.testing.assert_array_equal(constraints.Constraint()(W), W)


def test_axis_as_list_and_jit():
    kernel = np.random.default_rng(0).normal(size=(3, 3, 2, 4))
    projected = jax.jit(constraints.UnitNorm(axis=[0, 1, 2]))(kernel)
    norms = np.sqrt(np.sum(np.square(projected), axis=(0, 1, 2)))
    np.testing.assert_allclose(norms, np.ones(4), rtol=1e-5)


@pytest.mark.parametrize(
    "name, cls",
    [
        ("max_norm", constraints.MaxNorm),
        ("MaxNorm", constraints.MaxNorm),
        ("min_max_norm", constraints.MinMaxNorm),
        ("non_neg", constraints.NonNeg),
        ("NonNeg", constraints.NonNeg),
        ("unit_norm", constraints.UnitNorm),
    ],
)
def test_get_by_name(name, cls):
    assert type(constraints.get(name)) is cls


def test_get_other_identifiers():
    assert constraints.get(None) is None
    instance = constraints.MaxNorm(3)
    assert constraints.get(instance) is instance

    def clip(w):
        return jnp.clip(w, -1, 1)

    assert constraints.get(clip) is clip
    assert isinstance(constraints.get(constraints.NonNeg), constraints.NonNeg)
    built = constraints.get(
        {"class_name": "MaxNorm", "config": {"max_value": 3, "axis": 1}}
    )
    assert built.get_config() == {"max_value": 3, "axis": 1}
    assert constraints.max_norm is constraints.MaxNorm


def test_unknown_name_is_reported():
    with pytest.raises(ValueError, match="Unknown constraint: 'max_nrom'"):
        constraints.get("max_nrom")
    with pytest.raises(ValueError, match="Could not interpret constraint"):
        constraints.get(3)
    with pytest.raises(ValueError, match='Dense "d": invalid `kernel_'):
        layers.Dense(2, kernel_constraint="nonneg", name="d")


def test_serialize_deserialize_round_trip():
    original = constraints.MinMaxNorm(0.5, 2.0, rate=0.3, axis=[0, 1])
    config = constraints.serialize(original)
    assert config == {
        "module": "keras.constraints",
        "class_name": "MinMaxNorm",
        "config": {
            "min_value": 0.5,
            "max_value": 2.0,
            "rate": 0.3,
            "axis": [0, 1],
        },
        "registered_name": None,
    }
    restored = constraints.deserialize(config)
    assert type(restored) is constraints.MinMaxNorm
    assert restored.get_config() == original.get_config()
    assert constraints.serialize(None) is None
    assert type(constraints.deserialize("unit_norm")) is constraints.UnitNorm


def test_functions_serialize_by_name():
    def clip(w):
        return jnp.clip(w, -1, 1)

    config = constraints.serialize(clip)
    assert config["class_name"] == "function"
    assert config["config"] == "clip"
    assert constraints.deserialize(config, {"clip": clip}) is clip


def test_dense_non_neg_kernel_after_fit():
    model = ember.Sequential(
        [ember.Input((3,)), layers.Dense(2, kernel_constraint="non_neg")]
    )
    model.compile(optimizer=ember.optimizers.SGD(0.5), loss="mse")
    x = np.random.default_rng(1).normal(size=(8, 3)).astype("float32")
    y = -10.0 * np.abs(x[:, :2])
    history = model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    assert len(history.history["loss"]) == 1
    kernel = np.asarray(model.layers[-1].kernel.value)
    assert kernel.min() >= 0.0


def test_add_weight_accepts_a_name():
    layer = layers.Layer()
    weight = layer.add_weight(shape=(2,), constraint="non_neg")
    assert isinstance(weight.constraint, constraints.NonNeg)


def test_layer_config_round_trip():
    dense = layers.Dense(
        3, kernel_constraint="non_neg", bias_constraint=constraints.MaxNorm(1.5)
    )
    config = dense.get_config()
    assert config["kernel_constraint"] == {
        "module": "keras.constraints",
        "class_name": "NonNeg",
        "config": {},
        "registered_name": None,
    }
    again = layers.Dense.from_config(config)
    assert isinstance(again.kernel_constraint, constraints.NonNeg)
    assert again.bias_constraint.get_config() == {"max_value": 1.5, "axis": 0}
    restored = deserialize_keras_object(serialize_keras_object(dense))
    assert isinstance(restored.kernel_constraint, constraints.NonNeg)
    assert isinstance(restored.bias_constraint, constraints.MaxNorm)
    assert restored.get_config() == dense.get_config()


@pytest.mark.parametrize(
    "make, message",
    [
        (
            lambda: constraints.MaxNorm(max_value="x"),
            "MaxNorm: .*max_value='x'",
        ),
        (
            lambda: constraints.MinMaxNorm(rate=float("nan")),
            "MinMaxNorm: .*finite number.*rate=nan",
        ),
    ],
)
def test_bad_numbers_are_refused_at_construction(make, message):
    with pytest.raises(ValueError, match=message):
        make()
