"""Functional and Sequential get_config / from_config / to_json round trips."""

import json

import numpy as np
import pytest

import ember
from ember import layers


def _rebuild(model, **kwargs):
    clone = ember.models.model_from_json(model.to_json(), **kwargs)
    clone.set_weights(model.get_weights())
    return clone


def _assert_same_predictions(model, clone, x):
    expected = model.predict(x, verbose=0)
    actual = clone.predict(x, verbose=0)
    if isinstance(expected, dict):
        assert sorted(actual) == sorted(expected)
        for key in expected:
            np.testing.assert_allclose(actual[key], expected[key], atol=1e-6)
    elif isinstance(expected, list | tuple):
        for a, e in zip(actual, expected, strict=True):
            np.testing.assert_allclose(a, e, atol=1e-6)
    else:
        np.testing.assert_allclose(actual, expected, atol=1e-6)


def test_mlp_round_trip_keeps_names_and_predictions():
    inputs = ember.Input(shape=(6,), name="features")
    x = layers.Dense(8, activation="relu", name="hidden")(inputs)
    outputs = layers.Dense(2, activation="softmax", name="probs")(x)
    model = ember.Model(inputs, outputs, name="mlp")
    config = model.get_config()
    assert config["name"] == "mlp"
    assert config["input_layers"] == ["features", 0, 0]
    assert config["output_layers"] == ["probs", 0, 0]
    assert [layer["name"] for layer in config["layers"]] == [
        "features",
        "hidden",
        "probs",
    ]
    history = config["layers"][1]["inbound_nodes"][0]["args"][0]
    assert history["class_name"] == "__keras_tensor__"
    assert history["config"]["keras_history"] == ["features", 0, 0]
    serialized = ember.saving.serialize_keras_object(model)
    assert serialized["module"] == "keras.src.models.functional"
    assert serialized["registered_name"] == "Functional"
    assert serialized["build_config"] == {"input_shape": None}
    clone = _rebuild(model)
    assert isinstance(clone, ember.models.Functional)
    assert [layer.name for layer in clone.layers] == [
        "features",
        "hidden",
        "probs",
    ]
    _assert_same_predictions(model, clone, np.random.rand(5, 6))


def test_shared_layer_and_dict_inputs_and_outputs():
    a = ember.Input(shape=(4,), name="a")
    b = ember.Input(shape=(4,), name="b")
    shared = layers.Dense(3, name="shared")
    merged = layers.Concatenate(name="merge")([shared(a), shared(b)])
    out = layers.Dense(1, name="out")(merged)
    model = ember.Model({"a": a, "b": b}, {"out": out, "merged": merged})
    config = json.loads(model.to_json())["config"]
    shared_config = next(x for x in config["layers"] if x["name"] == "shared")
    assert len(shared_config["inbound_nodes"]) == 2
    merge_config = next(x for x in config["layers"] if x["name"] == "merge")
    histories = [
        t["config"]["keras_history"]
        for t in merge_config["inbound_nodes"][0]["args"][0]
    ]
    assert histories == [["shared", 0, 0], ["shared", 1, 0]]
    assert config["input_layers"] == {"a": ["a", 0, 0], "b": ["b", 0, 0]}
    clone = _rebuild(model)
    assert len(clone.get_layer("shared")._inbound_nodes) == 2
    x = {"a": np.random.rand(3, 4), "b": np.random.rand(3, 4)}
    _assert_same_predictions(model, clone, x)


def test_multiple_inputs_and_outputs_as_lists():
    left = ember.Input(shape=(4,), name="left")
    right = ember.Input(shape=(2,), name="right")
    x = layers.Concatenate()([left, right])
    y1 = layers.Dense(2, name="y1")(x)
    y2 = layers.Dense(3, name="y2")(x)
    model = ember.Model([left, right], [y1, y2])
    config = model.get_config()
    assert config["input_layers"] == [["left", 0, 0], ["right", 0, 0]]
    assert config["output_layers"] == [["y1", 0, 0], ["y2", 0, 0]]
    clone = _rebuild(model)
    _assert_same_predictions(
        model, clone, [np.random.rand(3, 4), np.random.rand(3, 2)]
    )


def test_nested_functional_and_sequential_models():
    inner_in = ember.Input(shape=(4,))
    inner = ember.Model(
        inner_in, layers.Dense(4, activation="tanh")(inner_in), name="inner"
    )
    tower = ember.Sequential(
        [ember.Input((4,)), layers.Dense(3), layers.Dense(2)], name="tower"
    )
    inputs = ember.Input(shape=(4,), name="x")
    # The nested model is called twice: its calls are numbered 0 and 1.
    outputs = layers.Dense(1, name="head")(tower(inner(inner(inputs))))
    model = ember.Model(inputs, outputs, name="outer")
    config = model.get_config()
    inner_config = next(x for x in config["layers"] if x["name"] == "inner")
    assert inner_config["class_name"] == "Functional"
    assert inner_config["module"] == "keras.src.models.functional"
    assert len(inner_config["inbound_nodes"]) == 2
    second = inner_config["inbound_nodes"][1]["args"][0]["config"]
    assert second["keras_history"] == ["inner", 0, 0]
    tower_config = next(x for x in config["layers"] if x["name"] == "tower")
    assert tower_config["class_name"] == "Sequential"
    clone = _rebuild(model)
    assert isinstance(clone.get_layer("inner"), ember.models.Functional)
    assert isinstance(clone.get_layer("tower"), ember.Sequential)
    _assert_same_predictions(model, clone, np.random.rand(3, 4))


def test_nested_model_as_an_output_counts_its_own_node_as_keras_does():
    inner_in = ember.Input(shape=(3,))
    inner = ember.Model(inner_in, layers.Dense(2)(inner_in), name="inner")
    inputs = ember.Input(shape=(3,))
    model = ember.Model(inputs, inner(inputs))
    assert model.get_config()["output_layers"] == ["inner", 1, 0]
    _assert_same_predictions(model, _rebuild(model), np.random.rand(2, 3))


def test_sequential_config_format_and_round_trip():
    model = ember.Sequential(
        [layers.Dense(4, activation="relu", input_shape=(3,)), layers.Dense(1)],
        name="stack",
    )
    config = model.get_config()
    assert config["name"] == "stack"
    assert config["build_input_shape"] == [None, 3]
    assert config["dtype"]["class_name"] == "DTypePolicy"
    assert [x["class_name"] for x in config["layers"]] == [
        "InputLayer",
        "Dense",
        "Dense",
    ]
    serialized = ember.saving.serialize_keras_object(model)
    assert serialized["build_config"] == {"input_shape": [None, 3]}
    clone = _rebuild(model)
    assert isinstance(clone, ember.Sequential)
    assert clone.name == "stack"
    _assert_same_predictions(model, clone, np.random.rand(4, 3))


def test_unbuilt_sequential_round_trips_unbuilt():
    model = ember.Sequential([layers.Dense(2)])
    config = model.get_config()
    assert "build_input_shape" not in config
    clone = ember.Sequential.from_config(config)
    assert not clone.built
    assert clone(np.ones((1, 3))).shape == (1, 2)


def test_custom_layer_needs_custom_objects():
    class Twice(layers.Layer):
        def call(self, inputs):
            return inputs * 2

    inputs = ember.Input(shape=(2,))
    model = ember.Model(inputs, Twice(name="twice")(inputs))
    with pytest.raises(ValueError, match="Twice"):
        ember.models.model_from_json(model.to_json())
    clone = _rebuild(model, custom_objects={"Twice": Twice})
    _assert_same_predictions(model, clone, np.ones((2, 2)))


def test_unserializable_op_in_graph_is_a_clear_error():
    # Common ops serialize as Keras' op entries (tests/models/
    # test_op_config.py); one outside ember's table names itself.
    inputs = ember.Input(shape=(2,))
    model = ember.Model(inputs, ember.ops.cumprod(layers.Dense(2)(inputs)))
    with pytest.raises(ValueError, match='op "cumprod"'):
        model.get_config()


def test_reads_a_keras_2_functional_config():
    dense = {
        "name": "dense",
        "trainable": True,
        "dtype": "float32",
        "units": 2,
        "activation": "relu",
        "use_bias": True,
        "kernel_initializer": {"class_name": "Ones", "config": {}},
        "bias_initializer": {"class_name": "Zeros", "config": {}},
    }
    config = {
        "class_name": "Model",
        "config": {
            "name": "legacy",
            "layers": [
                {
                    "class_name": "InputLayer",
                    "config": {
                        "batch_input_shape": [None, 3],
                        "dtype": "float32",
                        "name": "input_1",
                    },
                    "name": "input_1",
                    "inbound_nodes": [],
                },
                {
                    "class_name": "Dense",
                    "config": dense,
                    "name": "dense",
                    "inbound_nodes": [[["input_1", 0, 0, {}]]],
                },
            ],
            "input_layers": [["input_1", 0, 0]],
            "output_layers": [["dense", 0, 0]],
        },
    }
    model = ember.models.model_from_json(json.dumps(config))
    assert model.name == "legacy"
    np.testing.assert_allclose(model.predict(np.ones((1, 3)), verbose=0), 3.0)


def test_lambda_bytecode_in_a_model_config_loads_only_when_opted_in():
    inputs = ember.Input(shape=(2,))
    model = ember.Model(inputs, layers.Lambda(lambda x: x * 2)(inputs))
    text = model.to_json()
    assert "__lambda__" in text
    with pytest.raises(ValueError, match="bytecode.*safe_mode=False"):
        ember.saving.deserialize_keras_object(json.loads(text))
    restored = ember.saving.deserialize_keras_object(
        json.loads(text), safe_mode=False
    )
    x = np.ones((1, 2), "float32")
    np.testing.assert_allclose(restored(x), x * 2)


def test_model_from_config_rebuilds_a_functional_config():
    inputs = ember.Input(shape=(3,))
    model = ember.Model(inputs, ember.layers.Dense(2)(inputs))
    clone = ember.Model.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    x = np.ones((2, 3), "float32")
    np.testing.assert_allclose(clone(x), model(x), rtol=1e-6)
