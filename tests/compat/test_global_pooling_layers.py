"""Global pooling layers against Keras: same inputs, same outputs, shapes,
configs and masked means."""

import keras
import numpy as np
import pytest

import ember

CHANNELS_FIRST = {"data_format": "channels_first"}

CASES = [
    (f"Global{mode}Pooling{rank}D", kwargs, shape)
    for mode in ("Max", "Average")
    for rank, shape in ((1, (2, 5, 3)), (2, (2, 4, 5, 3)), (3, (1, 3, 4, 2, 3)))
    for kwargs in (
        {},
        {"keepdims": True},
        CHANNELS_FIRST,
        {"keepdims": True, **CHANNELS_FIRST},
    )
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
    np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_shapes_configs_and_params_match_keras(case):
    name, kwargs, shape = case
    keras_layer = getattr(keras.layers, name)(**kwargs)
    ember_layer = getattr(ember.layers, name)(**kwargs)
    theirs = keras_layer(keras.Input(shape[1:]))
    assert ember_layer(ember.Input(shape[1:])).shape == theirs.shape
    assert tuple(ember_layer.compute_output_shape(shape)) == tuple(
        keras_layer.compute_output_shape(shape)
    )
    ours, theirs = ember_layer.get_config(), keras_layer.get_config()
    assert set(ours) == set(theirs)
    ours.pop("name"), theirs.pop("name")
    assert ours == theirs
    assert ember_layer.count_params() == keras_layer.count_params() == 0
    assert ember_layer.supports_masking == keras_layer.supports_masking


@pytest.mark.parametrize("kwargs", [{}, {"keepdims": True}, CHANNELS_FIRST])
def test_masked_average_pooling1d_matches_keras(kwargs):
    shape = (3, 3, 5) if kwargs.get("data_format") else (3, 5, 3)
    x = _input(shape)
    mask = np.array(
        [[1, 1, 0, 0, 1], [0, 1, 1, 1, 1], [1, 0, 0, 0, 0]], dtype=bool
    )
    expected = keras.layers.GlobalAveragePooling1D(**kwargs)(x, mask=mask)
    layer = ember.layers.GlobalAveragePooling1D(**kwargs)
    np.testing.assert_allclose(
        layer(x, mask=mask), np.asarray(expected), rtol=1e-6
    )
    assert layer.compute_mask(x, mask) is None


def test_masked_average_pooling1d_after_masking_matches_keras():
    x = _input((2, 4, 3))
    x[0, 2:] = 0.0
    inputs = keras.Input((4, 3))
    pooled = keras.layers.GlobalAveragePooling1D()(
        keras.layers.Masking()(inputs)
    )
    expected = np.asarray(keras.Model(inputs, pooled)(x))
    mask = ember.layers.Masking().compute_mask(x)
    ours = ember.layers.GlobalAveragePooling1D()(x, mask=mask)
    np.testing.assert_allclose(ours, expected, rtol=1e-6)
