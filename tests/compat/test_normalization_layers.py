"""Normalization layers against Keras: same weights, same outputs, same
moving statistics after a training call and after a `fit` step."""

import keras
import numpy as np
import pytest

import ember

CASES = [
    ("BatchNormalization", {}, (4, 3)),
    ("BatchNormalization", {"axis": 1, "momentum": 0.5}, (3, 2, 4, 4)),
    ("BatchNormalization", {"center": False, "epsilon": 0.1}, (5, 2, 3)),
    ("BatchNormalization", {"scale": False}, (4, 3)),
    (
        "BatchNormalization",
        {"renorm": True, "renorm_clipping": {"rmax": 1.5, "dmax": 0.2}},
        (6, 3),
    ),
    ("LayerNormalization", {}, (2, 5)),
    ("LayerNormalization", {"axis": [1, 2]}, (2, 3, 4)),
    ("LayerNormalization", {"axis": 1, "center": False}, (2, 3, 4)),
    ("LayerNormalization", {"scale": False, "epsilon": 0.5}, (3, 4)),
    ("GroupNormalization", {"groups": 2}, (2, 5, 4)),
    ("GroupNormalization", {"groups": -1}, (2, 3, 3, 6)),
    ("GroupNormalization", {"groups": 3, "axis": 1}, (2, 6, 3, 2)),
    ("GroupNormalization", {"groups": 1, "center": False}, (2, 4)),
    ("UnitNormalization", {}, (2, 5)),
    ("UnitNormalization", {"axis": [1, 2]}, (2, 3, 4)),
]


def _case_id(case):
    name, kwargs, _ = case
    return name + "-" + "-".join(f"{k}={v}" for k, v in kwargs.items())


def _pair(name, kwargs, shape, seed=0):
    """Built Keras and ember layers holding the same random weights."""
    rng = np.random.default_rng(seed)
    x = (rng.normal(size=shape) * 2 + 0.5).astype("float32")
    keras_layer = getattr(keras.layers, name)(**kwargs)
    ember_layer = getattr(ember.layers, name)(**kwargs)
    keras_layer.build(x.shape)
    ember_layer.build(x.shape)
    for variable in keras_layer.weights:
        value = rng.uniform(0.5, 1.5, size=variable.shape).astype("float32")
        variable.assign(value)
    ember_layer.set_weights([np.asarray(v.value) for v in keras_layer.weights])
    return keras_layer, ember_layer, x


def _weights(layer):
    return [np.asarray(v.value) for v in layer.weights]


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_inference_outputs_match_keras(case):
    keras_layer, ember_layer, x = _pair(*case)
    expected = np.asarray(keras_layer(x, training=False))
    np.testing.assert_allclose(ember_layer(x), expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_training_outputs_and_statistics_match_keras(case):
    keras_layer, ember_layer, x = _pair(*case)
    for _ in range(2):
        expected = np.asarray(keras_layer(x, training=True))
        np.testing.assert_allclose(
            ember_layer(x, training=True), expected, rtol=1e-4, atol=1e-5
        )
    for ours, theirs in zip(
        _weights(ember_layer), _weights(keras_layer), strict=True
    ):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_configs_weights_and_params_match_keras(case):
    keras_layer, ember_layer, _ = _pair(*case)
    assert set(ember_layer.get_config()) == set(keras_layer.get_config())
    assert ember_layer.count_params() == keras_layer.count_params()
    assert [(v.name, v.shape, v.trainable) for v in ember_layer.weights] == [
        (v.name, tuple(v.shape), v.trainable) for v in keras_layer.weights
    ]
    assert ember_layer.supports_masking == keras_layer.supports_masking


def test_default_configs_equal_keras():
    for name in (
        "BatchNormalization",
        "LayerNormalization",
        "GroupNormalization",
        "UnitNormalization",
    ):
        ours = getattr(ember.layers, name)().get_config()
        theirs = getattr(keras.layers, name)().get_config()
        ours.pop("name"), theirs.pop("name")
        if name == "LayerNormalization":
            # Keras turns `axis` into a list when it builds; ember keeps the
            # argument as given (the same layer either way).
            theirs["axis"] = -1
        assert ours == theirs, name


def test_batch_normalization_masked_training_matches_keras():
    keras_layer, ember_layer, x = _pair("BatchNormalization", {}, (3, 5, 2))
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [1, 0, 0, 0, 0]], bool)
    expected = np.asarray(keras_layer(x, training=True, mask=mask))
    np.testing.assert_allclose(
        ember_layer(x, training=True, mask=mask), expected, atol=1e-5
    )
    for ours, theirs in zip(
        _weights(ember_layer), _weights(keras_layer), strict=True
    ):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def test_layer_normalization_rms_scaling_matches_keras():
    with pytest.warns(UserWarning, match="rms_scaling"):
        keras_layer = keras.layers.LayerNormalization(rms_scaling=True)
    with pytest.warns(UserWarning, match="rms_scaling"):
        ember_layer = ember.layers.LayerNormalization(rms_scaling=True)
    x = np.random.default_rng(1).normal(size=(3, 4)).astype("float32") + 1
    with pytest.warns(UserWarning, match="rms_scaling"):
        expected = np.asarray(keras_layer(x))
    ember_layer.build(x.shape)
    ember_layer.set_weights(_weights(keras_layer))
    np.testing.assert_allclose(ember_layer(x), expected, atol=1e-5)
    assert [v.name for v in ember_layer.weights] == ["gamma"]
    assert set(ember_layer.get_config()) == set(keras_layer.get_config())


def _bn_model(lib, trainable=True):
    model = lib.Sequential(
        [
            lib.Input((2, 2, 3)),
            lib.layers.Conv2D(2, 1),
            lib.layers.BatchNormalization(momentum=0.8, trainable=trainable),
            lib.layers.Flatten(),
            lib.layers.Dense(2),
        ]
    )
    model.compile(optimizer=lib.optimizers.SGD(0.1), loss="mse")
    return model


@pytest.mark.parametrize("trainable", [True, False], ids=["train", "frozen"])
def test_batch_normalization_fit_step_matches_keras(trainable):
    rng = np.random.default_rng(0)
    x = (rng.normal(size=(8, 2, 2, 3)) * 3 + 1).astype("float32")
    y = rng.normal(size=(8, 2)).astype("float32")
    keras_model = _bn_model(keras, trainable)
    ember_model = _bn_model(ember, trainable)
    ember_model.set_weights(_weights(keras_model))
    before = _weights(keras_model)
    for model in (keras_model, ember_model):
        model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    ours, theirs = _weights(ember_model), _weights(keras_model)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    # Moving statistics are weights 4 and 5 (after conv kernel, bias,
    # gamma and beta); they move only when the layer is trainable.
    moved = not np.allclose(theirs[4], before[4])
    assert moved == trainable
    np.testing.assert_allclose(
        ember_model.predict(x, verbose=0),
        keras_model.predict(x, verbose=0),
        rtol=1e-4,
        atol=1e-5,
    )
