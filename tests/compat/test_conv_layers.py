"""Convolution layers against Keras: Keras' weights in, Keras' outputs out.

Covers the transposed, depthwise and separable convolutions over strides,
dilation, padding, output_padding and channels_first, plus the argument
combinations of Conv1D/2D/3D that tests/compat/test_layers.py leaves out.
"""

import keras
import numpy as np
import pytest

import ember

CF = {"data_format": "channels_first"}


def _transpose_cases():
    cases = []
    for padding in ("valid", "same"):
        for strides, output_padding in ((1, None), (2, None), (2, 1), (3, 2)):
            for kernel_size in (2, 3):
                kwargs = {
                    "filters": 2,
                    "kernel_size": kernel_size,
                    "strides": strides,
                    "padding": padding,
                    "output_padding": output_padding,
                }
                cases.append(("Conv1DTranspose", kwargs, (2, 5, 3)))
                cases.append(("Conv2DTranspose", kwargs, (2, 4, 5, 3)))
    for padding in ("valid", "same"):
        kwargs = {"filters": 2, "kernel_size": 3, "padding": padding}
        cases.append(
            ("Conv2DTranspose", {**kwargs, "dilation_rate": 2}, (2, 5, 5, 3))
        )
        cases.append(
            ("Conv2DTranspose", {**kwargs, "strides": 2, **CF}, (2, 3, 4, 5))
        )
        cases.append(
            ("Conv1DTranspose", {**kwargs, "dilation_rate": 3}, (2, 6, 2))
        )
    cases += [
        (
            "Conv3DTranspose",
            {"filters": 2, "kernel_size": 2, "strides": 2, "padding": "same"},
            (1, 3, 3, 3, 2),
        ),
        (
            "Conv3DTranspose",
            {"filters": 3, "kernel_size": (1, 2, 3), "output_padding": 0},
            (1, 2, 3, 4, 2),
        ),
        (
            "Conv3DTranspose",
            {"filters": 2, "kernel_size": 3, "strides": 2, **CF},
            (1, 2, 3, 3, 3),
        ),
        (
            "Conv2DTranspose",
            {"filters": 2, "kernel_size": 3, "activation": "relu"},
            (2, 4, 4, 1),
        ),
    ]
    return cases


def _depthwise_separable_cases():
    cases = []
    for rank, shape in ((1, (2, 9, 3)), (2, (2, 7, 8, 3))):
        first = (shape[0], shape[-1], *shape[1:-1])
        variants = [
            ({"kernel_size": 3}, shape),
            ({"kernel_size": 2, "strides": 2, "padding": "same"}, shape),
            ({"kernel_size": 3, "dilation_rate": 2}, shape),
            ({"kernel_size": 3, "depth_multiplier": 2}, shape),
            ({"kernel_size": 2, "padding": "same", **CF}, first),
            ({"kernel_size": 3, "use_bias": False, "strides": 3}, shape),
        ]
        for kwargs, x_shape in variants:
            cases.append((f"DepthwiseConv{rank}D", kwargs, x_shape))
            cases.append(
                (f"SeparableConv{rank}D", {"filters": 4, **kwargs}, x_shape)
            )
    return cases


# Conv1D/2D/3D arguments not covered by tests/compat/test_layers.py.
PLAIN_CASES = [
    ("Conv1D", {"filters": 2, "kernel_size": 3, "strides": 2}, (2, 9, 3)),
    ("Conv1D", {"filters": 4, "kernel_size": 2, "groups": 2}, (2, 6, 4)),
    ("Conv1D", {"filters": 2, "kernel_size": 3, **CF}, (2, 3, 7)),
    (
        "Conv1D",
        {"filters": 2, "kernel_size": 3, "padding": "causal", "strides": 2},
        (2, 7, 2),
    ),
    (
        "Conv1D",
        {"filters": 2, "kernel_size": 2, "padding": "causal", **CF},
        (2, 3, 5),
    ),
    (
        "Conv2D",
        {"filters": 4, "kernel_size": 3, "groups": 2, **CF},
        (2, 4, 5, 5),
    ),
    (
        "Conv2D",
        {"filters": 2, "kernel_size": 3, "dilation_rate": (1, 2)},
        (1, 6, 7, 2),
    ),
    (
        "Conv3D",
        {"filters": 2, "kernel_size": 2, "strides": 2, **CF},
        (1, 3, 4, 4, 4),
    ),
    ("Conv3D", {"filters": 4, "kernel_size": 2, "groups": 2}, (1, 3, 3, 3, 2)),
    (
        "Conv3D",
        {"filters": 2, "kernel_size": 3, "dilation_rate": 2},
        (1, 5, 5, 5, 1),
    ),
]

CASES = _transpose_cases() + _depthwise_separable_cases() + PLAIN_CASES


def _case_id(case):
    name, kwargs, _ = case
    return name + "-" + "-".join(f"{k}={v}" for k, v in kwargs.items())


def _pair(name, kwargs, shape):
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    keras_layer = getattr(keras.layers, name)(**kwargs)
    ember_layer = getattr(ember.layers, name)(**kwargs)
    expected = np.asarray(keras_layer(x))
    ember_layer.build(x.shape)
    ember_layer.set_weights([np.asarray(v.value) for v in keras_layer.weights])
    return keras_layer, ember_layer, x, expected


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_outputs_match_keras(case):
    keras_layer, ember_layer, x, expected = _pair(*case)
    out = ember_layer(x)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)
    assert tuple(ember_layer.compute_output_shape(x.shape)) == expected.shape
    assert ember_layer.count_params() == keras_layer.count_params()
    assert [v.name for v in ember_layer.weights] == [
        v.name for v in keras_layer.weights
    ]


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_configs_match_keras(case):
    name, kwargs, _ = case
    keras_config = getattr(keras.layers, name)(**kwargs).get_config()
    ember_layer = getattr(ember.layers, name)(**kwargs)
    ember_config = ember_layer.get_config()
    assert set(ember_config) == set(keras_config)
    for key in ("kernel_size", "strides", "dilation_rate", "padding"):
        assert ember_config[key] == keras_config[key]
    if "output_padding" in keras_config:
        assert ember_config["output_padding"] == keras_config["output_padding"]
    rebuilt = type(ember_layer).from_config(ember_config)
    assert rebuilt.get_config() == ember_config


@pytest.mark.parametrize(
    "case",
    CASES[::5],
    ids=_case_id,
)
def test_symbolic_shapes_match_keras(case):
    name, kwargs, shape = case
    keras_out = getattr(keras.layers, name)(**kwargs)(keras.Input(shape[1:]))
    ember_out = getattr(ember.layers, name)(**kwargs)(ember.Input(shape[1:]))
    assert ember_out.shape == keras_out.shape


@pytest.mark.parametrize(
    "name", ["Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose"]
)
def test_transpose_with_unknown_spatial_sizes_matches_keras(name):
    rank = int(name[4])
    shape = (None,) * rank + (3,)
    kwargs = {"filters": 2, "kernel_size": 3, "strides": 2}
    keras_out = getattr(keras.layers, name)(**kwargs)(keras.Input(shape))
    ember_out = getattr(ember.layers, name)(**kwargs)(ember.Input(shape))
    assert ember_out.shape == keras_out.shape


def test_keras_config_builds_an_ember_layer():
    keras_layer = keras.layers.SeparableConv2D(
        4, 3, strides=2, padding="same", depth_multiplier=2, activation="relu"
    )
    config = keras_layer.get_config()
    ember_layer = ember.layers.SeparableConv2D.from_config(config)
    x = np.random.default_rng(3).normal(size=(2, 6, 6, 3)).astype("float32")
    expected = np.asarray(keras_layer(x))
    ember_layer.build(x.shape)
    ember_layer.set_weights([np.asarray(v.value) for v in keras_layer.weights])
    np.testing.assert_allclose(ember_layer(x), expected, rtol=1e-4, atol=1e-5)
