"""ember.layers.serialize / deserialize: Keras' dicts, round trips, errors."""

import numpy as np
import pytest

import ember


def test_serialize_writes_keras_dict():
    layer = ember.layers.Dense(3, activation="relu", name="d")
    config = ember.layers.serialize(layer)
    assert config["module"] == "keras.layers"
    assert config["class_name"] == "Dense"
    assert config["registered_name"] is None
    assert config["config"]["units"] == 3
    assert config == ember.saving.serialize_keras_object(layer)


def test_round_trip_keeps_config_and_build():
    layer = ember.layers.Dense(2, kernel_initializer="ones", name="d")
    layer(np.ones((1, 4), "float32"))
    config = ember.layers.serialize(layer)
    assert config["build_config"] == {"input_shape": [1, 4]}
    restored = ember.layers.deserialize(config)
    assert type(restored) is ember.layers.Dense
    assert restored.get_config() == layer.get_config()
    assert restored.built and restored.kernel.shape == (4, 2)


def test_deserialize_a_sequential_model():
    model = ember.Sequential([ember.Input((3,)), ember.layers.Dense(2)])
    restored = ember.layers.deserialize(ember.layers.serialize(model))
    assert type(restored) is ember.Sequential
    assert restored(np.ones((1, 3), "float32")).shape == (1, 2)


def test_custom_objects():
    class Twice(ember.layers.Layer):
        def call(self, x):
            return 2 * x

    config = ember.layers.serialize(Twice(name="t"))
    with pytest.raises(ValueError, match="Twice"):
        ember.layers.deserialize(config)
    restored = ember.layers.deserialize(config, custom_objects={"Twice": Twice})
    assert isinstance(restored, Twice) and restored.name == "t"


def test_a_non_layer_config_is_refused():
    config = ember.saving.serialize_keras_object(ember.regularizers.L2(0.1))
    with pytest.raises(ValueError, match="not a `ember.layers.Layer`"):
        ember.layers.deserialize(config)
