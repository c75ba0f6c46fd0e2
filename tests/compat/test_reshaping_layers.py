"""Reshaping layers against Keras: same inputs, same outputs, shapes and
configs."""

import keras
import numpy as np
import pytest

import ember

CHANNELS_FIRST = {"data_format": "channels_first"}

CASES = [
    ("Permute", {"dims": (2, 1)}, (2, 3, 4)),
    ("Permute", {"dims": (3, 1, 2)}, (2, 3, 4, 5)),
    ("RepeatVector", {"n": 3}, (2, 4)),
    ("Cropping1D", {}, (2, 5, 3)),
    ("Cropping1D", {"cropping": 2}, (2, 6, 3)),
    ("Cropping1D", {"cropping": (0, 3)}, (2, 6, 3)),
    ("Cropping2D", {}, (2, 4, 5, 3)),
    ("Cropping2D", {"cropping": 1}, (2, 4, 5, 3)),
    ("Cropping2D", {"cropping": (1, 2)}, (2, 4, 6, 3)),
    (
        "Cropping2D",
        {"cropping": ((1, 0), (0, 2)), **CHANNELS_FIRST},
        (2, 3, 4, 5),
    ),
    ("Cropping3D", {}, (1, 3, 4, 5, 2)),
    ("Cropping3D", {"cropping": (1, 0, 2)}, (1, 3, 4, 5, 2)),
    (
        "Cropping3D",
        {"cropping": ((0, 1), (1, 1), (2, 0)), **CHANNELS_FIRST},
        (1, 2, 3, 4, 5),
    ),
    ("ZeroPadding1D", {}, (2, 3, 2)),
    ("ZeroPadding1D", {"padding": (0, 2)}, (2, 3, 2)),
    ("ZeroPadding1D", {"padding": 2, **CHANNELS_FIRST}, (2, 3, 2)),
    ("ZeroPadding2D", {}, (2, 3, 3, 2)),
    ("ZeroPadding2D", {"padding": 2}, (2, 3, 3, 2)),
    (
        "ZeroPadding2D",
        {"padding": ((1, 0), (0, 2)), **CHANNELS_FIRST},
        (2, 2, 3, 3),
    ),
    ("ZeroPadding3D", {}, (1, 2, 2, 2, 2)),
    (
        "ZeroPadding3D",
        {"padding": (1, 0, 2), **CHANNELS_FIRST},
        (1, 2, 2, 2, 2),
    ),
    ("UpSampling1D", {}, (2, 3, 2)),
    ("UpSampling1D", {"size": 3}, (2, 3, 2)),
    ("UpSampling2D", {}, (2, 3, 3, 2)),
    ("UpSampling2D", {"size": (1, 3)}, (2, 3, 3, 2)),
    ("UpSampling2D", {"size": 2, **CHANNELS_FIRST}, (2, 2, 3, 3)),
    ("UpSampling2D", {"interpolation": "bilinear"}, (2, 3, 4, 2)),
    (
        "UpSampling2D",
        {"size": (3, 2), "interpolation": "bilinear", **CHANNELS_FIRST},
        (2, 2, 3, 4),
    ),
    ("UpSampling2D", {"interpolation": "bicubic"}, (1, 4, 4, 1)),
    ("UpSampling2D", {"interpolation": "lanczos3"}, (1, 4, 4, 1)),
    ("UpSampling3D", {}, (1, 2, 2, 2, 2)),
    ("UpSampling3D", {"size": (1, 2, 3), **CHANNELS_FIRST}, (1, 2, 2, 2, 2)),
    ("Reshape", {"target_shape": (-1, 3)}, (2, 3, 4)),
    ("Reshape", {"target_shape": (4, -1)}, (2, 2, 2, 3)),
]


def _case_id(case):
    name, kwargs, _ = case
    return name + "-" + "-".join(f"{k}={v}" for k, v in kwargs.items())


def _input(shape):
    return np.random.default_rng(0).normal(size=shape).astype("float32")


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_outputs_match_keras(case):
    name, kwargs, shape = case
    x = _input(shape)
    expected = np.asarray(getattr(keras.layers, name)(**kwargs)(x))
    ours = getattr(ember.layers, name)(**kwargs)(x)
    np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_shapes_match_keras(case):
    name, kwargs, shape = case
    theirs = getattr(keras.layers, name)(**kwargs)(keras.Input(shape[1:]))
    ours = getattr(ember.layers, name)(**kwargs)(ember.Input(shape[1:]))
    assert ours.shape == theirs.shape
    keras_layer = getattr(keras.layers, name)(**kwargs)
    ember_layer = getattr(ember.layers, name)(**kwargs)
    for batch_shape in (shape, (None, *shape[1:])):
        assert tuple(ember_layer.compute_output_shape(batch_shape)) == tuple(
            keras_layer.compute_output_shape(batch_shape)
        )


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_configs_and_params_match_keras(case):
    name, kwargs, shape = case
    keras_layer = getattr(keras.layers, name)(**kwargs)
    ember_layer = getattr(ember.layers, name)(**kwargs)
    keras_layer(_input(shape))
    ember_layer(_input(shape))
    ours, theirs = ember_layer.get_config(), keras_layer.get_config()
    assert set(ours) == set(theirs)
    ours.pop("name"), theirs.pop("name")
    assert ours == theirs
    assert ember_layer.count_params() == keras_layer.count_params() == 0
    assert ember_layer.supports_masking == keras_layer.supports_masking
    rebuilt = type(ember_layer).from_config(ember_layer.get_config())
    assert rebuilt.get_config() == ember_layer.get_config()
