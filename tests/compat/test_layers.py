"""Layers against Keras: same arguments, Keras' weights, same outputs."""

import keras
import numpy as np
import pytest

import ember

CASES = [
    ("Dense", {"units": 3}, (2, 4)),
    ("Dense", {"units": 2, "activation": "relu", "use_bias": False}, (2, 3, 4)),
    ("Conv2D", {"filters": 3, "kernel_size": 3}, (2, 6, 6, 2)),
    (
        "Conv2D",
        {"filters": 3, "kernel_size": 3, "padding": "same"},
        (2, 5, 5, 2),
    ),
    ("Conv2D", {"filters": 2, "kernel_size": 3, "strides": 2}, (2, 7, 7, 2)),
    (
        "Conv2D",
        {"filters": 2, "kernel_size": 2, "strides": 2, "padding": "same"},
        (2, 5, 5, 3),
    ),
    (
        "Conv2D",
        {"filters": 2, "kernel_size": 3, "dilation_rate": 2},
        (1, 7, 7, 2),
    ),
    (
        "Conv2D",
        {"filters": 4, "kernel_size": 2, "groups": 2, "use_bias": False},
        (2, 4, 4, 2),
    ),
    (
        "Conv2D",
        {"filters": 2, "kernel_size": 3, "data_format": "channels_first"},
        (2, 3, 5, 5),
    ),
    ("Conv1D", {"filters": 3, "kernel_size": 3}, (2, 8, 2)),
    (
        "Conv1D",
        {"filters": 2, "kernel_size": 3, "padding": "causal"},
        (2, 6, 2),
    ),
    ("Conv1D", {"filters": 2, "kernel_size": 2, "dilation_rate": 2}, (2, 6, 3)),
    ("MaxPooling2D", {}, (2, 5, 5, 3)),
    ("MaxPooling2D", {"pool_size": 3, "strides": 1}, (2, 5, 5, 2)),
    ("MaxPooling2D", {"pool_size": 2, "padding": "same"}, (2, 5, 5, 2)),
    (
        "MaxPooling2D",
        {"pool_size": 3, "strides": 2, "padding": "same"},
        (2, 6, 6, 1),
    ),
    ("AveragePooling2D", {"pool_size": 2}, (2, 4, 4, 3)),
    (
        "AveragePooling2D",
        {"pool_size": 3, "strides": 1, "padding": "same"},
        (2, 4, 4, 1),
    ),
    ("AveragePooling2D", {"pool_size": 2, "strides": 1}, (2, 5, 5, 2)),
    ("Flatten", {}, (2, 3, 4)),
    ("Flatten", {"data_format": "channels_first"}, (2, 3, 2, 2)),
    ("Reshape", {"target_shape": (3, 4)}, (2, 12)),
    ("Reshape", {"target_shape": (-1, 2)}, (2, 3, 4)),
    ("Activation", {"activation": "relu"}, (2, 5)),
    ("Activation", {"activation": "softmax"}, (2, 5)),
    ("Identity", {}, (2, 3)),
    ("Dropout", {"rate": 0.3, "noise_shape": (None, 1), "seed": 2}, (2, 3)),
    (
        "Conv3D",
        {"filters": 2, "kernel_size": 2, "padding": "same"},
        (1, 3, 3, 3, 2),
    ),
    ("MaxPooling1D", {"strides": 1}, (2, 5, 3)),
    ("AveragePooling1D", {"pool_size": 2, "padding": "same"}, (2, 5, 3)),
    ("MaxPooling3D", {}, (1, 4, 4, 4, 2)),
]


def _case_id(case):
    name, kwargs, _ = case
    return name + "-" + "-".join(f"{k}={v}" for k, v in kwargs.items())


def _pair(name, kwargs, shape):
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    keras_layer = getattr(keras.layers, name)(**kwargs)
    ember_layer = getattr(ember.layers, name)(**kwargs)
    expected = np.asarray(keras_layer(x))
    ember_layer.build(x.shape)
    # Not `keras_layer.get_weights()`: with numpy 2, Keras' Variable.numpy()
    # emits a DeprecationWarning (its `__array__` lacks `copy`).
    ember_layer.set_weights([np.asarray(v.value) for v in keras_layer.weights])
    return keras_layer, ember_layer, x, expected


def _without_name(config):
    return {k: v for k, v in config.items() if k != "name"}


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_outputs_match_keras(case):
    _, ember_layer, x, expected = _pair(*case)
    np.testing.assert_allclose(ember_layer(x), expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_configs_match_keras(case):
    name, kwargs, _ = case
    keras_layer = getattr(keras.layers, name)(**kwargs)
    ember_layer = getattr(ember.layers, name)(**kwargs)
    keras_config = _without_name(keras_layer.get_config())
    assert _without_name(ember_layer.get_config()) == keras_config


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_symbolic_shapes_match_keras(case):
    name, kwargs, shape = case
    keras_out = getattr(keras.layers, name)(**kwargs)(keras.Input(shape[1:]))
    ember_out = getattr(ember.layers, name)(**kwargs)(ember.Input(shape[1:]))
    assert ember_out.shape == keras_out.shape


def double(x):
    return x * 2


def test_lambda_config_matches_keras():
    kwargs = {"function": double, "output_shape": (3,), "arguments": {"a": 1}}
    keras_config = keras.layers.Lambda(**kwargs).get_config()
    ember_config = ember.layers.Lambda(**kwargs).get_config()
    assert _without_name(ember_config) == _without_name(keras_config)
