"""Model configs move both ways between ember and Keras 3 as JSON."""

import json
import warnings

import keras
import numpy as np
import pytest

import ember


def _image_model(lib):
    inner_in = lib.Input(shape=(4, 4, 6))
    inner_out = lib.layers.Conv2D(5, 3, padding="same", name="inner_conv")(
        inner_in
    )
    inner = lib.Model(inner_in, inner_out, name="inner")
    tower = lib.Sequential(
        [
            lib.Input(shape=(4, 4, 5)),
            lib.layers.GlobalAveragePooling2D(),
            lib.layers.Dense(3, activation="relu"),
        ],
        name="tower",
    )
    inputs = lib.Input(shape=(8, 8, 3), name="image")
    x = lib.layers.Conv2D(6, 3, strides=2, padding="same", name="conv")(inputs)
    x = lib.layers.BatchNormalization(name="bn")(x)
    x = inner(x)
    outputs = lib.layers.Dense(2, activation="softmax", name="head")(tower(x))
    return lib.Model(inputs, outputs, name="image_model")


def _token_model(lib):
    tokens = lib.Input(shape=(5,), dtype="int32", name="tokens")
    extra = lib.Input(shape=(4,), name="extra")
    embedded = lib.layers.Embedding(11, 4, name="embed")(tokens)
    pooled = lib.layers.GlobalAveragePooling1D(name="pool")(embedded)
    shared = lib.layers.Dense(3, name="shared")
    merged = lib.layers.Concatenate(name="merge")(
        [shared(pooled), shared(extra)]
    )
    out = lib.layers.Dense(1, name="out")(merged)
    return lib.Model({"tokens": tokens, "extra": extra}, {"out": out})


def _data(name):
    rng = np.random.default_rng(0)
    if name == "image":
        return rng.normal(size=(3, 8, 8, 3)).astype("float32")
    return {
        "tokens": rng.integers(0, 11, size=(3, 5)).astype("int32"),
        "extra": rng.normal(size=(3, 4)).astype("float32"),
    }


BUILDERS = {"image": _image_model, "token": _token_model}


def _random_weights(model):
    rng = np.random.default_rng(1)
    # Positive values keep BatchNormalization's moving variance valid.
    return [
        rng.uniform(0.5, 1.5, size=tuple(w.shape)).astype("float32")
        for w in model.weights
    ]


def _keras_weights(model):
    # Keras' get_weights trips numpy 2's copy-keyword DeprecationWarning.
    return [np.asarray(w.value) for w in model.weights]


def _assert_close(actual, expected):
    if isinstance(expected, dict):
        assert sorted(actual) == sorted(expected)
        for key in expected:
            np.testing.assert_allclose(actual[key], expected[key], atol=1e-5)
    else:
        np.testing.assert_allclose(actual, expected, atol=1e-5)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_keras_reads_ember_json(name):
    model = BUILDERS[name](ember)
    model.set_weights(_random_weights(model))
    clone = keras.models.model_from_json(model.to_json())
    assert [layer.name for layer in clone.layers] == [
        layer.name for layer in model.layers
    ]
    assert [type(layer).__name__ for layer in clone.layers] == [
        type(layer).__name__ for layer in model.layers
    ]
    clone.set_weights(model.get_weights())
    x = _data(name)
    _assert_close(clone.predict(x, verbose=0), model.predict(x, verbose=0))


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_ember_reads_keras_json(name):
    model = BUILDERS[name](keras)
    model.set_weights(_random_weights(model))
    clone = ember.models.model_from_json(model.to_json())
    assert [layer.name for layer in clone.layers] == [
        layer.name for layer in model.layers
    ]
    clone.set_weights(_keras_weights(model))
    x = _data(name)
    _assert_close(clone.predict(x, verbose=0), model.predict(x, verbose=0))


def test_sequential_config_matches_keras():
    def build(lib):
        model = lib.Sequential(
            [
                lib.Input(shape=(4,)),
                lib.layers.Dense(3, activation="relu", name="a"),
                lib.layers.Dense(1, name="b"),
            ],
            name="seq",
        )
        return model

    ours = json.loads(json.dumps(build(ember).get_config()))
    theirs = json.loads(json.dumps(build(keras).get_config()))
    for config in (ours, theirs):
        config["layers"][0]["config"].pop("name")
    assert ours == theirs
    clone = keras.models.model_from_json(build(ember).to_json())
    assert clone.output_shape == (None, 1)


def test_functional_config_matches_keras_on_a_shared_layer_model():
    def build(lib):
        a = lib.Input(shape=(4,), name="a")
        b = lib.Input(shape=(4,), name="b")
        shared = lib.layers.Dense(3, name="shared")
        merged = lib.layers.Add(name="add")([shared(a), shared(b)])
        return lib.Model([a, b], merged, name="m")

    ours = json.loads(json.dumps(build(ember).get_config()))
    theirs = json.loads(json.dumps(build(keras).get_config()))
    assert ours == theirs


def test_ember_reads_a_compiled_keras_model_json():
    model = _token_model(keras)
    model.compile(optimizer="adam", loss="mse")
    with warnings.catch_warnings():
        # Keras reads its learning rate through numpy 2's deprecated path.
        warnings.simplefilter("ignore", DeprecationWarning)
        text = model.to_json()
    assert "compile_config" in text
    clone = ember.models.model_from_json(text)
    assert [layer.name for layer in clone.layers] == [
        layer.name for layer in model.layers
    ]


def _layer_cases():
    layers = ember.layers
    return [
        layers.Dense(3, activation="relu"),
        layers.Conv2D(2, 3, padding="same"),
        layers.BatchNormalization(momentum=0.9),
        layers.Embedding(5, 2, mask_zero=True),
        layers.LayerNormalization(),
        layers.Dropout(0.3),
        layers.MaxPooling2D(),
        layers.DepthwiseConv2D(3),
        layers.EinsumDense("ab,bc->ac", output_shape=3),
        layers.Concatenate(axis=1),
    ]


@pytest.mark.parametrize(
    "layer", _layer_cases(), ids=lambda layer: type(layer).__name__
)
def test_layer_dicts_read_by_keras_give_back_the_same_dict(layer):
    ours = json.loads(json.dumps(ember.saving.serialize_keras_object(layer)))
    theirs = keras.saving.serialize_keras_object(
        keras.saving.deserialize_keras_object(ours)
    )
    assert json.loads(json.dumps(theirs)) == ours
    back = ember.saving.deserialize_keras_object(theirs)
    assert type(back) is type(layer)
    assert back.get_config() == layer.get_config()


def _object_cases():
    return [
        ember.losses.CategoricalCrossentropy(from_logits=True),
        ember.losses.Poisson(reduction="sum"),  # Huber: test_serialization.py
        ember.metrics.SparseCategoricalAccuracy(),
        ember.metrics.Mean(),
        ember.optimizers.Adam(0.01),
        ember.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
        ember.optimizers.schedules.ExponentialDecay(0.1, 10, 0.9),
        ember.initializers.HeNormal(seed=2),
        ember.regularizers.L1L2(0.1, 0.2),
        ember.activations.relu,
        ember.losses.mean_squared_error,
    ]


@pytest.mark.parametrize(
    "obj",
    _object_cases(),
    ids=lambda obj: getattr(obj, "__name__", type(obj).__name__),
)
def test_object_dicts_read_by_keras_give_back_the_same_dict(obj):
    ours = json.loads(json.dumps(ember.saving.serialize_keras_object(obj)))
    with warnings.catch_warnings():
        # Keras reads a learning rate through numpy 2's deprecated path.
        warnings.simplefilter("ignore", DeprecationWarning)
        theirs = keras.saving.serialize_keras_object(
            keras.saving.deserialize_keras_object(ours)
        )
    assert json.loads(json.dumps(theirs)) == ours
    back = ember.saving.deserialize_keras_object(theirs)
    if callable(obj) and not hasattr(obj, "get_config"):
        assert back is obj
    else:
        assert back.get_config() == obj.get_config()
