"""Mixed precision against Keras: same weights under mixed_bfloat16 and
mixed_float16 give Keras' outputs and dtypes; fit keeps float32 weights;
configs and `.keras` files carry the policies both ways."""

import json
import zipfile

import keras
import numpy as np
import pytest

import ember

POLICIES = ["mixed_bfloat16", "mixed_float16"]
# bfloat16 keeps 8 significant bits, float16 11: outputs of a few layers
# agree to about two and three digits.
TOLERANCE = {"mixed_bfloat16": 3e-2, "mixed_float16": 3e-3}


@pytest.fixture(params=POLICIES)
def policy(request):
    keras.config.set_dtype_policy(request.param)
    ember.config.set_dtype_policy(request.param)
    yield request.param
    keras.config.set_dtype_policy("float32")
    ember.config.set_dtype_policy("float32")


def _model(lib):
    inputs = lib.Input((6, 6, 2))
    x = lib.layers.Conv2D(4, 3, activation="relu")(inputs)
    x = lib.layers.BatchNormalization()(x)
    x = lib.layers.Flatten()(x)
    x = lib.layers.Dense(8, activation="tanh")(x)
    x = lib.layers.Dense(3)(x)
    outputs = lib.layers.Softmax()(x)
    return lib.Model(inputs, outputs)


def _pair():
    source = _model(keras)
    rng = np.random.default_rng(0)
    weights = [
        rng.normal(scale=0.5, size=w.shape).astype("float32")
        for w in source.weights
    ]
    weights[3] = np.abs(weights[3]) + 0.5  # BatchNormalization's variance
    source.set_weights(weights)
    model = _model(ember)
    model.set_weights(weights)
    return source, model


def _data():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(16, 6, 6, 2)).astype("float32")
    return x, rng.integers(0, 3, size=16)


def _as_float32(x):
    return np.asarray(x).astype("float32")


def test_outputs_and_dtypes_equal_keras(policy):
    source, model = _pair()
    x, _ = _data()
    expected = source(x)
    got = model(x)
    assert str(got.dtype) == str(expected.dtype)
    np.testing.assert_allclose(
        _as_float32(got), _as_float32(expected), atol=TOLERANCE[policy]
    )
    for k_layer, e_layer in zip(source.layers, model.layers, strict=True):
        assert e_layer.dtype_policy.name == k_layer.dtype_policy.name
        assert e_layer.compute_dtype == k_layer.compute_dtype
        assert e_layer.variable_dtype == k_layer.variable_dtype
    assert [w.dtype for w in model.weights] == [w.dtype for w in source.weights]
    assert {w.dtype for w in model.weights} == {"float32"}


def test_intermediate_outputs_equal_keras(policy):
    source, model = _pair()
    x, _ = _data()
    for index in (1, 2, 4):
        k_sub = keras.Model(source.input, source.layers[index].output)
        e_sub = ember.Model(model.input, model.layers[index].output)
        expected = k_sub(x)
        got = e_sub(x)
        assert str(got.dtype) == str(expected.dtype)
        scale = max(1.0, float(np.abs(_as_float32(expected)).max()))
        np.testing.assert_allclose(
            _as_float32(got),
            _as_float32(expected),
            atol=TOLERANCE[policy] * scale,
        )


def test_fit_matches_keras_and_keeps_float32_weights(policy):
    source, model = _pair()
    x, y = _data()
    histories = []
    for net in (source, model):
        net.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
        if policy == "mixed_float16":
            # Keras wraps the optimizer in a LossScaleOptimizer here; the
            # comparison is of the forward and the float32 update only.
            net.optimizer = _plain_sgd(net)
        histories.append(
            net.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
        )
    np.testing.assert_allclose(
        histories[1].history["loss"],
        histories[0].history["loss"],
        rtol=TOLERANCE[policy],
    )
    assert {w.dtype for w in model.weights} == {"float32"}
    for k_weight, e_weight in zip(source.weights, model.weights, strict=True):
        np.testing.assert_allclose(
            np.asarray(e_weight), np.asarray(k_weight), atol=1e-2
        )


def _plain_sgd(net):
    lib = keras if isinstance(net, keras.Model) else ember
    return lib.optimizers.SGD()


def test_layer_config_is_keras_config(policy):
    source, model = _pair()
    for k_layer, e_layer in zip(source.layers, model.layers, strict=True):
        if isinstance(k_layer, keras.layers.InputLayer):
            continue
        assert e_layer.get_config()["dtype"] == k_layer.get_config()["dtype"]
    assert model.layers[1].get_config()["dtype"] == {
        "module": "keras",
        "class_name": "DTypePolicy",
        "config": {"name": policy},
        "registered_name": None,
    }


def _policies(model) -> list[str]:
    # An InputLayer's file entry holds its tensor dtype, not a policy: in
    # Keras too it takes the global policy when loaded.
    return [la.dtype_policy.name for la in model.layers[1:]]


def test_ember_saves_keras_loads_with_the_policies(tmp_path, policy):
    _, model = _pair()
    model.layers[-1].dtype_policy = "float32"  # one layer left in float32
    path = tmp_path / "e.keras"
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        config = json.loads(archive.read("config.json"))
    assert config["config"]["layers"][1]["config"]["dtype"]["config"] == {
        "name": policy
    }
    keras.config.set_dtype_policy("float32")
    restored = keras.saving.load_model(path)
    assert _policies(restored) == _policies(model)
    assert _policies(restored)[0] == policy
    x, _ = _data()
    np.testing.assert_allclose(
        _as_float32(restored.predict(x, verbose=0)),
        _as_float32(model.predict(x, verbose=0)),
        atol=TOLERANCE[policy],
    )


def test_keras_saves_ember_loads_with_the_policies(tmp_path, policy):
    source, _ = _pair()
    source.layers[-1].dtype_policy = "float32"
    path = tmp_path / "k.keras"
    source.save(path)
    ember.config.set_dtype_policy("float32")
    restored = ember.saving.load_model(path)
    assert _policies(restored) == _policies(source)
    assert _policies(restored)[-1] == "float32"
    assert {w.dtype for w in restored.weights} == {"float32"}
    x, _ = _data()
    got = restored.predict(x, verbose=0)
    expected = source.predict(x, verbose=0)
    assert str(got.dtype) == str(expected.dtype) == "float32"
    np.testing.assert_allclose(got, expected, atol=TOLERANCE[policy])


LAYERS = {
    "LayerNormalization": (lambda L: L.LayerNormalization(), (2, 4)),
    "GroupNormalization": (lambda L: L.GroupNormalization(2), (2, 4)),
    "LSTM": (lambda L: L.LSTM(3), (2, 5, 4)),
    "GRU": (lambda L: L.GRU(3), (2, 5, 4)),
    "Conv1D": (lambda L: L.Conv1D(2, 2), (2, 5, 4)),
    "Dense-softmax": (lambda L: L.Dense(3, activation="softmax"), (2, 4)),
    "Activation-softmax": (lambda L: L.Activation("softmax"), (2, 4)),
    "GlobalAveragePooling1D": (lambda L: L.GlobalAveragePooling1D(), (2, 5, 4)),
    "EinsumDense": (
        lambda L: L.EinsumDense("ab,bc->ac", output_shape=3),
        (2, 4),
    ),
    "PReLU": (lambda L: L.PReLU(alpha_initializer="ones"), (2, 4)),
    "MultiHeadAttention": (lambda L: L.MultiHeadAttention(2, 2), (2, 3, 4)),
}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_output_and_variable_dtypes_equal_keras(policy, name):
    make, shape = LAYERS[name]
    x = np.random.default_rng(2).normal(size=shape).astype("float32")
    args = (x, x) if name == "MultiHeadAttention" else (x,)
    k_layer, e_layer = make(keras.layers), make(ember.layers)
    k_layer(*args)
    e_layer(*args)
    e_layer.set_weights(k_layer.get_weights())
    expected, got = k_layer(*args), e_layer(*args)
    assert str(got.dtype) == str(expected.dtype)
    assert [w.dtype for w in e_layer.weights] == [
        w.dtype for w in k_layer.weights
    ]
    np.testing.assert_allclose(
        _as_float32(got), _as_float32(expected), atol=TOLERANCE[policy]
    )
