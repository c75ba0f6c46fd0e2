"""Preprocessing layers against Keras.

Deterministic layers (Rescaling, Normalization, Resizing, CenterCrop) give
Keras' outputs. Random layers are compared where the draw cannot matter
(a range of one value), and otherwise checked for shape, inference
identity, seed dependence and whole-image flips.
"""

import keras
import numpy as np
import pytest

import ember

CF = {"data_format": "channels_first"}

DETERMINISTIC = [
    ("Rescaling", {"scale": 1 / 255}, (2, 4, 4, 3)),
    ("Rescaling", {"scale": [0.5, 2.0, 3.0], "offset": -1.0}, (2, 4, 4, 3)),
    ("Resizing", {"height": 3, "width": 7}, (2, 5, 5, 3)),
    ("Resizing", {"height": 8, "width": 3, "interpolation": "nearest"}, None),
    ("Resizing", {"height": 3, "width": 7, "crop_to_aspect_ratio": True}, None),
    (
        "Resizing",
        {"height": 6, "width": 3, "crop_to_aspect_ratio": True, **CF},
        (2, 3, 5, 6),
    ),
    (
        "Resizing",
        {"height": 3, "width": 7, "pad_to_aspect_ratio": True, "fill_value": 2},
        None,
    ),
    ("Resizing", {"height": 7, "width": 3, "pad_to_aspect_ratio": True}, None),
    ("Resizing", {"height": 3, "width": 4, "antialias": True}, (2, 9, 9, 2)),
    ("Resizing", {"height": 3, "width": 4, "interpolation": "bicubic"}, None),
    ("Resizing", {"height": 4, "width": 2, **CF}, (2, 2, 9, 7)),
    ("Resizing", {"height": 3, "width": 4}, (9, 7, 2)),
    ("CenterCrop", {"height": 3, "width": 4}, (2, 5, 6, 3)),
    ("CenterCrop", {"height": 3, "width": 4, **CF}, (2, 3, 6, 6)),
    ("CenterCrop", {"height": 8, "width": 4}, (2, 5, 6, 3)),
    ("CenterCrop", {"height": 2, "width": 2}, (5, 6, 3)),
    ("Normalization", {"mean": 2.0, "variance": 3.0}, (2, 4)),
    (
        "Normalization",
        {"mean": [1.0, 2.0, 3.0], "variance": [1.0, 4.0, 9.0], "axis": 1},
        (2, 3, 4),
    ),
    (
        "Normalization",
        {"mean": [1.0, 2.0], "variance": [1.0, 4.0], "invert": True},
        (2, 3, 2),
    ),
]
DETERMINISTIC = [
    (name, kwargs, shape or (2, 5, 6, 3))
    for name, kwargs, shape in DETERMINISTIC
]

# Ranges of one value: the draw cannot matter, so the output is Keras'.
FIXED_DRAWS = [
    ("RandomRotation", {"factor": (0.25, 0.25)}),
    ("RandomRotation", {"factor": (0.1, 0.1), "fill_mode": "constant"}),
    (
        "RandomRotation",
        {
            "factor": (-0.2, -0.2),
            "fill_mode": "nearest",
            "interpolation": "nearest",
        },
    ),
    ("RandomRotation", {"factor": (0.15, 0.15), "fill_mode": "wrap", **CF}),
    ("RandomZoom", {"height_factor": (0.5, 0.5)}),
    (
        "RandomZoom",
        {
            "height_factor": (-0.3, -0.3),
            "width_factor": (0.2, 0.2),
            "fill_mode": "wrap",
        },
    ),
    (
        "RandomTranslation",
        {
            "height_factor": (0.5, 0.5),
            "width_factor": (-0.2, -0.2),
            "fill_mode": "constant",
            "fill_value": 3.0,
        },
    ),
    (
        "RandomTranslation",
        {"height_factor": (0.1, 0.1), "width_factor": (0.3, 0.3), **CF},
    ),
]

RANDOM = [
    ("RandomFlip", {"mode": "horizontal", "seed": 1}),
    ("RandomFlip", {"mode": "vertical", "seed": 1}),
    ("RandomFlip", {"seed": 1}),
    ("RandomRotation", {"factor": 0.2, "seed": 1}),
    ("RandomZoom", {"height_factor": 0.3, "seed": 1}),
    (
        "RandomZoom",
        {"height_factor": 0.3, "width_factor": (-0.2, 0.1), "seed": 1},
    ),
    (
        "RandomTranslation",
        {"height_factor": 0.2, "width_factor": 0.3, "seed": 1},
    ),
    ("RandomContrast", {"factor": 0.5, "seed": 1}),
    (
        "RandomContrast",
        {"factor": (0.1, 0.4), "value_range": (0, 1), "seed": 1},
    ),
]


def _id(case):
    return case[0] + "-" + "-".join(f"{k}={v}" for k, v in case[1].items())


def _images(shape, seed=0):
    return (np.random.default_rng(seed).uniform(size=shape) * 255).astype(
        "float32"
    )


@pytest.mark.parametrize("case", DETERMINISTIC, ids=_id)
def test_deterministic_outputs_match_keras(case):
    name, kwargs, shape = case
    x = _images(shape)
    keras_layer = getattr(keras.layers, name)(**kwargs)
    ember_layer = getattr(ember.layers, name)(**kwargs)
    expected = np.asarray(keras_layer(x))
    out = ember_layer(x)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-4)
    assert tuple(ember_layer.compute_output_shape(shape)) == expected.shape


@pytest.mark.parametrize("axis", [-1, None, (1, 2), 1])
@pytest.mark.parametrize("in_batches", [False, True])
def test_normalization_adapt_matches_keras(axis, in_batches):
    x = np.random.default_rng(1).normal(1.0, 3.0, size=(10, 3, 4))
    x = x.astype("float32")
    keras_layer = keras.layers.Normalization(axis=axis)
    ember_layer = ember.layers.Normalization(axis=axis)
    keras_layer.adapt(x)
    # Keras needs TensorFlow for iterables; the batched statistics must
    # still equal those of the whole array.
    ember_layer.adapt([x[:3], x[3:7], x[7:]] if in_batches else x)
    test = np.random.default_rng(2).normal(size=(2, 3, 4)).astype("float32")
    np.testing.assert_allclose(
        ember_layer(test), np.asarray(keras_layer(test)), rtol=1e-5, atol=1e-5
    )
    assert [(v.name, v.shape, v.dtype) for v in ember_layer.weights] == [
        (v.name, v.shape, v.dtype) for v in keras_layer.weights
    ]
    assert not any(v.trainable for v in ember_layer.weights)
    assert ember_layer.count_params() == keras_layer.count_params()


@pytest.mark.parametrize("case", FIXED_DRAWS, ids=_id)
def test_fixed_draw_transforms_match_keras(case):
    name, kwargs = case
    shape = (2, 3, 6, 7) if "data_format" in kwargs else (2, 6, 7, 3)
    x = _images(shape)
    expected = np.asarray(
        getattr(keras.layers, name)(**kwargs)(x, training=True)
    )
    out = getattr(ember.layers, name)(**kwargs)(x, training=True)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-3)


@pytest.mark.parametrize("case", RANDOM + FIXED_DRAWS, ids=_id)
def test_random_layers_identity_at_inference_and_keras_config(case):
    name, kwargs = case
    x = _images((2, 6, 7, 3) if "data_format" not in kwargs else (2, 3, 6, 7))
    ember_layer = getattr(ember.layers, name)(**kwargs)
    np.testing.assert_array_equal(ember_layer(x, training=False), x)
    np.testing.assert_array_equal(ember_layer(x), x)
    keras_layer = getattr(keras.layers, name)(**kwargs)
    keras_layer(x, training=False)
    assert set(ember_layer.get_config()) == set(keras_layer.get_config())
    assert ember_layer.count_params() == keras_layer.count_params() == 0


@pytest.mark.parametrize("case", RANDOM, ids=_id)
def test_random_layers_change_with_the_seed(case):
    name, kwargs = case
    x = _images((8, 6, 7, 3))
    first = getattr(ember.layers, name)(**kwargs)(x, training=True)
    again = getattr(ember.layers, name)(**kwargs)(x, training=True)
    other = getattr(ember.layers, name)(**{**kwargs, "seed": 7})(
        x, training=True
    )
    assert first.shape == x.shape
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    assert not np.array_equal(first, x)


@pytest.mark.parametrize(
    "mode", ["horizontal", "vertical", "horizontal_and_vertical"]
)
def test_random_flip_flips_whole_images(mode):
    x = _images((16, 5, 6, 2))
    out = np.asarray(ember.layers.RandomFlip(mode, seed=3)(x, training=True))
    axes = {"horizontal": (1,), "vertical": (0,)}.get(mode, (0, 1))
    flipped = 0
    for image, result in zip(x, out, strict=True):
        mirror = np.flip(image, axis=axes)
        assert np.array_equal(result, image) or np.array_equal(result, mirror)
        flipped += int(np.array_equal(result, mirror))
    assert 0 < flipped < len(x)


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("Rescaling", {"scale": 0.5}),
        ("Normalization", {"axis": 1}),
        ("Resizing", {"height": 2, "width": 3}),
        ("CenterCrop", {"height": 2, "width": 3}),
    ],
)
def test_deterministic_configs_match_keras(name, kwargs):
    keras_config = getattr(keras.layers, name)(**kwargs).get_config()
    ember_config = getattr(ember.layers, name)(**kwargs).get_config()
    assert set(ember_config) == set(keras_config)
    without_name = {k: v for k, v in keras_config.items() if k != "name"}
    assert {k: ember_config[k] for k in without_name} == without_name
