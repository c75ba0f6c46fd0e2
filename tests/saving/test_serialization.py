"""serialize_keras_object / deserialize_keras_object and the registry."""

import json

import jax
import numpy as np
import pytest

import ember
from ember.saving import deserialize_keras_object
from ember.saving import serialize_keras_object


def _round_trip(obj, **kwargs):
    config = json.loads(json.dumps(serialize_keras_object(obj)))
    return config, deserialize_keras_object(config, **kwargs)


@pytest.mark.parametrize(
    "obj",
    [
        ember.layers.Dense(3, activation="relu", name="d"),
        ember.layers.Conv2D(4, 3, padding="same"),
        ember.losses.MeanSquaredError(),
        ember.losses.SparseCategoricalCrossentropy(from_logits=True),
        ember.metrics.Accuracy(),
        ember.optimizers.Adam(learning_rate=0.01),
        ember.initializers.GlorotUniform(seed=3),
        ember.regularizers.L2(0.5),
    ],
    ids=lambda obj: type(obj).__name__,
)
def test_builtin_objects_round_trip(obj):
    config, restored = _round_trip(obj)
    assert config["class_name"] == type(obj).__name__
    assert config["registered_name"] is None
    assert type(restored) is type(obj)
    assert restored.get_config() == obj.get_config()


def test_config_format_matches_keras_for_a_dense_layer():
    config = serialize_keras_object(ember.layers.Dense(2))
    assert config["module"] == "keras.layers"
    assert config["config"]["kernel_initializer"] == {
        "module": "keras.initializers",
        "class_name": "GlorotUniform",
        "config": {"seed": None, "input_axes": None, "output_axes": None},
        "registered_name": None,
    }


def test_built_layer_writes_and_reads_build_config():
    layer = ember.layers.Dense(2)
    layer(np.zeros((1, 5), "float32"))
    config, restored = _round_trip(layer)
    assert config["build_config"] == {"input_shape": [1, 5]}
    assert restored.built
    assert restored.kernel.shape == (5, 2)


def test_functions_and_plain_values():
    assert serialize_keras_object(ember.activations.relu) == {
        "module": "builtins",
        "class_name": "function",
        "config": "relu",
        "registered_name": "function",
    }
    _, fn = _round_trip(ember.activations.relu)
    assert fn is ember.activations.relu
    config, fn = _round_trip(ember.losses.mean_squared_error)
    assert config["module"] == "builtins"
    assert fn is ember.losses.mean_squared_error
    value = {"a": [1, 2.5, "x", None], "b": (True, False)}
    assert deserialize_keras_object(serialize_keras_object(value)) == value
    assert serialize_keras_object(np.dtype("int32")) == "int32"
    assert serialize_keras_object(np.float16) == "float16"
    assert serialize_keras_object(jax.numpy.bfloat16) == "bfloat16"
    array = np.arange(6, dtype="float32").reshape(2, 3)
    _, restored = _round_trip(array)
    np.testing.assert_array_equal(restored, array)
    assert restored.dtype == np.float32


def test_registered_class_round_trips_without_custom_objects():
    @ember.saving.register_keras_serializable(package="test_pkg")
    class Scale(ember.layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, inputs):
            return inputs * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    assert ember.saving.get_registered_name(Scale) == "test_pkg>Scale"
    assert ember.saving.get_custom_objects()["test_pkg>Scale"] is Scale
    assert ember.saving.get_registered_object("test_pkg>Scale") is Scale
    config, restored = _round_trip(Scale(3.0))
    assert config["registered_name"] == "test_pkg>Scale"
    assert isinstance(restored, Scale)
    assert restored.factor == 3.0


def test_registered_function_round_trips():
    @ember.saving.register_keras_serializable(package="test_pkg")
    def my_activation(x):
        return x * 2

    config, restored = _round_trip(my_activation)
    # As Keras: the registered name is the config, "function" the kind.
    assert config == {
        "module": "builtins",
        "class_name": "function",
        "config": "test_pkg>my_activation",
        "registered_name": "function",
    }
    assert restored is my_activation


class Doubler(ember.layers.Layer):
    def call(self, inputs):
        return inputs * 2


def test_custom_objects_and_custom_object_scope():
    config = serialize_keras_object(Doubler(name="dbl"))
    config = json.loads(json.dumps(config))
    assert config["registered_name"] == "Doubler"
    with pytest.raises(ValueError, match="Doubler"):
        deserialize_keras_object(config)
    restored = deserialize_keras_object(
        config, custom_objects={"Doubler": Doubler}
    )
    assert isinstance(restored, Doubler) and restored.name == "dbl"
    with ember.saving.custom_object_scope({"Doubler": Doubler}):
        assert isinstance(deserialize_keras_object(config), Doubler)
    with ember.saving.CustomObjectScope({"Doubler": Doubler}) as scope:
        assert scope.custom_objects == {"Doubler": Doubler}
    with pytest.raises(ValueError, match="Doubler"):
        deserialize_keras_object(config)


def test_unknown_class_error_names_it_and_suggests_registration():
    config = {
        "module": "my_lib.layers",
        "class_name": "FancyLayer",
        "config": {},
        "registered_name": "my_lib>FancyLayer",
    }
    with pytest.raises(ValueError) as info:
        deserialize_keras_object(config)
    message = str(info.value)
    assert "FancyLayer" in message
    assert "register_keras_serializable" in message
    assert "custom_objects" in message


def test_typo_in_builtin_name_suggests_the_closest():
    config = {"module": "keras.layers", "class_name": "Dence", "config": {}}
    with pytest.raises(ValueError, match="Did you mean 'Dense'"):
        deserialize_keras_object(config)


@pytest.mark.parametrize(
    "config",
    [
        {"module": "os", "class_name": "system", "config": "echo hi"},
        {
            "module": "os",
            "class_name": "function",
            "config": "system",
            "registered_name": "system",
        },
        {"module": "subprocess", "class_name": "Popen", "config": {}},
        {"module": "builtins", "class_name": "eval", "config": "1"},
        # A built-in's name under a foreign module is not the built-in.
        {"module": "os", "class_name": "Dense", "config": {"units": 1}},
        {"module": "keras.src.ops.numpy", "class_name": "Add", "config": {}},
    ],
)
def test_a_module_named_in_a_file_is_never_imported(config, monkeypatch):
    import importlib

    def refuse(name, *args, **kwargs):
        raise AssertionError(f"imported {name}")

    from ember.saving import object_registration

    # The built-in tables are made first; then any import is refused.
    object_registration.builtin_tables()
    monkeypatch.setattr(importlib, "import_module", refuse)
    with pytest.raises(ValueError, match="Could not deserialize"):
        deserialize_keras_object(config)


def test_a_lambda_is_written_as_keras_and_loaded_only_when_opted_in():
    offset = 2.0
    with pytest.warns(UserWarning, match="lambda is being saved as bytecode"):
        config = serialize_keras_object(lambda x, scale=3.0: x * scale + offset)
    assert config["class_name"] == "__lambda__"
    code, defaults, closure = config["config"]["value"]
    assert (defaults, closure) == ((3.0,), (2.0,))
    with pytest.raises(ValueError, match="pass `safe_mode=False`"):
        deserialize_keras_object(config)
    function = deserialize_keras_object(config, safe_mode=False)
    assert function(1.0) == 5.0
    # Keras' own writer gives a list after JSON.
    value = json.loads(json.dumps(config))
    assert deserialize_keras_object(value, safe_mode=False)(2.0) == 8.0


@pytest.mark.parametrize("value", ["ZmFrZQ==", ["ZmFrZQ==", None, None]])
def test_unreadable_lambda_bytecode_is_a_value_error(value):
    config = {"class_name": "__lambda__", "config": {"value": value}}
    with pytest.raises(ValueError, match="lambda|bytecode"):
        deserialize_keras_object(config, safe_mode=False)


def test_keras_module_paths_map_to_ember_tables():
    config = {
        "module": "keras.src.layers.core.dense",
        "class_name": "Dense",
        "config": {"units": 2},
        "registered_name": None,
    }
    assert isinstance(deserialize_keras_object(config), ember.layers.Dense)
    config = {"class_name": "Dense", "config": {"units": 2}}
    assert isinstance(deserialize_keras_object(config), ember.layers.Dense)


def test_user_objects_nested_in_a_layer_config_are_found():
    @ember.saving.register_keras_serializable(package="test_nested")
    def triple(x):
        return x * 3

    class OnesInit(ember.initializers.Initializer):
        def __call__(self, shape, dtype=None):
            return ember.ops.ones(shape, dtype=dtype)

        def get_config(self):
            return {}

    layer = ember.layers.Dense(
        2, activation=triple, kernel_initializer=OnesInit()
    )
    config = json.loads(json.dumps(serialize_keras_object(layer)))
    restored = deserialize_keras_object(
        config, custom_objects={"OnesInit": OnesInit}
    )
    assert restored.activation is triple
    assert isinstance(restored.kernel_initializer, OnesInit)
    out = restored(np.ones((1, 3), "float32"))
    np.testing.assert_allclose(out, np.full((1, 2), 9.0))


def test_a_namespace_helper_is_not_a_builtin_function():
    # `get` and `deserialize` are functions of ember.metrics, not metrics.
    config = {
        "module": "keras.metrics",
        "class_name": "function",
        "config": "get",
        "registered_name": "function",
    }
    with pytest.raises(ValueError, match="Unknown function: 'get'"):
        deserialize_keras_object(config)
